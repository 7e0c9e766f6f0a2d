"""`/v1/days/{day}/meals/breakdowns`: a van out of service from a time, and its re-plan.

Recording a breakdown never runs the solver here: the event's outbox row asks the workers for
a re-plan (a late change: the new version goes to the phones at once). The answer says the
breakdown was recorded (`version` 0); reading it back gives the re-plan's changes per route
once the run has taken it in.
"""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request, status

from api.deps import DbSession, Staff
from api.eager import relay_if_eager
from api.problems import PROBLEM_RESPONSES
from api.routes.days import Day
from api.schemas.breakdowns import BreakdownIn, BreakdownPublic
from api.schemas.days import BoardChange
from scheduler.intake.breakdowns import record_breakdown
from scheduler.intake.day_changes import Actor
from scheduler.views.breakdowns import BreakdownView, breakdown, day_breakdowns

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["days"])
PATH = "/days/{day}/meals/breakdowns"


def public(found: BreakdownView, new: bool = True) -> BreakdownPublic:
    return BreakdownPublic(
        event_id=found.event_id,
        new=new,
        vehicle_id=found.vehicle_id,
        vehicle=found.vehicle,
        at=found.at,
        recorded_at=found.recorded_at,
        actor=found.actor,
        version=found.version,
        moved=found.moved,
        unassigned=found.unassigned,
        changes=[BoardChange.model_validate(c, from_attributes=True) for c in found.changes],
    )


@router.post(PATH, response_model=BreakdownPublic, status_code=status.HTTP_202_ACCEPTED)
def report_breakdown(
    request: Request,
    day: Day,
    body: BreakdownIn,
    caller: Staff,
    session: DbSession,
    later: BackgroundTasks,
) -> BreakdownPublic:
    """Mark a van out of service from `at`: the rest of the day is re-planned without it."""
    mid = caller.municipality_id
    by = Actor(caller.actor, caller.role, key=body.request_id or None)
    event, new = record_breakdown(mid, day, body.vehicle_id, body.at, by=by, session=session)
    assert event.id is not None
    found = breakdown(mid, event.id, session=session)
    assert found is not None
    relay_if_eager(later, request)
    return public(found, new)


@router.get(PATH, response_model=list[BreakdownPublic])
def list_breakdowns(day: Day, caller: Staff, session: DbSession) -> list[BreakdownPublic]:
    """The day's breakdowns, newest first, with what each one's re-plan changed."""
    return [public(b) for b in day_breakdowns(caller.municipality_id, day, session=session)]
