"""What caregivers' and drivers' absences share: how long one may be, and that two absences of
one person never overlap, so a day never has two answers to "why is she away".

availability.py (caregivers) and driver_absences.py (drivers) name their own fields (`start`,
`end` or `first_day`, `last_day`) and keep their own events and audit rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import TypeVar

from scheduler.models import AbsenceKind
from scheduler.refusals import Reason, refuse
from scheduler.wording import term

MAX_ABSENCE_DAYS = 366  # a longer record is almost certainly a typo in the year
R = TypeVar("R")


@dataclass(frozen=True)
class Away:
    """What makes two absences of one person the same one: days, kind, and the time of day a
    sick leave starts (caregivers only)."""

    start: date
    end: date
    kind: AbsenceKind
    from_time: time | None = None


def check_days(start: date, end: date, field: str) -> None:
    """Refuse days in the wrong order or too long an absence, naming `field` (its last day)."""
    if end < start:
        raise refuse(field, Reason.end_before_start, end=end, start=start)
    if (end - start).days >= MAX_ABSENCE_DAYS:
        raise refuse(field, Reason.absence_too_long, n=MAX_ABSENCE_DAYS)


def same_or_refused(
    overlapping: Iterable[tuple[R, Away]], wanted: Away, *, field: str, name: str
) -> R | None:
    """The absence already recorded that is `wanted` again (the same one is stored once), or
    None when none overlaps it; an overlapping other one is refused naming `field`."""
    for row, away in overlapping:
        if away == wanted:
            return row
        raise refuse(
            field, Reason.already_away, name=name, start=away.start, end=away.end,
            kind=term(away.kind),
        )  # fmt: skip
    return None
