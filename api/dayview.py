"""Whose day a phone shows: a signed-in driver's or caregiver's day link, and the account
behind a day link. (The day itself is read through `scheduler.views.phone`.)"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from api.links import DayLink
from scheduler.models import Caregiver, Driver, Municipality, User, Vehicle


def today_link(session: Session, user: User, town: Municipality) -> DayLink | None:
    """Today's day link of a driver's van or a caregiver's own round, if the user has one."""
    today = datetime.now(ZoneInfo(town.timezone)).date()
    if user.driver_id is not None:
        driver = session.get(Driver, user.driver_id)
        van = session.get(Vehicle, driver.vehicle_id) if driver and driver.vehicle_id else None
        if van is not None:
            return DayLink(town.id or 0, "meals", today, van.external_id)
    if user.caregiver_id is not None:
        carer = session.get(Caregiver, user.caregiver_id)
        if carer is not None:
            return DayLink(town.id or 0, "care", today, carer.external_id)
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
