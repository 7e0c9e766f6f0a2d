"""The day as the dispatcher's board shows it: plan state, routes, unassigned, alerts.

The reads are the board's read model (`scheduler.views.board`) and the repositories, all
scoped to the caller's municipality; this module turns them into the page's schema.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from api import links
from api.alerts import alert_public, reader
from api.i18n import Translator, clock
from api.schemas.days import (
    AlertPublic,
    BoardChange,
    BoardHolder,
    BoardRoute,
    BoardStop,
    BoardUnassigned,
    BoardVan,
    DayBoard,
    ReportPosition,
)
from api.schemas.pins import PinPublic
from routing.travel import great_circle_m
from scheduler.models import Client, Plan, PlanVersion, Service, Stop
from scheduler.planning.pins import pin_report
from scheduler.repositories import plans
from scheduler.repositories.alerts import open_alerts as newest_open_alerts
from scheduler.repositories.meals import clients_by_id
from scheduler.repositories.plans import RouteRows
from scheduler.settings import Settings
from scheduler.views import board as view
from scheduler.views.changes import version_changes
from scheduler.views.my_days import Round, holders_of_round
from scheduler.views.phone import resource_names


def day_board(
    session: Session,
    settings: Settings,
    municipality_id: int,
    day: date,
    service: Service,
    locale: str | None = None,
) -> DayBoard:
    """The day; alerts in the words of `locale` (else the municipality's language)."""
    mid = municipality_id
    plan = plans.get_plan(mid, day, service, session=session)
    version = current_version(session, mid, plan)
    published = bool(plan and plan.published_version)
    rows = plans.routes_of(mid, version.id, session=session) if version and version.id else []
    board_routes = _routes(session, settings, mid, day, service, rows, published)
    pins = [PinPublic.of(s) for s in pin_report(mid, day, service, version,
                                                 session=session)]  # fmt: skip
    pinned = {p.client_id for p in pins}
    words = reader(session, mid, locale)
    for route in board_routes:
        for stop in route.stops:
            stop.pinned = stop.client_id in pinned
    return DayBoard(
        day=day,
        service=service,
        state=_state(session, mid, day, service, plan),
        current_version=plan.current_version if plan else 0,
        published_version=plan.published_version if plan else 0,
        counts=view.status_counts(mid, day, service, session=session),
        resources=view.resource_names(mid, service, session=session),
        routes=board_routes,
        unassigned=_unassigned(session, mid, version, words),
        alerts=open_alerts(session, mid, words),
        summary=dict(version.summary) if version else {},
        vans=_vans(session, mid) if service == Service.meals else [],
        pins=pins,
        changes=_pending(session, plan),
    )


def current_version(
    session: Session, municipality_id: int, plan: Plan | None
) -> PlanVersion | None:
    """The plan's latest version (what the dispatcher works on), if it has one."""
    if plan is None or plan.current_version <= 0:
        return None
    return plans.get_version(municipality_id, plan, plan.current_version, session=session)


def _pending(session: Session, plan: Plan | None) -> list[BoardChange]:
    """A published day's newer version (a held re-plan): what publishing it would change."""
    if plan is None or not 0 < plan.published_version < plan.current_version:
        return []
    found = version_changes(
        plan.municipality_id, plan, plan.published_version, plan.current_version, session=session
    )
    return [BoardChange.model_validate(c, from_attributes=True) for c in found]


def _state(
    session: Session, municipality_id: int, day: date, service: Service, plan: Plan | None
) -> str:
    if view.is_planning(municipality_id, day, service, session=session):
        return "planning"
    if plan is None or plan.current_version == 0:
        return "none"
    return "published" if plan.published_version == plan.current_version else "planned"


def _vans(session: Session, municipality_id: int) -> list[BoardVan]:
    vans = view.active_vans(municipality_id, session=session)
    return [BoardVan(id=v.id, resource=v.external_id, name=v.name) for v in vans]


def _routes(
    session: Session,
    settings: Settings,
    municipality_id: int,
    day: date,
    service: Service,
    rows: RouteRows,
    published: bool,
) -> list[BoardRoute]:
    wanted = [s.client_id for _, stops in rows for s in stops if s.client_id]
    clients = clients_by_id(municipality_id, wanted, session=session)
    starts = view.route_starts(municipality_id, [r for r, _ in rows], session=session)
    names = resource_names(municipality_id, [r for r, _ in rows], session=session)
    out = []
    for route, stops in rows:
        assert route.id is not None
        name, people = names.get(route.id, (route.resource, []))
        link = links.DayLink(municipality_id, service, day, route.resource)
        start = starts.get(route.id)
        out.append(
            BoardRoute(
                route_id=route.id,
                resource=route.resource,
                name=name,
                people=people,
                vehicle_id=route.vehicle_id,
                start=list(start) if start else None,
                distance_km=round(route.distance / 1000, 1),
                duration_min=route.duration // 60,
                stops=[
                    _board_stop(s, clients[s.client_id])
                    for s in stops
                    if s.kind == "job" and s.client_id in clients
                ],
                link=links.url_for(settings, link) if published else "",
                holders=[
                    BoardHolder(holder=h.kind, holder_id=h.id, name=h.name)
                    for h in holders_of_round(
                        municipality_id, Round(service, route.resource), session=session
                    )
                ],
            )
        )
    return out


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
        reported_at=_position(stop, client),
    )


def _position(stop: Stop, client: Client) -> ReportPosition | None:
    """Where the phone was when the stop was reported, and how far that is from the address."""
    if stop.report_lat is None or stop.report_lon is None:
        return None
    there = [(stop.report_lon, stop.report_lat), (client.lon, client.lat)]
    return ReportPosition(
        lat=stop.report_lat,
        lon=stop.report_lon,
        accuracy_m=stop.report_accuracy_m,
        distance_m=round(float(great_circle_m(there)[0][1])),
    )


def _unassigned(
    session: Session, municipality_id: int, version: PlanVersion | None, words: Translator
) -> list[BoardUnassigned]:
    """What the version left out, each with why in the reader's words (the stored English for
    a version planned before explanations were kept as messages)."""
    if version is None or version.id is None:
        return []
    rows = view.unplaced(municipality_id, version.id, session=session)
    return [
        BoardUnassigned(
            job_id=u.job_id,
            name=u.name,
            reason=u.reason,
            explanation=u.said.words(words) if u.said else u.explanation,
        )
        for u in rows
    ]


def open_alerts(
    session: Session, municipality_id: int, t: Translator | None = None
) -> list[AlertPublic]:
    rows = newest_open_alerts(municipality_id, session=session)
    t = t or reader(session, municipality_id, None)
    return [alert_public(a, t) for a in rows]


def live_status(session: Session, municipality_id: int, route_ids: list[int]) -> dict[str, str]:
    """Stop id -> status, what the board's live stream sends when anything changes.

    Only this municipality's stops: a route id of another town adds nothing."""
    found = view.stop_statuses(municipality_id, route_ids, session=session)
    return {str(stop_id): status.value for stop_id, status in found.items()}
