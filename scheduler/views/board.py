"""The dispatcher's board: is the day being planned, how many orders or visits are in each
status, who can take work, where routes start, what could not be served, and the live status
of the stops.

Purpose-built reads for one screen (api/board.py and the board's live stream turn them into
the page's schema). Each is scoped to the municipality, lookups by id included, so an id of
another town shows nothing rather than another town's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from scheduler.models import (
    Caregiver,
    Client,
    Event,
    Kitchen,
    MealOrder,
    Outbox,
    Route,
    Service,
    Stop,
    StopStatus,
    Unassigned,
    Vehicle,
    Visit,
)
from scheduler.wording import Said

PLAN_TASKS = ("plan", "replan")  # outbox tasks that (re-)plan a day

Point = tuple[float, float]  # (lat, lon), as the map takes it


@dataclass(frozen=True)
class Van:
    """An active van the dispatcher can move stops to."""

    id: int
    external_id: str
    name: str


@dataclass(frozen=True)
class Unplaced:
    """A job the plan could not serve, named for the dispatcher."""

    job_id: str
    name: str  # the client's name, or the job id when the job has no client
    reason: str
    explanation: str  # in English
    said: Said | None = None  # the explanation as messages, for the reader's language


def is_planning(municipality_id: int, day: date, service: Service, *, session: Session) -> bool:
    """A plan or re-plan of the day has been asked for and its event not yet handled."""
    asked = select(Outbox.event_id).where(
        Outbox.municipality_id == municipality_id, col(Outbox.task).in_(PLAN_TASKS)
    )
    waiting = session.exec(
        select(Event.id).where(
            Event.municipality_id == municipality_id,
            Event.day == day,
            Event.service == service,
            col(Event.processed_at).is_(None),
            col(Event.id).in_(asked),
        )
    ).first()
    return waiting is not None


def status_counts(
    municipality_id: int, day: date, service: Service, *, session: Session
) -> dict[str, int]:
    """How many of the day's meal orders (or, for care, visits) are in each status."""
    if service == Service.meals:
        orders = select(MealOrder.status, func.count()).where(
            MealOrder.municipality_id == municipality_id, MealOrder.day == day
        )
        rows = session.exec(orders.group_by(col(MealOrder.status))).all()
    else:
        visits = select(Visit.status, func.count()).where(
            Visit.municipality_id == municipality_id, Visit.day == day
        )
        rows = session.exec(visits.group_by(col(Visit.status))).all()
    return {str(getattr(status, "value", status)): int(n) for status, n in rows}


def resource_names(municipality_id: int, service: Service, *, session: Session) -> list[str]:
    """Names of the active vans (meals) or caregivers (care): who can take the day's work."""
    if service == Service.meals:
        vans = select(Vehicle.name).where(
            Vehicle.municipality_id == municipality_id,
            Vehicle.active == True,  # noqa: E712
        )
        return list(session.exec(vans.order_by(col(Vehicle.id))).all())
    carers = select(Caregiver.name).where(
        Caregiver.municipality_id == municipality_id,
        Caregiver.active == True,  # noqa: E712
    )
    return list(session.exec(carers.order_by(col(Caregiver.id))).all())


def active_vans(municipality_id: int, *, session: Session) -> list[Van]:
    """The municipality's active vans by name."""
    query = select(Vehicle).where(
        Vehicle.municipality_id == municipality_id,
        Vehicle.active == True,  # noqa: E712
    )
    rows = session.exec(query.order_by(col(Vehicle.name))).all()
    return [Van(id=v.id or 0, external_id=v.external_id, name=v.name) for v in rows]


def route_starts(
    municipality_id: int, routes: Sequence[Route], *, session: Session
) -> dict[int, Point]:
    """Where each route starts on the map: its van's kitchen, else its caregiver's home.

    A route with neither (in this municipality) is absent."""
    kitchens = _van_kitchens(municipality_id, {r.vehicle_id for r in routes}, session=session)
    homes = _caregiver_homes(municipality_id, {r.caregiver_id for r in routes}, session=session)
    starts: dict[int, Point] = {}
    for route in routes:
        van = kitchens.get(route.vehicle_id) if route.vehicle_id else None
        home = homes.get(route.caregiver_id) if route.caregiver_id else None
        start = van or home
        if route.id is not None and start is not None:
            starts[route.id] = start
    return starts


def _van_kitchens(
    municipality_id: int, van_ids: set[int | None], *, session: Session
) -> dict[int, Point]:
    wanted = sorted(i for i in van_ids if i)
    if not wanted:
        return {}
    rows = session.exec(
        select(Vehicle.id, Kitchen.lat, Kitchen.lon)
        .join(Kitchen, col(Kitchen.id) == col(Vehicle.kitchen_id))
        .where(
            Vehicle.municipality_id == municipality_id,
            Kitchen.municipality_id == municipality_id,
            col(Vehicle.id).in_(wanted),
        )
    ).all()
    return {van_id: (lat, lon) for van_id, lat, lon in rows if van_id is not None}


def _caregiver_homes(
    municipality_id: int, caregiver_ids: set[int | None], *, session: Session
) -> dict[int, Point]:
    wanted = sorted(i for i in caregiver_ids if i)
    if not wanted:
        return {}
    rows = session.exec(
        select(Caregiver.id, Caregiver.start_lat, Caregiver.start_lon).where(
            Caregiver.municipality_id == municipality_id, col(Caregiver.id).in_(wanted)
        )
    ).all()
    return {carer_id: (lat, lon) for carer_id, lat, lon in rows if carer_id is not None}


def unplaced(municipality_id: int, version_id: int, *, session: Session) -> list[Unplaced]:
    """The jobs a plan version could not serve, in the order the plan listed them."""
    own_client = and_(
        col(Client.id) == col(Unassigned.client_id), col(Client.municipality_id) == municipality_id
    )
    rows = session.exec(
        select(Unassigned, Client.name)
        .outerjoin(Client, own_client)
        .where(
            Unassigned.municipality_id == municipality_id,
            Unassigned.plan_version_id == version_id,
        )
        .order_by(col(Unassigned.id))
    ).all()
    return [
        Unplaced(
            job_id=u.job_id,
            name=name or u.job_id,
            reason=u.reason,
            explanation=u.explanation,
            said=Said.from_json(u.detail or {}),
        )
        for u, name in rows
    ]


def route_ids(municipality_id: int, version_id: int, *, session: Session) -> list[int]:
    """The ids of a plan version's routes, by resource."""
    rows = session.exec(
        select(Route.id)
        .where(Route.municipality_id == municipality_id, Route.plan_version_id == version_id)
        .order_by(col(Route.resource))
    ).all()
    return [i for i in rows if i is not None]


def stop_statuses(
    municipality_id: int, route_ids: Sequence[int], *, session: Session
) -> dict[int, StopStatus]:
    """Stop id -> status of the job stops on these routes (this municipality's only)."""
    if not route_ids:
        return {}
    rows = session.exec(
        select(Stop.id, Stop.status)
        .where(
            Stop.municipality_id == municipality_id,
            col(Stop.route_id).in_(list(route_ids)),
            Stop.kind == "job",
        )
        .order_by(col(Stop.route_id), col(Stop.seq))
    ).all()
    return {stop_id: StopStatus(status) for stop_id, status in rows if stop_id is not None}
