"""The milk kitchen's age groups: a child's age in completed months on a given day.

The kitchen prepares infant food by age: 0-6, 6-12, 12-24 and 24-36 months. A child is in
the group of the months completed on the day, so a child turning 6 months on a Wednesday
gets 6-12 food from that Wednesday. A birthday on a day a month lacks (31 August) falls on
that month's last day (28 February). From 36 months a child is no longer served.
"""

from __future__ import annotations

import calendar
from datetime import date

# (first month, month after the last): the group's name is "first-last".
GROUPS: tuple[tuple[int, int], ...] = ((0, 6), (6, 12), (12, 24), (24, 36))
GROUP_NAMES: tuple[str, ...] = tuple(f"{a}-{b}" for a, b in GROUPS)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, the day of the month clipped to the month's length."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def months_old(birth: date, on: date) -> int:
    """Completed months of age on `on` (ValueError before the birth)."""
    if on < birth:
        raise ValueError(f"Expected a day on or after the birth date {birth.isoformat()}")
    months = (on.year - birth.year) * 12 + on.month - birth.month
    if add_months(birth, months) > on:
        months -= 1
    return months


def age_group(birth: date, on: date) -> str | None:
    """The group's name ("6-12") on `on`; None when the child is 36 months or older."""
    months = months_old(birth, on)
    for (first, end), name in zip(GROUPS, GROUP_NAMES, strict=True):
        if first <= months < end:
            return name
    return None
