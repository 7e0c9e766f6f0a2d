"""`/v1/days/{day}/{service}/pins`, `/v1/pins/{pin_id}`: the dispatcher's manual moves.

A pin changes no plan by itself: the next plan or re-plan of the day (the board's Plan, the
event pipeline, `patronage plan`) keeps it, and the board says whether it held.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response, status
from sqlmodel import Session

from api.deps import Caller, DbSession, RowId, Staff
from api.problems import PROBLEM_RESPONSES
from api.routes._write import audited
from api.routes.days import Day
from api.schemas.pins import PinIn, PinPublic
from scheduler.models import Service
from scheduler.planning.pins import pin_report
from scheduler.repositories.pins import pin_client, stop_client, unpin
from scheduler.repositories.plans import get_plan, get_version

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["days"])


def day_pins(
    session: Session, municipality_id: int, day: date, service: Service
) -> list[PinPublic]:
    """The day's pins with whether the plan the board shows keeps each."""
    plan = get_plan(municipality_id, day, service, session=session)
    current = plan.current_version if plan else 0
    version = get_version(municipality_id, plan, current, session=session) if plan else None
    states = pin_report(municipality_id, day, service, version, session=session)
    return [PinPublic.of(s) for s in states]


@router.get("/days/{day}/{service}/pins", response_model=list[PinPublic])
def list_pins(day: Day, service: Service, caller: Staff, session: DbSession) -> list[PinPublic]:
    return day_pins(session, caller.municipality_id, day, service)


@router.post(
    "/days/{day}/{service}/pins", response_model=PinPublic, status_code=status.HTTP_201_CREATED
)
def create_pin(
    day: Day, service: Service, body: PinIn, caller: Staff, session: DbSession
) -> PinPublic:
    """Pin a stop to a van at a place in its route (a stop pinned before moves)."""
    mid = caller.municipality_id
    client_id = stop_client(mid, day, service, body.stop_id, session=session)
    pin = pin_client(mid, day, service, client_id=client_id, vehicle_id=body.vehicle_id,
                     position=body.position, by=caller.actor, session=session)  # fmt: skip
    _audit(session, caller, "pin", pin.id, day, service, client_id, body)
    return next(p for p in day_pins(session, mid, day, service) if p.id == pin.id)


@router.delete("/pins/{pin_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_pin(pin_id: RowId, caller: Staff, session: DbSession) -> Response:
    """Remove a pin: the next plan places the stop freely again."""
    pin = unpin(caller.municipality_id, pin_id, session=session)
    audited(session, caller, "unpin", "route_pin", pin_id, day=pin.day.isoformat(),
            service=pin.service, client_id=pin.client_id, vehicle_id=pin.vehicle_id)  # fmt: skip
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _audit(
    session: Session,
    caller: Caller,
    action: str,
    pin_id: int | None,
    day: date,
    service: Service,
    client_id: int,
    body: PinIn,
) -> None:
    audited(session, caller, action, "route_pin", pin_id, day=day.isoformat(),
            service=service.value, client_id=client_id, vehicle_id=body.vehicle_id,
            position=body.position)  # fmt: skip
