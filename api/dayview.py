"""Reading a planned day: the published route behind a day link, its stops for a phone, and
what a newer version changes on each route (for the phone's notice and the board's preview)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from api.i18n import clock
from api.links import DayLink
from api.schemas.phone import PhoneStop
from scheduler.models import (
    Caregiver,
    Client,
    Driver,
    MealOrder,
    Municipality,
    Plan,
    PlanVersion,
    Route,
    Service,
    Stop,
    User,
    Vehicle,
    Visit,
)
from scheduler.planning.changes import route_changes
from scheduler.planning.rows import sequences
from scheduler.repositories.meals import clients_by_id
from scheduler.repositories.plans import RouteRows, get_version
from scheduler.repositories.plans import routes_of as version_rows
from scheduler.repositories.stops import key_of, served


def find_plan(session: Session, municipality_id: int, day: date, service: Service) -> Plan | None:
    return session.exec(
        select(Plan).where(
            Plan.municipality_id == municipality_id, Plan.day == day, Plan.service == service
        )
    ).first()


def version_of(session: Session, plan: Plan, number: int) -> PlanVersion | None:
    if number <= 0:
        return None
    return session.exec(
        select(PlanVersion).where(PlanVersion.plan_id == plan.id, PlanVersion.version == number)
    ).first()


def routes_of(session: Session, version: PlanVersion) -> list[Route]:
    query = select(Route).where(Route.plan_version_id == version.id)
    return list(session.exec(query.order_by(col(Route.resource))))


def stops_of(session: Session, route_ids: list[int]) -> list[Stop]:
    if not route_ids:
        return []
    query = select(Stop).where(col(Stop.route_id).in_(route_ids))
    return list(session.exec(query.order_by(col(Stop.route_id), col(Stop.seq))))


def published_route(session: Session, link: DayLink) -> tuple[PlanVersion, Route] | None:
    """The route of the link's resource in the day's published version, if there is one."""
    plan = find_plan(session, link.municipality_id, link.day, link.service)
    version = version_of(session, plan, plan.published_version) if plan else None
    if version is None:
        return None
    route = session.exec(
        select(Route).where(Route.plan_version_id == version.id, Route.resource == link.resource)
    ).first()
    return (version, route) if route else None


def phone_stops(session: Session, route: Route) -> list[PhoneStop]:
    assert route.id is not None
    out = []
    for stop in stops_of(session, [route.id]):
        client = session.get(Client, stop.client_id) if stop.client_id else None
        if stop.kind != "job" or client is None:
            continue
        out.append(_phone_stop(session, stop, client))
    return out


def _phone_stop(session: Session, stop: Stop, client: Client) -> PhoneStop:
    order = session.get(MealOrder, stop.order_id) if stop.order_id else None
    visit = session.get(Visit, stop.visit_id) if stop.visit_id else None
    notes = " · ".join(n for n in (client.notes, client.entry_notes) if n)
    start, end = (
        (visit.window_start, visit.window_end)
        if visit
        else (client.window_start, client.window_end)
    )
    assert stop.id is not None
    return PhoneStop(
        stop_id=stop.id,
        key=str(key_of(stop) or ""),
        seq=stop.seq,
        kind="visit" if visit else "meal",
        time=clock(stop.arrival_s),
        window=f"{start:%H:%M}-{end:%H:%M}",
        name=client.name,
        address=client.address,
        phone=client.phone,
        diet=(order.diet if order else client.diet).value,
        portions=order.portions if order else (0 if visit else client.portions),
        notes=notes,
        tasks=visit.tasks if visit else "",
        lat=client.lat,
        lon=client.lon,
        status=stop.status,
    )


def today_link(session: Session, user: User, town: Municipality) -> DayLink | None:
    """Today's day link of a driver's van or a caregiver's own round, if the user has one."""
    today = datetime.now(ZoneInfo(town.timezone)).date()
    if user.driver_id is not None:
        driver = session.get(Driver, user.driver_id)
        van = session.get(Vehicle, driver.vehicle_id) if driver and driver.vehicle_id else None
        if van is not None:
            return DayLink(town.id or 0, Service.meals, today, van.external_id)
    if user.caregiver_id is not None:
        carer = session.get(Caregiver, user.caregiver_id)
        if carer is not None:
            return DayLink(town.id or 0, Service.care, today, carer.external_id)
    return None


def link_user(session: Session, link: DayLink) -> User | None:
    """The account whose route the link shows: the inverse of `today_link`.

    Publications reach a phone through its user (the van's drivers, the caregiver), so this is
    whom a subscription made on the link belongs to. Any of a van's drivers will do: each gets
    the van's route.
    """
    users = select(User).where(User.municipality_id == link.municipality_id)
    if link.service == "care":
        carers = select(Caregiver.id).where(
            Caregiver.municipality_id == link.municipality_id,
            Caregiver.external_id == link.resource,
        )
        users = users.where(col(User.caregiver_id).in_(carers))
    else:
        vans = select(Vehicle.id).where(
            Vehicle.municipality_id == link.municipality_id, Vehicle.external_id == link.resource
        )
        drivers = select(Driver.id).where(col(Driver.vehicle_id).in_(vans))
        users = users.where(col(User.driver_id).in_(drivers))
    return session.exec(users.order_by(col(User.id))).first()


@dataclass(frozen=True)
class NamedChange:
    """A route's change between two versions, as client names (see planning/changes.py)."""

    resource: str
    added: list[str]
    removed: list[str]  # taken off the route for any reason, the cancelled included
    cancelled: list[str]
    moved: list[str]


def version_changes(
    session: Session, plan: Plan, old: int, new: int, resource: str | None = None
) -> list[NamedChange]:
    """What version `new` changes on each route (only `resource`'s when given) against `old`.

    Routes with no change are left out, so a re-plan that moved nothing gives [].
    """
    mid = plan.municipality_id
    before = get_version(mid, plan, old, session=session)
    after = get_version(mid, plan, new, session=session)
    old_rows = _rows(session, mid, before, resource)
    new_rows = _rows(session, mid, after, resource)
    stops = {s.job_id: s for _, ss in old_rows + new_rows for s in ss if s.job_id}
    names = clients_by_id(mid, [s.client_id for s in stops.values() if s.client_id],
                          session=session)  # fmt: skip

    def name(job: str) -> str:
        client = names.get(stops[job].client_id or 0)
        return client.name if client else job

    out = []
    for change in route_changes(sequences(old_rows), sequences(new_rows)):
        if change.empty:
            continue
        cancelled = [j for j in change.removed if _cancelled(session, mid, stops[j])]
        out.append(
            NamedChange(
                change.resource,
                added=[name(j) for j in change.added],
                removed=[name(j) for j in change.removed],
                cancelled=[name(j) for j in cancelled],
                moved=[name(j) for j in change.moved],
            )
        )
    return out


def _rows(
    session: Session, municipality_id: int, version: PlanVersion | None, resource: str | None
) -> RouteRows:
    if version is None or version.id is None:
        return []
    rows = version_rows(municipality_id, version.id, session=session)
    return [(r, ss) for r, ss in rows if resource is None or r.resource == resource]


def _cancelled(session: Session, municipality_id: int, stop: Stop) -> bool:
    key = key_of(stop)
    found = served(municipality_id, key, session=session) if key else None
    return bool(found and found.cancelled)
