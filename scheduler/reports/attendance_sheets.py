"""Monthly hours of home care as CSV (one file per client or per caregiver) and a printable page.

The social department pays caregivers and bills clients from these figures, so both tables
come from the same presences (scheduler/reports/attendance.py) and their totals are equal.
"""

from __future__ import annotations

from scheduler.reports.attendance import MonthlyHours
from scheduler.reports.kitchen_sheets import print_css
from scheduler.reports.sheets import render, to_csv
from scheduler.wording import Wording, wording

CLIENT_HEADER = ("client_id", "name", "month", "visits", "minutes", "hours", "late",
                 "too_short", "missed", "open")  # fmt: skip
CAREGIVER_HEADER = ("caregiver_id", "name", "month", "visits", "minutes", "hours", "late",
                    "too_short", "open")  # fmt: skip


def hours(minutes: int) -> str:
    """Minutes as decimal hours with two places (`90` -> `1.50`), as payroll sheets want."""
    return f"{minutes / 60:.2f}"


def client_hours_csv(month: MonthlyHours, words: Wording | None = None) -> str:
    rows = [
        [line.external_id, line.name, month.month, line.visits, line.minutes,
         hours(line.minutes), line.late, line.too_short, line.missed, line.open]
        for line in month.clients
    ]  # fmt: skip
    return to_csv(CLIENT_HEADER, rows, words)


def caregiver_hours_csv(month: MonthlyHours, words: Wording | None = None) -> str:
    rows = [
        [line.external_id, line.name, month.month, line.visits, line.minutes,
         hours(line.minutes), line.late, line.too_short, line.open]
        for line in month.caregivers
    ]  # fmt: skip
    return to_csv(CAREGIVER_HEADER, rows, words)


def hours_html(
    month: MonthlyHours, *, municipality: str, locale: str, words: Wording | None = None
) -> str:
    """One A4 document: the clients' table, then the caregivers' table, each with totals; in
    the reader's words (default: the municipality's language), hours as the locale writes them."""
    words = words or wording(locale)
    return render(
        "care_hours.html",
        words,
        month=month,
        municipality=municipality,
        css=print_css(),
        hours=lambda minutes: words.number(minutes / 60, places=2),
        total=lambda lines, name: sum(getattr(line, name) for line in lines),
    )
