"""The driver's and caregiver's phone: the published route behind a day link, its stops in
order with what each needs at the door, and its trips from the kitchen with what to load.

Purpose-built reads for one screen (api/routes/phone.py turns them into the page's schema).
Each is scoped to the municipality: a day link of another town, or a row id of another town,
finds nothing.

- A stop is named by its order or visit (`key`), which every re-plan keeps; `stop_id` is the
  row of the version shown.
- A meal stop's portions are all the client's orders in the freeze the version was planned
  from: a closed day delivered the day before rides on its eve's stop with the eve's own
  (scheduler/intake/delivery_days.py), so the driver hands over both days' meals.
- A trip is the run between two loadings at the kitchen. Its portions are those of its stops
  as the phone shows them, and its boxes are counted as the kitchen's packing list counts them
  (`reports.kitchen.boxes_for`, the kitchen's `portions_per_box`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, time

from sqlalchemy import and_
from sqlmodel import Session, col, select

from scheduler.models import (
    Caregiver,
    Client,
    Driver,
    Kitchen,
    MealOrder,
    PlanVersion,
    Route,
    Service,
    Stop,
    StopStatus,
    Vehicle,
    Visit,
)
from scheduler.reports.kitchen import boxes_for
from scheduler.repositories.freezes import frozen_orders
from scheduler.repositories.plans import get_plan, get_version
from scheduler.repositories.stops import key_of


@dataclass(frozen=True)
class PhoneStopRow:
    """One client's stop as the phone shows it: never health details beyond the diet."""

    stop_id: int
    key: str  # "order:12" or "visit:7"
    seq: int
    trip: int
    kind: str  # "meal" or "visit"
    arrival_s: int
    window_start: time
    window_end: time
    name: str
    address: str
    phone: str
    diet: str
    portions: int
    notes: str
    tasks: str
    lat: float
    lon: float
    status: StopStatus
    lives_alone: bool


@dataclass(frozen=True)
class TripLoad:
    """What a van loads at the kitchen for one trip."""

    number: int
    stops: int
    portions: int
    boxes: int


@dataclass(frozen=True)
class PhoneRoute:
    """The published route of one van or caregiver, named as people read it."""

    version: int
    route_id: int
    resource: str  # the van's or caregiver's code, e.g. "V01"
    name: str  # the van's or caregiver's name; the code when it has none
    people: list[str]  # the van's drivers by name (empty for a caregiver's round)
    stops: list[PhoneStopRow]
    trips: list[TripLoad]


def published_route(
    municipality_id: int, day: date, service: Service, resource: str, *, session: Session
) -> tuple[PlanVersion, Route] | None:
    """The resource's route in the day's published version, if there is one."""
    plan = get_plan(municipality_id, day, service, session=session)
    if plan is None or plan.published_version <= 0:
        return None
    version = get_version(municipality_id, plan, plan.published_version, session=session)
    if version is None:
        return None
    route = session.exec(
        select(Route).where(
            Route.municipality_id == municipality_id,
            Route.plan_version_id == version.id,
            Route.resource == resource,
        )
    ).first()
    return (version, route) if route else None


def phone_route(
    municipality_id: int, day: date, service: Service, resource: str, *, session: Session
) -> PhoneRoute | None:
    """The published route of the day link's van or caregiver, with its stops and trips."""
    found = published_route(municipality_id, day, service, resource, session=session)
    if found is None:
        return None
    version, route = found
    assert route.id is not None
    stops = phone_stops(municipality_id, route.id, session=session)
    if version.freeze_id is not None:
        assert version.id is not None
        stops = _carried(municipality_id, version.id, version.freeze_id, stops, session=session)
    name, people = route_names(municipality_id, route, session=session)
    per_box = portions_per_box(municipality_id, route, session=session)
    return PhoneRoute(
        version=version.version,
        route_id=route.id,
        resource=route.resource,
        name=name,
        people=people,
        stops=stops,
        trips=trip_loads(stops, per_box) if per_box else [],
    )


def phone_stops(municipality_id: int, route_id: int, *, session: Session) -> list[PhoneStopRow]:
    """The route's client stops in order, each with its client and its order or visit."""
    mid = municipality_id
    client = and_(col(Client.id) == col(Stop.client_id), col(Client.municipality_id) == mid)
    order = and_(col(MealOrder.id) == col(Stop.order_id), col(MealOrder.municipality_id) == mid)
    visit = and_(col(Visit.id) == col(Stop.visit_id), col(Visit.municipality_id) == mid)
    rows = session.exec(
        select(Stop, Client, MealOrder, Visit)
        .join(Client, client)
        .outerjoin(MealOrder, order)
        .outerjoin(Visit, visit)
        .where(Stop.municipality_id == mid, Stop.route_id == route_id, Stop.kind == "job")
        .order_by(col(Stop.seq))
    ).all()
    return [_row(stop, who, meal, call) for stop, who, meal, call in rows]


