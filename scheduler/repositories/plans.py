"""Plans and their versions: one plan per date and service, a new version per (re-)plan.

A version is written whole (routes, stops, unassigned) in the caller's transaction, so a
reader sees either all of it or none of it. `followed_version` is the version the drivers
go by: the published one, or the latest while nothing is published.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from scheduler.errors import NotFoundError
from scheduler.models import Plan, PlanVersion, Route, Service, Stop, StopStatus, Unassigned
from scheduler.repositories.common import find_owned, get_owned

RouteRows = list[tuple[Route, list[Stop]]]


def get_plan(municipality_id: int, day: date, service: Service, *, session: Session) -> Plan | None:
    return session.exec(
        select(Plan).where(
            Plan.municipality_id == municipality_id, Plan.day == day, Plan.service == service
        )
    ).first()


def get_version(
    municipality_id: int, plan: Plan, version: int, *, session: Session
) -> PlanVersion | None:
    return session.exec(
        select(PlanVersion).where(
            PlanVersion.municipality_id == municipality_id,
            PlanVersion.plan_id == plan.id,
            PlanVersion.version == version,
        )
    ).first()


def latest_version(
    municipality_id: int, day: date, service: Service, *, session: Session
) -> PlanVersion | None:
    plan = get_plan(municipality_id, day, service, session=session)
    if plan is None or plan.current_version == 0:
        return None
    return get_version(municipality_id, plan, plan.current_version, session=session)


def followed_version(municipality_id: int, plan: Plan, *, session: Session) -> PlanVersion | None:
    number = plan.published_version or plan.current_version
    return get_version(municipality_id, plan, number, session=session) if number else None


def version_by_id(municipality_id: int, version_id: int, *, session: Session) -> PlanVersion:
    row = session.get(PlanVersion, version_id)
    if row is None or row.municipality_id != municipality_id:
        raise NotFoundError("PlanVersion", version_id)
    return row


def routes_of(municipality_id: int, version_id: int, *, session: Session) -> RouteRows:
    """The version's routes by resource, each with its stops in order."""
    routes = session.exec(
        select(Route)
        .where(Route.municipality_id == municipality_id, Route.plan_version_id == version_id)
        .order_by(col(Route.resource))
    ).all()
    ids = [r.id for r in routes]
    stops = session.exec(
        select(Stop)
        .where(Stop.municipality_id == municipality_id, col(Stop.route_id).in_(ids))
        .order_by(col(Stop.route_id), col(Stop.seq))
    ).all()
    by_route: dict[int | None, list[Stop]] = {r.id: [] for r in routes}
    for stop in stops:
        by_route[stop.route_id].append(stop)
    return [(r, by_route[r.id]) for r in routes]


def unassigned_of(municipality_id: int, version_id: int, *, session: Session) -> list[Unassigned]:
    return list(
        session.exec(
            select(Unassigned)
            .where(
                Unassigned.municipality_id == municipality_id,
                Unassigned.plan_version_id == version_id,
            )
            .order_by(col(Unassigned.job_id))
        ).all()
    )


def store_version(
    municipality_id: int,
    day: date,
    service: Service,
    version: PlanVersion,
    routes: RouteRows,
    unassigned: list[Unassigned],
    *,
    session: Session,
) -> PlanVersion:
    """Write a new version (numbered after the latest) with its routes, stops and unassigned."""
    plan = get_plan(municipality_id, day, service, session=session)
    if plan is None:
        plan = Plan(municipality_id=municipality_id, day=day, service=service)
        session.add(plan)
        session.flush()
    plan.current_version += 1
    version.municipality_id, version.plan_id = municipality_id, plan.id or 0
    version.version = plan.current_version
    session.add_all([plan, version])
    session.flush()
    for route, stops in routes:
        route.municipality_id, route.plan_version_id = municipality_id, version.id or 0
        session.add(route)
        session.flush()
        for stop in stops:
            stop.municipality_id, stop.route_id = municipality_id, route.id or 0
        session.add_all(stops)
    for row in unassigned:
        row.municipality_id, row.plan_version_id = municipality_id, version.id or 0
    session.add_all(unassigned)
    session.flush()
    return version


