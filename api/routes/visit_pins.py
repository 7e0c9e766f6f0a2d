"""`/v1/days/{day}/care/visit-pins`, `/v1/visit-pins/{pin_id}`: the dispatcher's pins of visits.

As with the vans' pins (api/routes/pins.py), a pin changes no plan by itself: the next plan or
re-plan of the day keeps it, and the list says whether it held and if not, why.
"""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from api.care_board import visit_pins
from api.deps import DbSession, RowId, Staff
from api.problems import PROBLEM_RESPONSES
from api.routes._write import audited
from api.routes.days import Day
from api.schemas.pins import VisitPinIn, VisitPinPublic
from scheduler.repositories.visit_pins import pin_visit, unpin_visit

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["care"])


@router.get("/days/{day}/care/visit-pins", response_model=list[VisitPinPublic])
def list_visit_pins(day: Day, caller: Staff, session: DbSession) -> list[VisitPinPublic]:
    return visit_pins(session, caller.municipality_id, day)


@router.post(
    "/days/{day}/care/visit-pins",
    response_model=VisitPinPublic,
    status_code=status.HTTP_201_CREATED,
)
def create_visit_pin(
    day: Day, body: VisitPinIn, caller: Staff, session: DbSession
) -> VisitPinPublic:
    """Pin a visit to a caregiver (and a start time); a one-person visit pinned before moves."""
    mid = caller.municipality_id
    pin = pin_visit(mid, day, visit_id=body.visit_id, caregiver_id=body.caregiver_id,
                    start=body.start, by=caller.actor, session=session)  # fmt: skip
    audited(session, caller, "pin", "visit_pin", pin.id, day=day.isoformat(),
            visit_id=body.visit_id, caregiver_id=body.caregiver_id,
            start=body.start.isoformat() if body.start else None)  # fmt: skip
    return next(p for p in visit_pins(session, mid, day) if p.id == pin.id)


@router.delete("/visit-pins/{pin_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_visit_pin(pin_id: RowId, caller: Staff, session: DbSession) -> Response:
    """Remove a pin: the next plan chooses the caregiver and time freely again."""
    pin = unpin_visit(caller.municipality_id, pin_id, session=session)
    audited(session, caller, "unpin", "visit_pin", pin_id, visit_id=pin.visit_id,
            caregiver_id=pin.caregiver_id)  # fmt: skip
    return Response(status_code=status.HTTP_204_NO_CONTENT)
