"""Every printed output of a day or a month written to a folder, as HTML and PDF (and CSV for
the month's report): what `patronage sheets`, `patronage month-report` and the demo write.

Every output is in the caller's `words` (the reader's language), else the municipality's.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlmodel import Session

from scheduler.reports.caregiver_day import CaregiverDay, caregiver_day
from scheduler.reports.caregiver_sheet import caregiver_days_html
from scheduler.reports.kitchen import KitchenDay, kitchen_day
from scheduler.reports.kitchen_sheets import kitchen_html
from scheduler.reports.labels import DEFAULT_SHEET, labels_html
from scheduler.reports.month import month_report
from scheduler.reports.month_sheets import month_csv, month_html
from scheduler.reports.pdf import html_to_pdf
from scheduler.reports.route_sheets import route_sheets_html
from scheduler.reports.statement_sheets import statements_html
from scheduler.reports.statements import Statement, month_statements
from scheduler.repositories.care import list_caregivers
from scheduler.repositories.tenancy import get_municipality
from scheduler.wording import Wording


def write_sheet(folder: Path, stem: str, html: str, pdf_html: str | None = None) -> list[Path]:
    """`stem`.html and `stem`.pdf under `folder` (the PDF of `pdf_html` when given: a sample
    of a long sheet); the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / f"{stem}.html"
    page.write_text(html, encoding="utf-8")
    document = folder / f"{stem}.pdf"
    document.write_bytes(html_to_pdf(pdf_html if pdf_html is not None else html))
    return [page, document]


def sample_day(day: KitchenDay, vans: int) -> KitchenDay:
    """The kitchen's day cut to its first `vans` van trips per kitchen (cook counts as they
    are): enough of a long sheet to see what it looks like, printed in a fraction of the time."""
    kitchens = []
    for k in day.kitchens:
        waves, left = [], vans
        for wave in k.waves:
            if left > 0:
                waves.append(replace(wave, vans=wave.vans[:left]))
                left -= len(waves[-1].vans)
        kitchens.append(replace(k, waves=waves))
    return replace(day, kitchens=kitchens)


def write_day_sheets(
    municipality_id: int,
    day: date,
    folder: Path,
    *,
    session: Session,
    words: Wording | None = None,
    label_size: str = DEFAULT_SHEET,
    sample: int | None = None,
) -> list[Path]:
    """The kitchen sheets with packing lists, the box labels, the vans' route sheets and the
    caregivers' days of `day`; with `sample`, the PDFs show only that many vans or people."""
    sheets = kitchen_day(municipality_id, day, session=session)
    few = sample_day(sheets, sample) if sample is not None else sheets
    town = get_municipality(municipality_id, session=session)
    carers = list_caregivers(municipality_id, session=session, active=True)
    days = [caregiver_day(municipality_id, c.id or 0, day, session=session) for c in carers]
    working = [d for d in days if d.visits]

    def care(people: list[CaregiverDay]) -> str:
        return caregiver_days_html(people, municipality=town.name, locale=town.locale, words=words)

    stamp = day.isoformat()
    pages = {
        f"kitchen-{stamp}": (kitchen_html(sheets, words), kitchen_html(few, words)),
        f"labels-{stamp}-{label_size}": (
            labels_html(sheets, label_size, words),
            labels_html(few, label_size, words),
        ),
        f"routes-{stamp}": (route_sheets_html(sheets, words), route_sheets_html(few, words)),
        f"care-{stamp}": (care(working), care(working[:sample] if sample else working)),
    }
    return [
        path for stem, (full, pdf) in pages.items() for path in write_sheet(folder, stem, full, pdf)
    ]


def write_month(
    municipality_id: int,
    month: str,
    folder: Path,
    *,
    session: Session,
    words: Wording | None = None,
    sample: int | None = None,
) -> list[Path]:
    """The month's report (HTML, PDF, CSV) and the month's statements (HTML, PDF; with
    `sample`, the PDF holds only that many clients' statements)."""
    town = get_municipality(municipality_id, session=session)
    statements = month_statements(municipality_id, month, session=session)
    report = month_report(municipality_id, month, session=session, statements=statements)
    written = write_sheet(folder, f"report-{month}", month_html(report, words))
    table = folder / f"report-{month}.csv"
    table.write_text(month_csv(report), encoding="utf-8")

    def page(rows: list[Statement]) -> str:
        return statements_html(rows, municipality=town.name, locale=town.locale, words=words)

    few = statements[:sample] if sample is not None else statements
    return [
        *written,
        table,
        *write_sheet(folder, f"statements-{month}", page(statements), page(few)),
    ]