def _row(stop: Stop, client: Client, order: MealOrder | None, visit: Visit | None) -> PhoneStopRow:
    start, end = (
        (visit.window_start, visit.window_end)
        if visit
        else (client.window_start, client.window_end)
    )
    assert stop.id is not None
    return PhoneStopRow(
        stop_id=stop.id,
        key=str(key_of(stop) or ""),
        seq=stop.seq,
        trip=stop.trip or 1,
        kind="visit" if visit else "meal",
        arrival_s=stop.arrival_s,
        window_start=start,
        window_end=end,
        name=client.name,
        address=client.address,
        phone=client.phone,
        diet=str((order.diet if order else client.diet).value),
        portions=order.portions if order else (0 if visit else client.portions),
        notes=" · ".join(n for n in (client.notes, client.entry_notes) if n),
        tasks=visit.tasks if visit else "",
        lat=client.lat,
        lon=client.lon,
        status=StopStatus(stop.status),
        lives_alone=client.lives_alone,
    )


def _carried(
    municipality_id: int,
    version_id: int,
    freeze_id: int,
    stops: list[PhoneStopRow],
    *,
    session: Session,
) -> list[PhoneStopRow]:
    """Each meal stop with the portions of its client's frozen orders that have no stop of
    their own in the version (a closed day's, riding on its eve's stop) added to its own."""
    rows = session.exec(
        select(Stop.id, Stop.client_id, Stop.order_id)
        .join(Route, col(Route.id) == col(Stop.route_id))
        .where(
            Stop.municipality_id == municipality_id,
            Route.municipality_id == municipality_id,
            Route.plan_version_id == version_id,
        )
    ).all()
    on_stops = {order_id for _, _, order_id in rows if order_id is not None}
    extra: Counter[int] = Counter()
    for frozen in frozen_orders(municipality_id, freeze_id, session=session):
        if frozen.order_id not in on_stops:
            extra[frozen.client_id] += frozen.portions
    client_of = {stop_id: client_id for stop_id, client_id, _ in rows}
    out = []
    for stop in stops:
        client_id = client_of.get(stop.stop_id)
        if stop.kind == "meal" and client_id is not None and extra[client_id]:
            stop = replace(stop, portions=stop.portions + extra.pop(client_id))
        out.append(stop)
    return out


def trip_loads(stops: list[PhoneStopRow], per_box: int) -> list[TripLoad]:
    """Each trip's stops, portions and boxes, in trip order."""
    by_trip: dict[int, list[PhoneStopRow]] = {}
    for stop in stops:
        by_trip.setdefault(stop.trip, []).append(stop)
    out = []
    for number in sorted(by_trip):
        portions = sum(s.portions for s in by_trip[number])
        out.append(TripLoad(number, len(by_trip[number]), portions, boxes_for(portions, per_box)))
    return out


def portions_per_box(municipality_id: int, route: Route, *, session: Session) -> int | None:
    """How many portions a box of the route's van's kitchen holds; None for a caregiver."""
    if route.vehicle_id is None:
        return None
    found = session.exec(
        select(Kitchen.portions_per_box)
        .join(Vehicle, col(Vehicle.kitchen_id) == col(Kitchen.id))
        .where(
            Vehicle.id == route.vehicle_id,
            Vehicle.municipality_id == municipality_id,
            Kitchen.municipality_id == municipality_id,
        )
    ).first()
    return int(found) if found else None


def route_names(municipality_id: int, route: Route, *, session: Session) -> tuple[str, list[str]]:
    """The route's van or caregiver by name, and the van's drivers by name."""
    names = resource_names(municipality_id, [route], session=session)
    return names.get(route.id or 0, (route.resource, []))


def resource_names(
    municipality_id: int, routes: list[Route], *, session: Session
) -> dict[int, tuple[str, list[str]]]:
    """Route id -> (its van's or caregiver's name, its van's drivers' names): for every page
    a person reads, where codes such as V01 mean little. A route of no known van or caregiver
    keeps its code."""
    vans = sorted({r.vehicle_id for r in routes if r.vehicle_id is not None})
    carers = sorted({r.caregiver_id for r in routes if r.caregiver_id is not None})
    names = _van_names(municipality_id, vans, session=session)
    drivers = _drivers(municipality_id, vans, session=session)
    carer_names = _carer_names(municipality_id, carers, session=session)
    out: dict[int, tuple[str, list[str]]] = {}
    for route in routes:
        if route.vehicle_id is not None:
            name = names.get(route.vehicle_id) or route.resource
            out[route.id or 0] = (name, drivers.get(route.vehicle_id, []))
        else:
            out[route.id or 0] = (carer_names.get(route.caregiver_id or 0) or route.resource, [])
    return out


def _van_names(municipality_id: int, ids: list[int], *, session: Session) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(
        select(Vehicle.id, Vehicle.name).where(
            Vehicle.municipality_id == municipality_id, col(Vehicle.id).in_(ids)
        )
    ).all()
    return {van_id: name for van_id, name in rows if van_id is not None}


def _drivers(municipality_id: int, van_ids: list[int], *, session: Session) -> dict[int, list[str]]:
    if not van_ids:
        return {}
    rows = session.exec(
        select(Driver.vehicle_id, Driver.name)
        .where(Driver.municipality_id == municipality_id, col(Driver.vehicle_id).in_(van_ids))
        .order_by(col(Driver.name))
    ).all()
    out: dict[int, list[str]] = {}
    for van_id, name in rows:
        if van_id is not None:
            out.setdefault(van_id, []).append(name)
    return out


def _carer_names(municipality_id: int, ids: list[int], *, session: Session) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(
        select(Caregiver.id, Caregiver.name).where(
            Caregiver.municipality_id == municipality_id, col(Caregiver.id).in_(ids)
        )
    ).all()
    return {carer_id: name for carer_id, name in rows if carer_id is not None}
