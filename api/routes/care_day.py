"""The home-care day: a caregiver's day, attendance, monthly hours, absences and sick reports,
one-off visits and cancellations, lunches carried on visits, private calendar links.

Every route calls one scheduler function and maps its answer; the rules (cut-off, who may
force, what a sick report re-plans) live there. Changes that ask for a re-plan record an
event with an outbox row; without a broker the API relays it after answering (api/eager.py).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response, status
from sqlmodel import Session

from api.alerts import caller_reader
from api.care_board import sick_outcome
from api.deps import Caller, CareReader, DbSession, RowId, SettingsDep, Staff
from api.eager import relay_if_eager
from api.problems import PROBLEM_RESPONSES, ProblemError
from api.routes._absences import check_listed
from api.routes._write import Who, audited
from api.schemas.care import VisitPublic
from api.schemas.care_day import (
    AbsenceCreate,
    AbsencePublic,
    CalendarLink,
    CaregiverDayPublic,
    MealCarry,
    MonthlyHoursPublic,
    SickIn,
    SickReportPublic,
    VisitAttendancePublic,
    VisitCancel,
    VisitRequestCreate,
)
from scheduler.intake.availability import absences_between, add_absence, remove_absence, report_sick
from scheduler.intake.orders import Actor
from scheduler.intake.visit_requests import VisitIn, cancel_visit, carry_meal, request_visit
from scheduler.models import CaregiverAbsence, Role, Visit
from scheduler.models.fields import Day
from scheduler.reports.attendance import day_attendance, monthly_hours
from scheduler.reports.attendance_sheets import caregiver_hours_csv, client_hours_csv
from scheduler.reports.caregiver_day import caregiver_day
from scheduler.reports.caregiver_ical import issue_calendar_link, revoke_calendar_link
from scheduler.repositories.care import get_caregiver

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["care"])
Month = Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "One row per client or caregiver."}
}


def _actor(caller: Caller, force: bool = False, request_id: str = "") -> Actor:
    return Actor(name=caller.actor, role=caller.role, force=force, key=request_id or None)


def _visit(row: Visit) -> VisitPublic:
    return VisitPublic.model_validate(row, from_attributes=True)


@router.get("/caregivers/{caregiver_id}/days/{day}", response_model=CaregiverDayPublic)
def get_caregiver_day(
    caregiver_id: RowId, day: Day, caller: CareReader, session: DbSession
) -> CaregiverDayPublic:
    """The caregiver's visits in the order of the plan they follow; a caregiver, only theirs."""
    if caller.role == Role.caregiver and caller.caregiver_id != caregiver_id:
        raise ProblemError(403, "Role not allowed", "a caregiver sees only their own day")
    found = caregiver_day(caller.municipality_id, caregiver_id, day, session=session)
    return CaregiverDayPublic.model_validate(found.to_dict())


@router.get("/care-attendance/{day}", response_model=list[VisitAttendancePublic])
def get_day_attendance(day: Day, caller: Staff, session: DbSession) -> list[VisitAttendancePublic]:
    """The day's visits with their check-ins, flagged late, missed, too short or far."""
    rows = day_attendance(caller.municipality_id, day, session=session)
    return [VisitAttendancePublic.of(r) for r in rows]


@router.get("/care-hours", response_model=MonthlyHoursPublic)
def get_monthly_hours(month: Month, caller: Staff, session: DbSession) -> MonthlyHoursPublic:
    """Minutes of care per client and per caregiver in the month, from the check-ins."""
    figures = monthly_hours(caller.municipality_id, month, session=session)
    audited(session, caller, "export", "care_hours", month)
    return MonthlyHoursPublic.of(figures)


class HoursOf(StrEnum):
    clients = "clients"
    caregivers = "caregivers"


