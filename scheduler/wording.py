"""The words of what people read, in their language: gettext plus the locale's forms (Babel).

Sheets, statements, alerts and pushes are made down here, but the catalogs live with the
pages (api/i18n). So this module holds the shape every text is made with, `Wording`, and a
hook, `use_catalogs`, through which the API and the worker command hand the catalogs in when
they start; without them every text is English, the catalogs' source language. Dates, times,
numbers and money take the reader's locale forms ("6. jan. 2026", "12,50 €").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations

LANGUAGES = ("bg", "sl", "en")
ENGLISH = "en"
# Babel's locale per language: English in European forms (24-hour clock, 6 Jan 2026, 12.50 €),
# as read in the municipalities this serves.
FORMS = {"bg": "bg_BG", "sl": "sl_SI", "en": "en_150"}

Catalogs = Callable[[str], NullTranslations]  # a language ("bg") -> its translations


def _no_catalogs(language: str) -> NullTranslations:
    return NullTranslations()


_catalogs: Catalogs = _no_catalogs


def N_(message: str) -> str:  # noqa: N802 (gettext's name for "translated later")
    """Marks a catalog message that is translated when read, not where it is written."""
    return message


def use_catalogs(catalogs: Catalogs) -> None:
    """Install the catalogs (the API and the worker command do, at start)."""
    global _catalogs
    _catalogs = catalogs


def language_of(locale: str | None) -> str:
    """One of LANGUAGES for a locale such as `bg_BG` or `sl`; English for anything else."""
    short = (locale or "").replace("-", "_").split("_")[0].lower()
    return short if short in LANGUAGES else ENGLISH


class Wording:
    """gettext and the locale's forms of dates, times, numbers and money, for one language and
    one time zone (the municipality's: stored times are UTC, people read local ones)."""

    def __init__(
        self,
        language: str | None = ENGLISH,
        timezone: str = "UTC",
        translations: NullTranslations | None = None,
    ) -> None:
        self.language = language_of(language)
        self.locale = FORMS[self.language]
        self.zone = ZoneInfo(timezone)
        self._t = translations if translations is not None else _catalogs(self.language)

    def gettext(self, message: str) -> str:
        return self._t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return str(self._t.pgettext(context, message))

    def day(self, value: date) -> str:
        """A date in words, as a heading: "torek, 6. januar 2026"."""
        return format_date(value, format="full", locale=self.locale)

    def short_day(self, value: date) -> str:
        """A date in a table cell: "6. jan. 2026", "6 Jan 2026"."""
        return format_date(value, format="medium", locale=self.locale)

    def weekday(self, value: date) -> str:
        """A column head of a week: the day's short name and date ("пн 1.12.")."""
        return format_date(value, format="EEE d.M.", locale=self.locale)

    def month(self, value: str | date) -> str:
        """A month ("2026-01" or a date in it) as its name and year: "januar 2026"."""
        first = date.fromisoformat(f"{value}-01") if isinstance(value, str) else value
        return format_date(first, format="LLLL y", locale=self.locale)

    def wall(self, value: time | str) -> str:
        """A wall-clock time ("11:05"); plan times are already local."""
        wall = time.fromisoformat(value) if isinstance(value, str) else value
        return format_time(wall, format="short", locale=self.locale)

    def moment(self, value: datetime | None) -> str:
        """A stored UTC time shown in the municipality's zone."""
        if value is None:
            return ""
        aware = value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))
        return format_datetime(aware.astimezone(self.zone), format="short", locale=self.locale)

    def number(self, value: int | float | Decimal, places: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def money(self, cents: int, currency: str) -> str:
        """An amount in cents of `currency` as the locale writes it: "12,50 €"."""
        return format_currency(Decimal(cents) / 100, currency, locale=self.locale)


def wording(locale: str | None, timezone: str = "UTC") -> Wording:
    """The words of a reader who speaks `locale` (their own, else their municipality's)."""
    return Wording(locale, timezone)


@dataclass(frozen=True)
class Said:
    """A sentence kept as catalog messages and their values, so that each reader gets it in
    their own language: stored with what it describes (an unassigned stop's explanation) and
    worded when shown. `parts` are joined with a space; each is `message % values`."""

    parts: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]

    @classmethod
    def of(cls, *parts: tuple[str, Mapping[str, object]]) -> Said:
        return cls(tuple((m, tuple((k, str(v)) for k, v in p.items())) for m, p in parts))

    def words(self, wording: Wording | None = None) -> str:
        say = wording.gettext if wording is not None else (lambda m: m)
        return " ".join(_fill(say(m), _terms(dict(p), say)) for m, p in self.parts)

    def to_json(self) -> dict[str, list[list[object]]]:
        return {"said": [[m, dict(p)] for m, p in self.parts]}

    @classmethod
    def from_json(cls, stored: Mapping[str, object]) -> Said | None:
        found = stored.get("said")
        if not isinstance(found, list):
            return None
        return cls.of(*((str(m), dict(p)) for m, p in found))


# A value that is itself a catalog word (a client's status, an absence's kind, a service) is
# kept with this mark, and said in the reader's language with the sentence around it.
TERM = "\x1f"


def term(word: str) -> str:
    """`word` as a value of a Said part that is translated too (a status, not a name)."""
    return TERM + str(word)


def _terms(values: dict[str, str], say: Callable[[str], str]) -> dict[str, str]:
    return {k: say(v[1:]) if v.startswith(TERM) else v for k, v in values.items()}


def _fill(message: str, values: Mapping[str, str]) -> str:
    """`message % values`, or the message as it is when a translation names a value the
    English does not (a catalog mistake must not hide the sentence)."""
    try:
        return message % values if values else message
    except (KeyError, TypeError, ValueError):
        return message
