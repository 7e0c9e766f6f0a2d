"""`/v1/plans`, `/v1/routes`, `/v1/stops`, `/v1/events`, `/v1/alerts`: what planning made and
what happened, read by staff; alerts are acknowledged here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.alerts import alert_public, caller_reader
from api.deps import DbSession, PageParams, RowId, Staff
from api.listing import page_of
from api.problems import PROBLEM_RESPONSES
from api.routes._write import audited
from api.schemas.common import Page
from api.schemas.days import (
    AckIn,
    AlertPublic,
    EventPublic,
    PlanPublic,
    RoutePublic,
    StopPublic,
)
from scheduler import welfare
from scheduler.models import EventKind, Plan, Route, Service, Stop, StopStatus
from scheduler.models.fields import Day
from scheduler.repositories import plans
from scheduler.repositories.alerts import select_alerts
from scheduler.repositories.common import get_owned
from scheduler.repositories.events import select_events
from scheduler.views.paging import window

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["plans"])
OptionalRowId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
From = Annotated[Day | None, Query(alias="from")]
To = Annotated[Day | None, Query(alias="to")]


@router.get("/plans", response_model=Page[PlanPublic])
def list_plans(
    caller: Staff,
    session: DbSession,
    paging: PageParams,
    date_from: From = None,
    date_to: To = None,
    service: Service | None = None,
) -> Page[PlanPublic]:
    query = plans.select_plans(
        caller.municipality_id, date_from=date_from, date_to=date_to, service=service
    )
    return page_of(session, query, paging, PlanPublic)


@router.get("/plans/{plan_id}", response_model=PlanPublic)
def get_plan(plan_id: RowId, caller: Staff, session: DbSession) -> PlanPublic:
    row = get_owned(Plan, caller.municipality_id, plan_id, session=session)
    return PlanPublic.model_validate(row, from_attributes=True)


@router.get("/routes", response_model=Page[RoutePublic])
def list_routes(
    caller: Staff, session: DbSession, paging: PageParams, plan_version_id: OptionalRowId = None
) -> Page[RoutePublic]:
    query = plans.select_routes(caller.municipality_id, plan_version_id=plan_version_id)
    return page_of(session, query, paging, RoutePublic)


@router.get("/routes/{route_id}", response_model=RoutePublic)
def get_route(route_id: RowId, caller: Staff, session: DbSession) -> RoutePublic:
    row = get_owned(Route, caller.municipality_id, route_id, session=session)
    return RoutePublic.model_validate(row, from_attributes=True)


@router.get("/stops", response_model=Page[StopPublic])
def list_stops(
    caller: Staff,
    session: DbSession,
    paging: PageParams,
    route_id: OptionalRowId = None,
    status: StopStatus | None = None,
) -> Page[StopPublic]:
    query = plans.select_stops(caller.municipality_id, route_id=route_id, status=status)
    return page_of(session, query, paging, StopPublic)


@router.get("/stops/{stop_id}", response_model=StopPublic)
def get_stop(stop_id: RowId, caller: Staff, session: DbSession) -> StopPublic:
    row = get_owned(Stop, caller.municipality_id, stop_id, session=session)
    return StopPublic.model_validate(row, from_attributes=True)


@router.get("/events", response_model=Page[EventPublic])
def list_events(
    caller: Staff,
    session: DbSession,
    paging: PageParams,
    day: Day | None = None,
    kind: EventKind | None = None,
) -> Page[EventPublic]:
    query = select_events(caller.municipality_id, day=day, kind=kind)
    return page_of(session, query, paging, EventPublic)


@router.get("/alerts", response_model=Page[AlertPublic])
def list_alerts(
    caller: Staff, session: DbSession, paging: PageParams, open_only: bool = True
) -> Page[AlertPublic]:
    """Alerts in the caller's language (a welfare alert's facts put into words)."""
    query = select_alerts(caller.municipality_id, open_only=open_only)
    found = window(query, offset=paging.offset, limit=paging.limit, session=session)
    t = caller_reader(session, caller)
    items = [alert_public(row, t) for row in found.rows]
    return Page[AlertPublic](
        items=items, total=found.total, limit=paging.limit, offset=paging.offset
    )


@router.post("/alerts/{alert_id}/ack", response_model=AlertPublic)
def acknowledge(
    alert_id: RowId, caller: Staff, session: DbSession, body: AckIn | None = None
) -> AlertPublic:
    """Take the alert; a welfare alert needs a note of what happened. The first one counts."""
    note = body.note if body else ""
    row, changed = welfare.acknowledge(
        caller.municipality_id, alert_id, note=note, by=caller.actor, session=session
    )
    if changed:
        audited(session, caller, "acknowledge", "alert", alert_id, step=row.step, note=row.ack_note)
    return alert_public(row, caller_reader(session, caller))
