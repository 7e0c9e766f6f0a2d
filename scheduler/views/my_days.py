"""A driver's or caregiver's own days: whose round a user or a link holder follows, the
published days they are on, and which of them is "my next working day".

A round is named as the plans name it: the service and the route's resource (the van's
external id for a driver, the caregiver's own for a caregiver), which stays the same across
re-plans. Reads for the phone's links and the signed-in `/my-day`, each scoped to the
municipality.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from scheduler.models import (
    Caregiver,
    Driver,
    Plan,
    PlanVersion,
    Route,
    Service,
    Stop,
    User,
    Vehicle,
)

DRIVER = "driver"
CAREGIVER = "caregiver"
HOLDERS = (DRIVER, CAREGIVER)
OPEN = ("planned", "checked_in")  # stop statuses of work still to do
GRACE_S = 3600  # a round still counts as today's for an hour after its planned end
MAX_DAYS = 14  # how many upcoming days the switcher lists


@dataclass(frozen=True)
class Round:
    service: Service
    resource: str


def round_of_holder(
    municipality_id: int, holder: str, holder_id: int, *, session: Session
) -> Round | None:
    """The round a driver (through their van) or a caregiver follows, if any."""
    if holder == DRIVER:
        driver = session.get(Driver, holder_id)
        if driver is None or driver.municipality_id != municipality_id or not driver.vehicle_id:
            return None
        van = session.get(Vehicle, driver.vehicle_id)
        return Round(Service.meals, van.external_id) if van else None
    if holder == CAREGIVER:
        carer = session.get(Caregiver, holder_id)
        if carer is None or carer.municipality_id != municipality_id:
            return None
        return Round(Service.care, carer.external_id)
    return None


def holder_of_user(user: User) -> tuple[str, int] | None:
    """("driver", id) or ("caregiver", id) for a linked user; a driver link wins."""
    if user.driver_id is not None:
        return DRIVER, user.driver_id
    if user.caregiver_id is not None:
        return CAREGIVER, user.caregiver_id
    return None


def round_of_user(user: User, *, session: Session) -> Round | None:
    """The round of a driver's van or a caregiver's own, if the user is linked to one."""
    mid = user.municipality_id
    if user.driver_id is not None:
        found = round_of_holder(mid, DRIVER, user.driver_id, session=session)
        if found is not None:
            return found
    if user.caregiver_id is not None:
        return round_of_holder(mid, CAREGIVER, user.caregiver_id, session=session)
    return None


@dataclass(frozen=True)
class Holder:
    kind: str  # DRIVER or CAREGIVER
    id: int
    name: str


def holders_of_round(municipality_id: int, found: Round, *, session: Session) -> list[Holder]:
    """Who follows the round: the van's drivers, or the caregiver (for sending them links)."""
    if found.service == "care":
        carers = session.exec(
            select(Caregiver).where(
                Caregiver.municipality_id == municipality_id,
                Caregiver.external_id == found.resource,
            )
        ).all()
        return [Holder(CAREGIVER, c.id, c.name) for c in carers if c.id is not None]
    vans = select(Vehicle.id).where(
        Vehicle.municipality_id == municipality_id, Vehicle.external_id == found.resource
    )
    drivers = session.exec(
        select(Driver)
        .where(Driver.municipality_id == municipality_id, col(Driver.vehicle_id).in_(vans))
        .order_by(col(Driver.id))
    ).all()
    return [Holder(DRIVER, d.id, d.name) for d in drivers if d.id is not None]


def user_of_round(municipality_id: int, found: Round, *, session: Session) -> User | None:
    """The account whose round this is: the caregiver's, or any of the van's drivers (each
    gets the van's route, so any will do for a phone's push subscription)."""
    users = select(User).where(User.municipality_id == municipality_id)
    if found.service == "care":
        carers = select(Caregiver.id).where(
            Caregiver.municipality_id == municipality_id,
            Caregiver.external_id == found.resource,
        )
        users = users.where(col(User.caregiver_id).in_(carers))
    else:
        vans = select(Vehicle.id).where(
            Vehicle.municipality_id == municipality_id, Vehicle.external_id == found.resource
        )
        drivers = select(Driver.id).where(col(Driver.vehicle_id).in_(vans))
        users = users.where(col(User.driver_id).in_(drivers))
    return session.exec(users.order_by(col(User.id))).first()


def published_days(
    municipality_id: int, found: Round, first: date, *, session: Session, limit: int = MAX_DAYS
) -> list[date]:
    """The days from `first` on whose published plan has a route for the round, in order."""
    rows = session.exec(
        select(col(Plan.day))
        .join(PlanVersion, col(PlanVersion.plan_id) == col(Plan.id))
        .join(Route, col(Route.plan_version_id) == col(PlanVersion.id))
        .where(
            Plan.municipality_id == municipality_id,
            Plan.service == found.service,
            col(Plan.day) >= first,
            col(Plan.published_version) > 0,
            col(PlanVersion.version) == col(Plan.published_version),
            Route.resource == found.resource,
        )
        .order_by(col(Plan.day))
        .limit(limit)
    ).all()
    return list(dict.fromkeys(rows))


def next_working_day(
    municipality_id: int, found: Round, timezone: str, *, session: Session, now: datetime
) -> date | None:
    """Today if the round works today and the day is not over, else its next published day."""
    local = now.astimezone(ZoneInfo(timezone))
    days = published_days(municipality_id, found, local.date(), session=session, limit=2)
    if days and days[0] == local.date() and _over(municipality_id, found, local, session):
        days = days[1:]
    return days[0] if days else None


def _over(municipality_id: int, found: Round, local: datetime, session: Session) -> bool:
    """Today's round is over: no stop is left to do, or its planned end is an hour past."""
    route = session.exec(
        select(Route)
        .join(PlanVersion, col(Route.plan_version_id) == col(PlanVersion.id))
        .join(Plan, col(PlanVersion.plan_id) == col(Plan.id))
        .where(
            Plan.municipality_id == municipality_id,
            Plan.service == found.service,
            Plan.day == local.date(),
            col(PlanVersion.version) == col(Plan.published_version),
            Route.resource == found.resource,
        )
    ).first()
    if route is None or route.id is None:
        return True
    open_stops = session.exec(
        select(Stop.id).where(
            Stop.route_id == route.id, Stop.kind == "job", col(Stop.status).in_(OPEN)
        )
    ).first()
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    ended = bool(route.end_s) and seconds > route.end_s + GRACE_S
    return open_stops is None or ended
