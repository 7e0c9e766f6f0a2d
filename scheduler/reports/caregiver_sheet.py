"""A caregiver's day on paper: the visits in the order of the plan they follow, with times,
address, tasks, notes and partner (the same `CaregiverDay` the phone and the calendar read)."""

from __future__ import annotations

from scheduler.reports.caregiver_day import CaregiverDay
from scheduler.reports.kitchen_sheets import print_css
from scheduler.reports.sheets import render
from scheduler.wording import Wording, wording


def caregiver_days_html(
    days: list[CaregiverDay], *, municipality: str, locale: str, words: Wording | None = None
) -> str:
    """One A4 page per caregiver, in the reader's words (default: the town's language)."""
    return render(
        "caregiver_day.html",
        words or wording(locale),
        days=days,
        municipality=municipality,
        locale=locale,
        css=print_css(),
    )
