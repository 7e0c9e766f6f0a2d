"""Weekday sets and clock times as dispatchers write them, and the municipality's local date.

Weekday sets are stored as text (`Mon-Fri`, `Mon,Wed,Fri`) because people read and edit them;
`parse_weekdays` turns that text into a frozenset of ISO-like day numbers (Monday 0 … Sunday 6,
as `date.weekday()`), and `format_weekdays` writes the canonical text back, so two spellings of
the same set compare equal once normalised. English, Bulgarian and Slovenian day abbreviations
are accepted because the lists come from local spreadsheets. Errors are `ValueError` with a
message meant for the person who typed the text.
"""

# Bulgarian day names are Cyrillic on purpose; they only look like Latin letters to the linter.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from scheduler.refusals import Reason, ReasonError

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_ALIASES: dict[str, int] = {}
for _number, _names in enumerate(
    [
        ("mon", "monday", "пн", "пон", "pon"),
        ("tue", "tuesday", "вт", "вто", "tor"),
        ("wed", "wednesday", "ср", "сря", "sre"),
        ("thu", "thursday", "чт", "чет", "čet", "cet"),
        ("fri", "friday", "пт", "пет", "pet"),
        ("sat", "saturday", "сб", "съб", "sob"),
        ("sun", "sunday", "нд", "нед", "ned"),
    ]
):
    for _name in _names:
        _ALIASES[_name] = _number

WORKING_DAYS = frozenset(range(5))
_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def _day(token: str, text: str) -> int:
    number = _ALIASES.get(token.strip().lower())
    if number is None:
        raise ReasonError(Reason.unknown_day, value=repr(token.strip()), text=repr(text))
    return number


def parse_weekdays(text: str) -> frozenset[int]:
    """`Mon-Fri` -> {0..4}; `Mon,Wed,Fri` -> {0, 2, 4}; ranges and lists may be mixed."""
    if not text or not text.strip():
        raise ReasonError(Reason.no_days)
    days: set[int] = set()
    for part in text.split(","):
        if not part.strip():
            raise ReasonError(Reason.empty_day, text=repr(text))
        if "-" in part:
            first, _, last = part.partition("-")
            start, end = _day(first, text), _day(last, text)
            if end < start:
                raise ReasonError(Reason.backwards_days, value=repr(part.strip()))
            days.update(range(start, end + 1))
        else:
            days.add(_day(part, text))
    return frozenset(days)


def format_weekdays(days: frozenset[int] | set[int]) -> str:
    """The canonical text: runs of three or more days as ranges (`Mon-Fri`, `Mon,Wed-Fri`)."""
    if not days:
        raise ValueError("an empty set of days has no text form")
    if not all(0 <= d <= 6 for d in days):
        raise ValueError(f"day numbers must be 0 (Mon) to 6 (Sun), got {sorted(days)}")
    ordered = sorted(days)
    runs: list[list[int]] = []
    for d in ordered:
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}")
        else:
            parts.extend(DAY_NAMES[d] for d in run)
    return ",".join(parts)


def normalize_weekdays(text: str) -> str:
    """Any accepted spelling -> the canonical text (`mon, tue,wed,thu,fri` -> `Mon-Fri`)."""
    return format_weekdays(parse_weekdays(text))


def runs_on(weekdays: str, day: date) -> bool:
    """True when `day` is one of the stored weekday set's days."""
    return day.weekday() in parse_weekdays(weekdays)


def parse_hhmm(text: str) -> time:
    """`8:30` or `08:30` -> time(8, 30); anything else is a ValueError."""
    match = _HHMM.match(text or "")
    if match is None:
        raise ReasonError(Reason.not_a_time, value=repr(text))
    hours, minutes = int(match[1]), int(match[2])
    if hours > 23 or minutes > 59:
        raise ReasonError(Reason.no_such_time, value=repr(text.strip()))
    return time(hours, minutes)


def format_hhmm(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def local_today(timezone: str, now: datetime | None = None) -> date:
    """Today's date in the municipality's time zone (the server may run in UTC)."""
    moment = now if now is not None else datetime.now(ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(timezone)).date()
