"""Freezing a day when its time comes (the cut-off, the morning plan, a dispatcher's request).

A day the municipality does not deliver on (a weekend, a public holiday) is not frozen; a
day already frozen is left as it is, so the clock's job and the dispatcher's button can both
ask and the first one wins.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from scheduler.errors import NotFoundError
from scheduler.intake.cutoff import freeze_day, latest_freeze
from scheduler.intake.delivery_days import delivery_calendar
from scheduler.models import Service
from scheduler.repositories.tenancy import get_municipality


def freeze_if_delivering(
    session: Session, municipality_id: int, day: date, service: Service
) -> bool:
    """Freeze `day` for `service` unless it is frozen; False when there is no delivery then."""
    try:
        municipality = get_municipality(municipality_id, session=session)
    except NotFoundError:
        return False
    if not delivery_calendar(session, municipality).delivers(day):
        return False
    if latest_freeze(municipality_id, day, service, session=session) is None:
        freeze_day(municipality_id, day, service, session=session, reason="cutoff")
    return True
