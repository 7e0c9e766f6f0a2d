"""The month's report as CSV (one tidy table) and as a printable A4 page in the reader's language.

Words come from the catalogs through `words`, which the caller chooses (the reader's
language, else the town's); the CSV keeps stable English codes so that a spreadsheet built
on it survives a change of language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from scheduler.reports.attendance_sheets import hours
from scheduler.reports.kitchen_sheets import print_css
from scheduler.reports.month import OUTCOME_NAMES, MonthReport, Outcomes, ServiceSection
from scheduler.reports.month_counters import Collections
from scheduler.reports.sheets import render, to_csv
from scheduler.reports.statement_sheets import money
from scheduler.wording import Wording, wording

Gettext = Callable[[str], str]
CSV_HEADER = ("month", "service", "table", "row", "measure", "value")


def month_rows(report: MonthReport) -> list[list[object]]:
    """One row per figure: (service, table, row, measure, value)."""
    rows: list[list[object]] = []
    for section in report.services:
        head = [report.month, section.service]
        for name in section.measures:
            rows.append([*head, "clients", "", name, getattr(section.clients, name)])
        meals = section.by_diet or section.by_kitchen  # a service with meal outcomes
        tables = (("diet", section.by_diet), ("kitchen", section.by_kitchen),
                  ("total", {"": section.total} if meals else {}))  # fmt: skip
        for table, lines in tables:
            for key, outcomes in lines.items():
                rows.extend([*head, table, key, m, v] for m, v in _measures(outcomes))
        for table, care in (("kind", section.by_kind), ("caregiver", section.by_caregiver)):
            for line in care:
                rows.append([*head, table, line.name, "visits", line.visits])
                rows.append([*head, table, line.name, "hours", hours(line.minutes)])
        rows.extend([*head, *row] for row in _collected_rows(section))
    for name, count in report.alert_counts().items():
        rows.append([report.month, "welfare", "alerts", "", name, count])
    return rows


def _measures(outcomes: Outcomes) -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = [(n, getattr(outcomes, n)) for n in OUTCOME_NAMES]
    return [*found, ("fee", money(outcomes.fee_cents))]


COLLECTED_TABLES = {"canteen": "diet", "milk_kitchen": "age_group"}


def _collected_rows(section: ServiceSection) -> list[list[object]]:
    """A collected service's rows: (table, row, measure, value) per diet or age group, per
    pick-up point, and the month's total."""
    if section.collected is None:
        return []
    group = COLLECTED_TABLES.get(section.service, "kind")
    tables = ((group, section.by_group), ("point", section.by_point),
              ("total", {"": section.collected}))  # fmt: skip
    rows: list[list[object]] = []
    for table, lines in tables:
        for key, figures in lines.items():
            rows.extend([table, key, m, v] for m, v in _collected_measures(section, figures))
    return rows


def _collected_measures(section: ServiceSection, figures: Collections) -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = [
        ("collections", figures.collections),
        ("portions", figures.portions),
    ]
    if section.service == "milk_kitchen":
        found.append(("not_collected", figures.missed))
    return [*found, ("fee", money(figures.fee_cents))]


def month_csv(report: MonthReport) -> str:
    return to_csv(CSV_HEADER, month_rows(report))


def month_html(
    report: MonthReport, words: Wording | None = None, links: Sequence[tuple[str, str]] = ()
) -> str:
    """The report on A4: per service its clients and figures, then the welfare alerts.
    `links` (label, address) are shown above it on screen only: the page's downloads."""
    return render(
        "month.html",
        words or wording(report.locale),
        report=report,
        css=print_css(),
        hours=hours,
        outcomes=OUTCOME_NAMES,
        links=links,
    )
