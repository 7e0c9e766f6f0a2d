"""The day as the dispatcher's board shows it: plan state, routes, unassigned, alerts."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlmodel import Session, col, select

from api import links
from api.dayview import find_plan, routes_of, stops_of, version_changes, version_of
from api.i18n import clock
from api.schemas.days import (
    AlertPublic,
    BoardChange,
    BoardRoute,
    BoardStop,
    BoardUnassigned,
    BoardVan,
    DayBoard,
)
from api.schemas.pins import PinPublic
from scheduler.models import (
    Alert,
    Caregiver,
    Client,
    Event,
    Kitchen,
    MealOrder,
    Outbox,
    Plan,
    PlanVersion,
    Route,
    Service,
    Stop,
    Unassigned,
    Vehicle,
    Visit,
)
from scheduler.planning.pins import pin_report
from scheduler.settings import Settings

PLAN_TASKS = ("plan", "replan")


def day_board(
    session: Session, settings: Settings, municipality_id: int, day: date, service: Service
) -> DayBoard:
    plan = find_plan(session, municipality_id, day, service.value)
    version = version_of(session, plan, plan.current_version) if plan else None
    published = bool(plan and plan.published_version)
    routes = routes_of(session, version) if version else []
    board_routes = _routes(session, settings, municipality_id, day, service, routes, published)
    pins = [PinPublic.of(s) for s in pin_report(municipality_id, day, service.value, version,
                                                 session=session)]  # fmt: skip
    pinned = {p.client_id for p in pins}
    for route in board_routes:
        for stop in route.stops:
            stop.pinned = stop.client_id in pinned
    return DayBoard(
        day=day,
        service=service,
        state=_state(session, municipality_id, day, service, plan),
        current_version=plan.current_version if plan else 0,
        published_version=plan.published_version if plan else 0,
        counts=_counts(session, municipality_id, day, service),
        resources=_resources(session, municipality_id, service),
        routes=board_routes,
        unassigned=_unassigned(session, version),
        alerts=open_alerts(session, municipality_id),
        summary=dict(version.summary) if version else {},
        vans=_vans(session, municipality_id) if service == Service.meals else [],
        pins=pins,
        changes=_pending(session, plan),
    )


def _pending(session: Session, plan: Plan | None) -> list[BoardChange]:
    """A published day's newer version (a held re-plan): what publishing it would change."""
    if plan is None or not 0 < plan.published_version < plan.current_version:
        return []
    found = version_changes(session, plan, plan.published_version, plan.current_version)
    return [BoardChange.model_validate(c, from_attributes=True) for c in found]


def is_planning(session: Session, municipality_id: int, day: date, service: Service) -> bool:
    """A plan or re-plan of the day has been asked for and its event not yet handled."""
    asked = select(Outbox.event_id).where(col(Outbox.task).in_(PLAN_TASKS))
    waiting = session.exec(
        select(Event.id).where(
            Event.municipality_id == municipality_id,
            Event.day == day,
            Event.service == service.value,
            col(Event.processed_at).is_(None),
            col(Event.id).in_(asked),
        )
    ).first()
    return waiting is not None


def _state(
    session: Session, municipality_id: int, day: date, service: Service, plan: Plan | None
) -> str:
    if is_planning(session, municipality_id, day, service):
        return "planning"
    if plan is None or plan.current_version == 0:
        return "none"
    return "published" if plan.published_version == plan.current_version else "planned"


def _counts(session: Session, municipality_id: int, day: date, service: Service) -> dict[str, int]:
    model = MealOrder if service == Service.meals else Visit
    rows = session.exec(
        select(model.status).where(model.municipality_id == municipality_id, model.day == day)
    ).all()
    return dict(Counter(str(getattr(s, "value", s)) for s in rows))


def _resources(session: Session, municipality_id: int, service: Service) -> list[str]:
    if service == Service.meals:
        vans = select(Vehicle.name).where(Vehicle.municipality_id == municipality_id)
        return list(session.exec(vans.where(Vehicle.active == True)).all())  # noqa: E712
    carers = select(Caregiver.name).where(Caregiver.municipality_id == municipality_id)
    return list(session.exec(carers.where(Caregiver.active == True)).all())  # noqa: E712


