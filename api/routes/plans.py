"""`/v1/plans`, `/v1/routes`, `/v1/stops`, `/v1/events`, `/v1/alerts`: what planning made and
what happened, read by staff; alerts are acknowledged here."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import col, select

from api.deps import DbSession, PageParams, RowId, Staff
from api.listing import page_of
from api.problems import PROBLEM_RESPONSES
from api.routes._write import audited
from api.schemas.common import Page
from api.schemas.days import AlertPublic, EventPublic, PlanPublic, RoutePublic, StopPublic
from scheduler.models import Alert, Event, Plan, Route, Stop, StopStatus
from scheduler.models.base import utcnow
from scheduler.repositories.common import get_owned

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["plans"])
OptionalRowId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
From = Annotated[date | None, Query(alias="from")]
To = Annotated[date | None, Query(alias="to")]


@router.get("/plans", response_model=Page[PlanPublic])
def list_plans(
    caller: Staff,
    session: DbSession,
    paging: PageParams,
    date_from: From = None,
    date_to: To = None,
    service: Annotated[str | None, Query(max_length=16)] = None,
) -> Page[PlanPublic]:
    query = select(Plan).where(Plan.municipality_id == caller.municipality_id)
    if date_from:
        query = query.where(Plan.day >= date_from)
    if date_to:
        query = query.where(Plan.day <= date_to)
    if service:
        query = query.where(Plan.service == service)
    return page_of(session, query.order_by(col(Plan.day), col(Plan.id)), paging, PlanPublic)


@router.get("/plans/{plan_id}", response_model=PlanPublic)
def get_plan(plan_id: RowId, caller: Staff, session: DbSession) -> PlanPublic:
    row = get_owned(Plan, caller.municipality_id, plan_id, session=session)
    return PlanPublic.model_validate(row, from_attributes=True)


@router.get("/routes", response_model=Page[RoutePublic])
def list_routes(
    caller: Staff, session: DbSession, paging: PageParams, plan_version_id: OptionalRowId = None
) -> Page[RoutePublic]:
    query = select(Route).where(Route.municipality_id == caller.municipality_id)
    if plan_version_id:
        query = query.where(Route.plan_version_id == plan_version_id)
    return page_of(session, query.order_by(col(Route.id)), paging, RoutePublic)


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
    query = select(Stop).where(Stop.municipality_id == caller.municipality_id)
    if route_id:
        query = query.where(Stop.route_id == route_id)
    if status:
        query = query.where(Stop.status == status)
    return page_of(session, query.order_by(col(Stop.route_id), col(Stop.seq)), paging, StopPublic)


@router.get("/stops/{stop_id}", response_model=StopPublic)
def get_stop(stop_id: RowId, caller: Staff, session: DbSession) -> StopPublic:
    row = get_owned(Stop, caller.municipality_id, stop_id, session=session)
    return StopPublic.model_validate(row, from_attributes=True)


@router.get("/events", response_model=Page[EventPublic])
def list_events(
    caller: Staff,
    session: DbSession,
    paging: PageParams,
    day: date | None = None,
    kind: Annotated[str | None, Query(max_length=48)] = None,
) -> Page[EventPublic]:
    query = select(Event).where(Event.municipality_id == caller.municipality_id)
    if day:
        query = query.where(Event.day == day)
    if kind:
        query = query.where(Event.kind == kind)
    return page_of(session, query.order_by(col(Event.id).desc()), paging, EventPublic)


@router.get("/alerts", response_model=Page[AlertPublic])
def list_alerts(
    caller: Staff, session: DbSession, paging: PageParams, open_only: bool = True
) -> Page[AlertPublic]:
    query = select(Alert).where(Alert.municipality_id == caller.municipality_id)
    if open_only:
        query = query.where(col(Alert.acknowledged_at).is_(None))
    return page_of(session, query.order_by(col(Alert.id).desc()), paging, AlertPublic)


@router.post("/alerts/{alert_id}/ack", response_model=AlertPublic)
def acknowledge(alert_id: RowId, caller: Staff, session: DbSession) -> AlertPublic:
    row = get_owned(Alert, caller.municipality_id, alert_id, session=session)
    if row.acknowledged_at is None:
        row.acknowledged_at, row.acknowledged_by = utcnow(), caller.actor
        session.add(row)
        audited(session, caller, "acknowledge", "alert", alert_id)
    return AlertPublic.model_validate(row, from_attributes=True)
