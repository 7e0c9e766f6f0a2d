"""Languages of the pages: Bulgarian, Slovenian and English through gettext catalogs (Babel).

The `.po` files are the source; they are compiled in memory when the app starts, so no build
step can forget a `.mo` and a fresh checkout speaks every language. English is the source
language of the messages. The language is the user's choice, else the municipality's locale.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from scheduler.wording import LANGUAGES, Wording, language_of

HERE = Path(__file__).resolve().parent
DEFAULT = "en"
__all__ = ["LANGUAGES", "Translator", "accept_language", "catalog_of", "language_of"]


def accept_language(header: str | None) -> str:
    """The first of LANGUAGES an `Accept-Language` header asks for (by its q weights), else
    English: how a page with no user and no municipality picks its language."""
    wanted: list[tuple[float, int, str]] = []
    for i, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        short = tag.strip().replace("_", "-").split("-")[0].lower()
        if short in LANGUAGES and weight > 0:
            wanted.append((-weight, i, short))
    return min(wanted)[2] if wanted else DEFAULT


@lru_cache(maxsize=1)
def load_catalogs() -> dict[str, NullTranslations]:
    catalogs: dict[str, NullTranslations] = {DEFAULT: NullTranslations()}
    for po in sorted(HERE.glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh)
        buf = io.BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        catalogs[po.parent.parent.name] = Translations(fp=buf)
    return catalogs


class Translator(Wording):
    """The words of one language (its catalog) in one time zone: what every page renders with."""

    def __init__(self, language: str | None, timezone: str) -> None:
        short = language_of(language)
        super().__init__(short, timezone, load_catalogs().get(short) or NullTranslations())


def catalog_of(language: str) -> NullTranslations:
    """A language's translations (English: none), as `scheduler.wording.use_catalogs` takes."""
    return load_catalogs().get(language_of(language)) or NullTranslations()


def clock(seconds: int | float | None) -> str:
    """Seconds from midnight of the plan day as HH:MM (plan times are already local)."""
    if seconds is None:
        return ""
    minutes = int(seconds) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
