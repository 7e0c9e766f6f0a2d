"""Printed sheets as HTML or PDF, and the month's report (page, CSV, PDF).

Each route reads the same figures as its JSON sibling, renders the sheet in the reader's
language (their own choice, else the municipality's) and, for `format=pdf`, lays the same page
out as a PDF (scheduler/reports/pdf.py), so the printed and the downloaded sheet agree.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from api.deps import CareReader, DbSession, KitchenReader, RowId, Staff
from api.i18n import Translator
from api.pages import BoardUser
from api.problems import PROBLEM_RESPONSES, ProblemError
from api.routes._write import audited
from scheduler.models import Role
from scheduler.models.fields import Day
from scheduler.reports.caregiver_day import caregiver_day
from scheduler.reports.caregiver_sheet import caregiver_days_html
from scheduler.reports.kitchen import kitchen_day
from scheduler.reports.kitchen_sheets import kitchen_html
from scheduler.reports.labels import DEFAULT_SHEET, SHEETS, labels_html
from scheduler.reports.month import month_report
from scheduler.reports.month_sheets import month_csv, month_html
from scheduler.reports.pdf import PDF_MEDIA_TYPE, html_to_pdf
from scheduler.reports.route_sheets import route_sheets_html
from scheduler.reports.statement_sheets import statements_html
from scheduler.reports.statements import month_statements
from scheduler.repositories.care import list_caregivers
from scheduler.repositories.tenancy import get_municipality

router = APIRouter(responses=PROBLEM_RESPONSES)
Month = Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
Vehicle = Annotated[str | None, Query(max_length=64, description="One van's external id.")]
SHEET: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {PDF_MEDIA_TYPE: {}, "text/html": {}},
        "description": "The printable sheet, A4.",
    }
}


class Format(StrEnum):
    pdf = "pdf"
    html = "html"


Fmt = Annotated[Format, Query(description="pdf (a download) or html (to print).")]
LabelSize = Annotated[str, Query(description="Label size in mm: " + ", ".join(SHEETS))]


def _words(session: Session, municipality_id: int, locale: str | None) -> tuple[Translator, str]:
    town = get_municipality(municipality_id, session=session)
    return Translator(locale or town.locale, town.timezone), town.name


def sheet_response(html: str, fmt: Format, filename: str) -> Response:
    """The sheet as a PDF download (`filename`.pdf) or as the HTML page itself."""
    if fmt == Format.html:
        return HTMLResponse(html)
    headers = {"Content-Disposition": f'attachment; filename="{filename}.pdf"'}
    return Response(html_to_pdf(html), media_type=PDF_MEDIA_TYPE, headers=headers)


@router.get("/v1/kitchen-sheets/{day}", response_class=Response, responses=SHEET, tags=["kitchen"])
def get_kitchen_sheets(
    day: Day, caller: KitchenReader, session: DbSession, format: Fmt = Format.pdf
) -> Response:
    """What to cook, the departure waves, and per van a packing list and its labels."""
    sheets = kitchen_day(caller.municipality_id, day, session=session)
    return sheet_response(kitchen_html(sheets), format, f"kitchen-{day.isoformat()}")


@router.get("/v1/box-labels/{day}", response_class=Response, responses=SHEET, tags=["kitchen"])
def get_box_labels(
    day: Day,
    caller: KitchenReader,
    session: DbSession,
    format: Fmt = Format.pdf,
    size: LabelSize = DEFAULT_SHEET,
    vehicle: Vehicle = None,
) -> Response:
    """The day's box labels laid out on A4 sticker sheets of the chosen label size."""
    sheets = kitchen_day(caller.municipality_id, day, session=session)
    t, _ = _words(session, caller.municipality_id, caller.locale)
    html = labels_html(sheets, size, t, vehicle)
    return sheet_response(html, format, f"labels-{day.isoformat()}-{size}")


@router.get("/v1/route-sheets/{day}", response_class=Response, responses=SHEET, tags=["kitchen"])
def get_route_sheets(
    day: Day, caller: KitchenReader, session: DbSession, format: Fmt = Format.pdf,
    vehicle: Vehicle = None,
) -> Response:  # fmt: skip
    """One page per van and trip: the stops in order, with room to mark each outcome."""
    sheets = kitchen_day(caller.municipality_id, day, session=session)
    t, _ = _words(session, caller.municipality_id, caller.locale)
    html = route_sheets_html(sheets, t, vehicle)
    return sheet_response(
        html, format, f"routes-{day.isoformat()}{'-' + vehicle if vehicle else ''}"
    )


