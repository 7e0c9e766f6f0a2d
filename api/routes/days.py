"""`/v1/days/{day}/{service}`: the board's view of a day, and the plan and publish actions.

"Plan" and "publish" never run the solver here: they record an event with an outbox row, the
relay hands it to a worker, and the board follows the plan's state.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Path, Request, status

from api.board import day_board
from api.deps import Caller, DbSession, Now, SettingsDep, Staff
from api.eager import relay_if_eager
from api.problems import PROBLEM_RESPONSES
from api.ratelimit import PlanLimit, PublishLimit
from api.route_shapes import day_shapes
from api.schemas.days import ActionIn, DayBoard, DayShapes, Requested
from scheduler.dates import check_plan_day
from scheduler.events import record_event
from scheduler.intake.cutoff import COLLECTORS
from scheduler.intake.freezing import freeze_if_delivering
from scheduler.models import EventKind, OutboxTask, Service
from scheduler.models.fields import Day as PlausibleDay
from scheduler.repositories.tenancy import get_municipality
from scheduler.roads.choice import provider_for
from scheduler.roads.shapes import shape_provider

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["days"])
Day = Annotated[PlausibleDay, Path(description="The plan day, YYYY-MM-DD.")]
ACCEPTED = status.HTTP_202_ACCEPTED


@router.get("/days/{day}/{service}", response_model=DayBoard)
def get_day(
    day: Day, service: Service, caller: Staff, session: DbSession, settings: SettingsDep
) -> DayBoard:
    return day_board(session, settings, caller.municipality_id, day, service, caller.locale)


@router.get("/days/{day}/{service}/shapes", response_model=DayShapes)
def get_shapes(
    day: Day, service: Service, caller: Staff, session: DbSession, settings: SettingsDep
) -> DayShapes:
    """The lines of the day's routes for the map ([lon, lat] points), and the municipality's
    bounds: along the roads where a road graph or Valhalla server is set up, else straight
    segments between the stops."""
    # Along the roads where the municipality has them (its graph, or a Valhalla server).
    roads = shape_provider(provider_for(caller.municipality_id, settings))
    return day_shapes(session, caller.municipality_id, day, service, roads)


def _request(
    session: DbSession,
    caller: Caller,
    kind: EventKind,
    task: OutboxTask,
    day: date,
    service: Service,
    body: ActionIn,
) -> Requested:
    key = f"{kind}:{day.isoformat()}:{service.value}:{body.request_id or secrets.token_hex(8)}"
    args = {
        "municipality_id": caller.municipality_id,
        "day": day.isoformat(),
        "service": service.value,
    }
    event, new = record_event(
        session,
        municipality_id=caller.municipality_id,
        kind=kind,
        key=key,
        payload={"requested_by": caller.actor},
        day=day,
        service=service,
        actor=caller.actor,
        tasks=[(task, args)],
    )
    assert event.id is not None
    return Requested(event_id=event.id, new=new)


@router.post("/days/{day}/{service}/plan", response_model=Requested, status_code=ACCEPTED)
def plan(
    request: Request,
    day: Day,
    service: Service,
    body: ActionIn,
    caller: Staff,
    _limit: PlanLimit,
    session: DbSession,
    later: BackgroundTasks,
    settings: SettingsDep,
    now: Now,
) -> Requested:
    """Ask for a (re-)plan of the day; the day is frozen first if it was not yet."""
    town = get_municipality(caller.municipality_id, session=session)
    check_plan_day(town, day, settings, now=now)
    if service in COLLECTORS:
        freeze_if_delivering(session, caller.municipality_id, day, service)
    answer = _request(
        session, caller, EventKind.plan_requested, OutboxTask.plan, day, service, body
    )
    relay_if_eager(later, request)
    return answer


@router.post("/days/{day}/{service}/publish", response_model=Requested, status_code=ACCEPTED)
def publish(
    request: Request,
    day: Day,
    service: Service,
    body: ActionIn,
    caller: Staff,
    _limit: PublishLimit,
    session: DbSession,
    later: BackgroundTasks,
    settings: SettingsDep,
    now: Now,
) -> Requested:
    """Send each driver's and caregiver's day to their phone."""
    town = get_municipality(caller.municipality_id, session=session)
    check_plan_day(town, day, settings, now=now)
    answer = _request(
        session, caller, EventKind.publish_requested, OutboxTask.publish, day, service, body
    )
    relay_if_eager(later, request)
    return answer