@router.get("/care-hours.csv", response_class=Response, responses=CSV)
def get_monthly_hours_csv(
    month: Month, caller: Staff, session: DbSession, of: HoursOf = HoursOf.caregivers
) -> Response:
    """The month's hours as the payroll (caregivers) or billing (clients) sheet."""
    figures = monthly_hours(caller.municipality_id, month, session=session)
    audited(session, caller, "export", "care_hours", month, sheet=of.value)
    t = caller_reader(session, caller)  # the columns in the reader's words
    sheet = client_hours_csv if of == HoursOf.clients else caregiver_hours_csv
    text = sheet(figures, t)
    headers = {"Content-Disposition": f'attachment; filename="care-hours-{month}-{of.value}.csv"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/absences", response_model=list[AbsencePublic])
def list_absences(
    caller: Staff,
    session: DbSession,
    date_from: Annotated[Day, Query(alias="from")],
    date_to: Annotated[Day, Query(alias="to")],
    caregiver_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> list[AbsencePublic]:
    """Days off, holidays and sick leave that touch `from`..`to`."""
    check_listed(date_from, date_to)
    if caregiver_id is not None:
        get_caregiver(caller.municipality_id, caregiver_id, session=session)
    rows = absences_between(
        caller.municipality_id, date_from, date_to, session=session, caregiver_id=caregiver_id
    )
    return [AbsencePublic.model_validate(r, from_attributes=True) for r in rows]


@router.post("/absences", response_model=AbsencePublic, status_code=status.HTTP_201_CREATED)
def create_absence(
    request: Request, body: AbsenceCreate, caller: Staff, session: DbSession, later: BackgroundTasks
) -> AbsencePublic:
    """Record an absence; frozen dates it touches are re-planned without the caregiver."""
    by = _actor(caller, request_id=body.request_id)
    row = add_absence_and_audit(caller, by, body, session=session)
    relay_if_eager(later, request)
    return AbsencePublic.model_validate(row, from_attributes=True)


def add_absence_and_audit(
    who: Who, by: Actor, body: AbsenceCreate, *, session: Session
) -> CaregiverAbsence:
    """The absence through intake (its event re-plans frozen days), and its audit row; the
    office's absences screen calls this too (api/routes/pages_care.py)."""
    row = add_absence(
        who.municipality_id,
        body.caregiver_id,
        body.start,
        body.end,
        body.kind,
        session=session,
        by=by,
        from_time=body.from_time,
    )
    audited(session, who, "create", "absence", row.id)
    return row


def remove_absence_and_audit(
    who: Who, by: Actor, absence_id: int, *, session: Session
) -> CaregiverAbsence:
    row = remove_absence(who.municipality_id, absence_id, session=session, by=by)
    audited(session, who, "delete", "absence", absence_id)
    return row


@router.delete("/absences/{absence_id}", response_model=AbsencePublic)
def delete_absence(
    request: Request, absence_id: RowId, caller: Staff, session: DbSession, later: BackgroundTasks
) -> AbsencePublic:
    """Remove an absence recorded by mistake (or a caregiver back early); dates re-plan."""
    row = remove_absence_and_audit(caller, _actor(caller), absence_id, session=session)
    relay_if_eager(later, request)
    return AbsencePublic.model_validate(row, from_attributes=True)


@router.post(
    "/caregivers/{caregiver_id}/sick",
    response_model=SickReportPublic,
    status_code=status.HTTP_202_ACCEPTED,
)
def post_sick(
    request: Request,
    caregiver_id: RowId,
    body: SickIn,
    caller: Staff,
    session: DbSession,
    later: BackgroundTasks,
) -> SickReportPublic:
    """Report a caregiver sick; the day re-plans without them (follow it with GET .../sick)."""
    report_sick(
        caller.municipality_id,
        caregiver_id,
        body.day,
        session=session,
        by=_actor(caller, request_id=body.request_id),
        from_time=body.from_time,
        until=body.until,
    )
    audited(session, caller, "report_sick", "caregiver", caregiver_id, day=body.day.isoformat())
    relay_if_eager(later, request)
    words = caller_reader(session, caller)
    return sick_outcome(session, caller.municipality_id, caregiver_id, body.day, words)


@router.get("/caregivers/{caregiver_id}/sick/{day}", response_model=SickReportPublic)
def get_sick(caregiver_id: RowId, day: Day, caller: Staff, session: DbSession) -> SickReportPublic:
    """What became of a sick caregiver's visits: kept, moved to whom, not covered and why."""
    get_caregiver(caller.municipality_id, caregiver_id, session=session)
    words = caller_reader(session, caller)
    return sick_outcome(session, caller.municipality_id, caregiver_id, day, words)


@router.post("/visits", response_model=VisitPublic, status_code=status.HTTP_201_CREATED)
def create_visit(
    request: Request,
    body: VisitRequestCreate,
    caller: Staff,
    session: DbSession,
    later: BackgroundTasks,
) -> VisitPublic:
    """A one-off visit (or a change to one); after the cut-off only when forced."""
    data = VisitIn.model_validate(body.model_dump(exclude={"day", "force", "request_id"}))
    row = request_visit(
        caller.municipality_id,
        body.day,
        data,
        session=session,
        by=_actor(caller, body.force, body.request_id),
    )
    relay_if_eager(later, request)
    return _visit(row)


@router.post("/visits/{visit_id}/cancel", response_model=VisitPublic)
def cancel(
    request: Request,
    visit_id: RowId,
    body: VisitCancel,
    caller: Staff,
    session: DbSession,
    later: BackgroundTasks,
) -> VisitPublic:
    """Cancel a visit that has not started; after the cut-off only when forced."""
    row = cancel_visit(
        caller.municipality_id,
        visit_id,
        session=session,
        by=_actor(caller, body.force, body.request_id),
        reason=body.reason,
    )
    relay_if_eager(later, request)
    return _visit(row)


@router.post("/visits/{visit_id}/carry-meal", response_model=VisitPublic)
def post_carry_meal(
    request: Request,
    visit_id: RowId,
    body: MealCarry,
    caller: Staff,
    session: DbSession,
    later: BackgroundTasks,
) -> VisitPublic:
    """The caregiver brings the client's lunch on this visit (or, `carry: false`, a van does)."""
    row = carry_meal(
        caller.municipality_id,
        visit_id,
        session=session,
        by=_actor(caller, body.force, body.request_id),
        carry=body.carry,
    )
    relay_if_eager(later, request)
    return _visit(row)


@router.post(
    "/caregivers/{caregiver_id}/calendar-link",
    response_model=CalendarLink,
    status_code=status.HTTP_201_CREATED,
)
def issue_link(
    caregiver_id: RowId, caller: Staff, session: DbSession, settings: SettingsDep
) -> CalendarLink:
    """A new private calendar URL for the caregiver's phone; any earlier one stops working."""
    token = issue_calendar_link(caller.municipality_id, caregiver_id, session=session)
    audited(session, caller, "issue", "calendar_link", caregiver_id)
    url = f"{settings.base_url.rstrip('/')}/ical/{token}.ics"
    return CalendarLink(token=token, url=url)


@router.delete("/caregivers/{caregiver_id}/calendar-link", status_code=status.HTTP_204_NO_CONTENT)
def revoke_link(caregiver_id: RowId, caller: Staff, session: DbSession) -> Response:
    """The caregiver's calendar link stops working (a lost phone, a caregiver who left)."""
    revoke_calendar_link(caller.municipality_id, caregiver_id, session=session)
    audited(session, caller, "revoke", "calendar_link", caregiver_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