@router.get(
    "/v1/caregivers/{caregiver_id}/days/{day}/sheet",
    response_class=Response,
    responses=SHEET,
    tags=["care"],
)
def get_caregiver_day_sheet(
    caregiver_id: RowId, day: Day, caller: CareReader, session: DbSession, format: Fmt = Format.pdf
) -> Response:
    """The caregiver's day on paper; a caregiver, only their own."""
    if caller.role == Role.caregiver and caller.caregiver_id != caregiver_id:
        raise ProblemError(403, "Role not allowed", "a caregiver sees only their own day")
    found = caregiver_day(caller.municipality_id, caregiver_id, day, session=session)
    return _care_sheet(session, caller.municipality_id, caller.locale, [found], format, day)


@router.get("/v1/care-days/{day}", response_class=Response, responses=SHEET, tags=["care"])
def get_care_day_sheets(
    day: Day, caller: Staff, session: DbSession, format: Fmt = Format.pdf
) -> Response:
    """Every active caregiver's day, one page each."""
    mid = caller.municipality_id
    days = [
        caregiver_day(mid, c.id or 0, day, session=session)
        for c in list_caregivers(mid, session=session, active=True)
    ]
    return _care_sheet(session, mid, caller.locale, days, format, day)


def _care_sheet(
    session: Session, mid: int, locale: str | None, days: list[Any], fmt: Format, day: date
) -> Response:
    t, name = _words(session, mid, locale)
    html = caregiver_days_html(days, municipality=name, locale=t.language, words=t)
    return sheet_response(html, fmt, f"care-{day.isoformat()}")


@router.get("/v1/statements/sheet", response_class=Response, responses=SHEET, tags=["statements"])
def get_statement_sheets(
    month: Month,
    caller: Staff,
    session: DbSession,
    format: Fmt = Format.pdf,
    client_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """One page per client (or one client's page): what they are billed for the month."""
    mid = caller.municipality_id
    rows = month_statements(mid, month, session=session, client_id=client_id)
    audited(session, caller, "export", "statements", month, clients=len(rows), sheet=format.value)
    town = get_municipality(mid, session=session)
    html = statements_html(rows, municipality=town.name, locale=caller.locale or town.locale)
    suffix = f"-{rows[0].client_id}" if client_id is not None and rows else ""
    return sheet_response(html, format, f"statements-{month}{suffix}")


class ReportFormat(StrEnum):
    pdf = "pdf"
    html = "html"
    csv = "csv"


REPORT: dict[int | str, dict[str, Any]] = {
    200: {"content": {PDF_MEDIA_TYPE: {}, "text/html": {}, "text/csv": {}}}
}


@router.get("/v1/month-report", response_class=Response, responses=REPORT, tags=["statements"])
def get_month_report(
    month: Month,
    caller: Staff,
    session: DbSession,
    format: Annotated[ReportFormat, Query()] = ReportFormat.pdf,
) -> Response:
    """The month's report per service, as the social department files it."""
    report = month_report(caller.municipality_id, month, session=session)
    audited(session, caller, "export", "month_report", month, sheet=format.value)
    if format == ReportFormat.csv:
        headers = {"Content-Disposition": f'attachment; filename="report-{month}.csv"'}
        return Response(month_csv(report), media_type="text/csv; charset=utf-8", headers=headers)
    t, _ = _words(session, caller.municipality_id, caller.locale)
    return sheet_response(month_html(report, t), Format(format.value), f"report-{month}")


@router.get("/reports/month", response_class=HTMLResponse, include_in_schema=False)
def month_report_page(page: BoardUser, session: DbSession, month: str | None = None) -> Response:
    """The dispatcher's page of the month's report, with its CSV and PDF downloads."""
    today = datetime.now(ZoneInfo(page.town.timezone)).date()
    month = month or f"{today:%Y-%m}"
    report = month_report(page.municipality_id, month, session=session)
    t = page.t
    base = f"/v1/month-report?month={month}"
    links = [
        (t.gettext("Download CSV"), f"{base}&format=csv"),
        (t.gettext("Download PDF"), f"{base}&format=pdf"),
    ]
    return HTMLResponse(month_html(report, t, links))
