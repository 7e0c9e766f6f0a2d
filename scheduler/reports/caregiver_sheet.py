"""A caregiver's day on paper: the visits in the order of the plan they follow, with times,
address, tasks, notes and partner (the same `CaregiverDay` the phone and the calendar read)."""

from __future__ import annotations

from collections.abc import Callable

from scheduler.reports.caregiver_day import CaregiverDay
from scheduler.reports.kitchen_sheets import print_css
from scheduler.reports.sheets import render


def caregiver_days_html(
    days: list[CaregiverDay], *, municipality: str, locale: str, gettext: Callable[[str], str] = str
) -> str:
    """One A4 page per caregiver."""
    return render(
        "caregiver_day.html",
        days=days,
        municipality=municipality,
        locale=locale,
        css=print_css(),
        _=gettext,
    )