def _vans(session: Session, municipality_id: int) -> list[BoardVan]:
    query = select(Vehicle).where(Vehicle.municipality_id == municipality_id)
    rows = session.exec(query.where(Vehicle.active == True).order_by(col(Vehicle.name))).all()  # noqa: E712
    return [BoardVan(id=v.id or 0, resource=v.external_id, name=v.name) for v in rows]


def _routes(
    session: Session,
    settings: Settings,
    municipality_id: int,
    day: date,
    service: Service,
    routes: list[Route],
    published: bool,
) -> list[BoardRoute]:
    stops = stops_of(session, [r.id for r in routes if r.id is not None])
    by_route: dict[int, list[Stop]] = {}
    for stop in stops:
        by_route.setdefault(stop.route_id, []).append(stop)
    clients = _clients(session, [s.client_id for s in stops if s.client_id])
    out = []
    for route in routes:
        assert route.id is not None
        link = links.DayLink(municipality_id, service.value, day, route.resource)
        out.append(
            BoardRoute(
                route_id=route.id,
                resource=route.resource,
                vehicle_id=route.vehicle_id,
                start=_start(session, route),
                distance_km=round(route.distance / 1000, 1),
                duration_min=route.duration // 60,
                stops=[
                    _board_stop(s, clients[s.client_id])
                    for s in by_route.get(route.id, [])
                    if s.kind == "job" and s.client_id in clients
                ],
                link=links.url_for(settings, link) if published else "",
            )
        )
    return out


def _clients(session: Session, ids: list[int]) -> dict[int, Client]:
    if not ids:
        return {}
    rows = session.exec(select(Client).where(col(Client.id).in_(set(ids)))).all()
    return {c.id: c for c in rows if c.id is not None}


def _board_stop(stop: Stop, client: Client) -> BoardStop:
    assert stop.id is not None
    return BoardStop(
        stop_id=stop.id,
        seq=stop.seq,
        name=client.name,
        lat=client.lat,
        lon=client.lon,
        time=clock(stop.arrival_s),
        status=stop.status,
        note=stop.note,
        lives_alone=client.lives_alone,
        client_id=client.id or 0,
    )


def _start(session: Session, route: Route) -> list[float] | None:
    van = session.get(Vehicle, route.vehicle_id) if route.vehicle_id else None
    kitchen = session.get(Kitchen, van.kitchen_id) if van else None
    if kitchen is not None:
        return [kitchen.lat, kitchen.lon]
    carer = session.get(Caregiver, route.caregiver_id) if route.caregiver_id else None
    return [carer.start_lat, carer.start_lon] if carer else None


def _unassigned(session: Session, version: PlanVersion | None) -> list[BoardUnassigned]:
    if version is None:
        return []
    rows = session.exec(select(Unassigned).where(Unassigned.plan_version_id == version.id)).all()
    clients = _clients(session, [u.client_id for u in rows if u.client_id])
    return [
        BoardUnassigned(
            job_id=u.job_id,
            name=clients[u.client_id].name if u.client_id in clients else u.job_id,
            reason=u.reason,
            explanation=u.explanation,
        )
        for u in rows
    ]


def open_alerts(session: Session, municipality_id: int) -> list[AlertPublic]:
    query = select(Alert).where(
        Alert.municipality_id == municipality_id, col(Alert.acknowledged_at).is_(None)
    )
    rows = session.exec(query.order_by(col(Alert.id).desc()).limit(50)).all()
    return [AlertPublic.model_validate(a, from_attributes=True) for a in rows]


def live_status(session: Session, municipality_id: int, route_ids: list[int]) -> dict[str, str]:
    """Stop id -> status, what the board's live stream sends when anything changes."""
    return {str(s.id): s.status.value for s in stops_of(session, route_ids) if s.kind == "job"}
