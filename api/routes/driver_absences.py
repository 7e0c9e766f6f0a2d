"""`/v1/driver-absences`: drivers' days off, holidays and sick leave (dispatcher and admin).

A van whose every driver is away serves nothing that day; an absence touching a date already
frozen re-plans it (scheduler/intake/driver_absences.py, which also audits). The office's
screen calls the same functions (api/routes/pages_driver_absences.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request, status
from sqlmodel import Session

from api.deps import Caller, DbSession, RowId, Staff
from api.eager import relay_if_eager
from api.problems import PROBLEM_RESPONSES
from api.routes._absences import check_listed
from api.schemas.driver_absences import DriverAbsenceCreate, DriverAbsencePublic
from scheduler.intake.day_changes import Actor
from scheduler.intake.driver_absences import record_driver_absence, remove_driver_absence
from scheduler.models import DriverAbsence
from scheduler.models.fields import Day
from scheduler.repositories.driver_absences import driver_absences_between
from scheduler.repositories.fleet import get_driver

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["fleet"])


def actor_of(caller: Caller, request_id: str = "") -> Actor:
    return Actor(name=caller.actor, role=caller.role, key=request_id or None)


@router.get("/driver-absences", response_model=list[DriverAbsencePublic])
def list_driver_absences(
    caller: Staff,
    session: DbSession,
    date_from: Annotated[Day, Query(alias="from")],
    date_to: Annotated[Day, Query(alias="to")],
    driver_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> list[DriverAbsencePublic]:
    """Drivers' absences that touch `from`..`to`, of one driver or all."""
    check_listed(date_from, date_to)
    if driver_id is not None:
        get_driver(caller.municipality_id, driver_id, session=session)
    rows = driver_absences_between(
        caller.municipality_id, date_from, date_to, session=session, driver_id=driver_id
    )
    return [DriverAbsencePublic.model_validate(r, from_attributes=True) for r in rows]


@router.post(
    "/driver-absences", response_model=DriverAbsencePublic, status_code=status.HTTP_201_CREATED
)
def create_driver_absence(
    request: Request,
    body: DriverAbsenceCreate,
    caller: Staff,
    session: DbSession,
    later: BackgroundTasks,
) -> DriverAbsencePublic:
    """Record an absence; overlapping another of the driver's is refused (422, `first_day`)."""
    row = add_driver_absence(caller.municipality_id, actor_of(caller, body.request_id), body,
                             session=session)  # fmt: skip
    relay_if_eager(later, request)
    return DriverAbsencePublic.model_validate(row, from_attributes=True)


def add_driver_absence(
    municipality_id: int, by: Actor, body: DriverAbsenceCreate, *, session: Session
) -> DriverAbsence:
    """What REST and the screen both call."""
    return record_driver_absence(
        municipality_id,
        body.driver_id,
        body.first_day,
        body.last_day,
        body.kind,
        session=session,
        by=by,
        note=body.note,
    )


@router.delete("/driver-absences/{driver_absence_id}", response_model=DriverAbsencePublic)
def delete_driver_absence(
    request: Request,
    driver_absence_id: RowId,
    caller: Staff,
    session: DbSession,
    later: BackgroundTasks,
) -> DriverAbsencePublic:
    """Remove an absence recorded by mistake (or a driver back early); frozen dates re-plan."""
    row = remove_driver_absence(caller.municipality_id, driver_absence_id, session=session,
                                by=actor_of(caller))  # fmt: skip
    relay_if_eager(later, request)
    return DriverAbsencePublic.model_validate(row, from_attributes=True)