def confirmed_stops(
    municipality_id: int, first: date, last: date, service: Service, *, session: Session
) -> list[tuple[date, int | None, Stop]]:
    """Job stops a driver confirmed on dates `first`..`last`, any version: (date, freeze, stop).

    Older versions are included on purpose: a stop confirmed before a re-plan stays a fact.
    """
    rows = session.exec(
        select(col(Plan.day), col(PlanVersion.freeze_id), Stop)
        .join(PlanVersion, col(PlanVersion.plan_id) == col(Plan.id))
        .join(Route, col(Route.plan_version_id) == col(PlanVersion.id))
        .join(Stop, col(Stop.route_id) == col(Route.id))
        .where(
            Plan.municipality_id == municipality_id,
            PlanVersion.municipality_id == municipality_id,
            Route.municipality_id == municipality_id,
            Stop.municipality_id == municipality_id,
            Plan.service == service,
            col(Plan.day) >= first,
            col(Plan.day) <= last,
            Stop.kind == "job",
            col(Stop.confirmed_at).is_not(None),
        )
        .order_by(col(Plan.day), col(Stop.confirmed_at))
    ).all()
    return [(day, freeze_id, stop) for day, freeze_id, stop in rows]


def plan_by_id(municipality_id: int, plan_id: int, *, session: Session) -> Plan | None:
    return find_owned(Plan, municipality_id, plan_id, session=session)


def route_by_id(municipality_id: int, route_id: int, *, session: Session) -> Route | None:
    return find_owned(Route, municipality_id, route_id, session=session)


def count_jobs(municipality_id: int, route_id: int, *, session: Session) -> int:
    """The route's stops at clients (not the kitchen, breaks or returns)."""
    statement = select(Stop.id).where(
        Stop.municipality_id == municipality_id, Stop.route_id == route_id, Stop.kind == "job"
    )
    return len(session.exec(statement).all())


def mark_published(plan: Plan, version: int, *, session: Session) -> None:
    plan.published_version = version
    session.add(plan)
    session.flush()


def served_clients(municipality_id: int, version_id: int, *, session: Session) -> list[int]:
    """Clients with a job stop in the version, by id."""
    routes = select(Route.id).where(
        Route.municipality_id == municipality_id, Route.plan_version_id == version_id
    )
    statement = select(Stop.client_id).where(
        Stop.municipality_id == municipality_id, col(Stop.route_id).in_(routes), Stop.kind == "job"
    )
    return sorted({c for c in session.exec(statement).all() if c is not None})


def versions_after(
    municipality_id: int, plan: Plan, version: int, *, session: Session
) -> list[PlanVersion]:
    """The plan's versions numbered after `version`, oldest first."""
    statement = select(PlanVersion).where(
        PlanVersion.municipality_id == municipality_id,
        PlanVersion.plan_id == plan.id,
        PlanVersion.version > version,
    )
    return list(session.exec(statement.order_by(col(PlanVersion.version))).all())


def select_plans(
    municipality_id: int,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    service: Service | None = None,
) -> SelectOfScalar[Plan]:
    """The municipality's plans by date, optionally of dates `date_from`..`date_to` and one
    service."""
    query = select(Plan).where(Plan.municipality_id == municipality_id)
    if date_from:
        query = query.where(Plan.day >= date_from)
    if date_to:
        query = query.where(Plan.day <= date_to)
    if service:
        query = query.where(Plan.service == service)
    return query.order_by(col(Plan.day), col(Plan.id))


def select_routes(
    municipality_id: int, *, plan_version_id: int | None = None
) -> SelectOfScalar[Route]:
    """The municipality's routes, of any version or of one."""
    query = select(Route).where(Route.municipality_id == municipality_id)
    if plan_version_id:
        query = query.where(Route.plan_version_id == plan_version_id)
    return query.order_by(col(Route.id))


def select_stops(
    municipality_id: int, *, route_id: int | None = None, status: StopStatus | None = None
) -> SelectOfScalar[Stop]:
    """The municipality's stops by route and order, optionally of one route or status."""
    query = select(Stop).where(Stop.municipality_id == municipality_id)
    if route_id:
        query = query.where(Stop.route_id == route_id)
    if status:
        query = query.where(Stop.status == status)
    return query.order_by(col(Stop.route_id), col(Stop.seq))


def get_plan_by_id(municipality_id: int, plan_id: int, *, session: Session) -> Plan:
    """The plan with this id if it is the municipality's; NotFoundError otherwise."""
    return get_owned(Plan, municipality_id, plan_id, session=session)
