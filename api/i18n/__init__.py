"""Languages of the pages: Bulgarian, Slovenian and English through gettext catalogs (Babel).

The `.po` files are the source; they are compiled in memory when the app starts, so no build
step can forget a `.mo` and a fresh checkout speaks every language. English is the source
language of the messages. The language is the user's choice, else the municipality's locale.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

HERE = Path(__file__).resolve().parent
LANGUAGES = ("bg", "sl", "en")
DEFAULT = "en"


def language_of(locale: str | None) -> str:
    """One of LANGUAGES for a locale such as `bg_BG` or `sl`; English for anything else."""
    short = (locale or "").replace("-", "_").split("_")[0].lower()
    return short if short in LANGUAGES else DEFAULT


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


class Translator:
    """gettext and formatting of dates and times for one language and one time zone."""

    def __init__(self, language: str, timezone: str) -> None:
        self.language = language_of(language)
        self.zone = ZoneInfo(timezone)
        self._t = load_catalogs().get(self.language) or NullTranslations()

    def gettext(self, message: str) -> str:
        return self._t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def day(self, value: date) -> str:
        return format_date(value, format="full", locale=self.language)

    def weekday(self, value: date) -> str:
        """A column head of a week: the day's short name and date ("пн 1.12")."""
        return format_date(value, format="EEE d.M.", locale=self.language)

    def short_date(self, value: date) -> str:
        return format_date(value, format="medium", locale=self.language)

    def moment(self, value: datetime | None) -> str:
        """A stored UTC time shown in the municipality's zone."""
        if value is None:
            return ""
        aware = value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))
        return format_datetime(aware.astimezone(self.zone), format="short", locale=self.language)


def gettext_for(language: str) -> Callable[[str], str]:
    """The catalog's gettext of a language: what the worker words alerts with."""
    return Translator(language, "UTC").gettext


def clock(seconds: int | float | None) -> str:
    """Seconds from midnight of the plan day as HH:MM (plan times are already local)."""
    if seconds is None:
        return ""
    minutes = int(seconds) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
