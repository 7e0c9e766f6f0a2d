"""The municipality's own dates set and removed: a holiday delivered anyway, a day closed, or a
closed day whose meals are delivered on its eve (`deliver_before`, see delivery_days.py).

A `deliver_before` rule moves meals onto the eve's van, so it is only accepted (set, lifted,
or removed) while the eve's orders are still open: after the eve's cut-off the kitchen counts
and the loads are fixed, and the change is refused naming `deliver_before`. When the eve was
already frozen early (a dispatcher's request), it is frozen again so the counts and routes
follow.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlmodel import Session

from scheduler.errors import InvalidInputError
from scheduler.intake.cutoff import cutoff_at, is_open, latest_freeze, refreeze_day
from scheduler.intake.delivery_days import EVE_SEARCH_DAYS, delivery_calendar
from scheduler.models import DateOverride, Municipality, Service
from scheduler.repositories.calendar import (
    date_override,
    delete_date_override,
    set_date_override,
)
from scheduler.repositories.tenancy import get_municipality

FIELD = "deliver_before"


def set_override(
    municipality_id: int,
    day: date,
    *,
    delivers: bool,
    note: str = "",
    deliver_before: bool = False,
    session: Session,
    now: datetime,
    actor: str = "system",
) -> DateOverride:
    """Write the date's rule; InvalidInputError naming `deliver_before` when it is asked with
    `delivers=True` or after the eve's cut-off, and nothing is written."""
    if deliver_before and delivers:
        raise InvalidInputError.one(
            FIELD, "a date delivered the day before is closed itself; set delivers to false"
        )
    municipality = get_municipality(municipality_id, session=session)
    old = date_override(municipality_id, day, session=session)
    moved = deliver_before != (old is not None and old.deliver_before)
    eve = _open_eve(municipality, day, now, session=session) if moved else None
    row = set_date_override(
        municipality_id, day, delivers, note, session=session, deliver_before=deliver_before
    )
    if eve is not None:
        _refreeze(municipality_id, eve, session=session, actor=actor)
    return row


def remove_override(
    municipality_id: int, day: date, *, session: Session, now: datetime, actor: str = "system"
) -> DateOverride:
    """Remove the date's rule (NotFoundError when there is none); a `deliver_before` rule only
    while its eve is open."""
    old = date_override(municipality_id, day, session=session)
    eve = None
    if old is not None and old.deliver_before:
        eve = _open_eve(
            get_municipality(municipality_id, session=session), day, now, session=session
        )
    row = delete_date_override(municipality_id, day, session=session)
    if eve is not None:
        _refreeze(municipality_id, eve, session=session, actor=actor)
    return row


def _open_eve(municipality: Municipality, day: date, now: datetime, *, session: Session) -> date:
    """The eve that carries (or would carry) `day`'s meals, refused when its orders closed."""
    calendar = delivery_calendar(session, municipality)
    calendar = replace(calendar, before=calendar.before | {day})
    eve = calendar.eve(day)
    if eve is None:
        raise InvalidInputError.one(
            FIELD, f"no delivery day in the {EVE_SEARCH_DAYS} days before {day.isoformat()}"
        )
    if not is_open(municipality, eve, now):
        closed = cutoff_at(municipality, eve)
        raise InvalidInputError.one(
            FIELD,
            f"the meals of {day.isoformat()} would ride on {eve.isoformat()}, whose orders "
            f"closed at {closed:%Y-%m-%d %H:%M}; set the rule before that",
        )
    return eve


def _refreeze(municipality_id: int, eve: date, *, session: Session, actor: str) -> None:
    if latest_freeze(municipality_id, eve, Service.meals, session=session) is not None:
        refreeze_day(
            municipality_id, eve, Service.meals, session=session, reason=FIELD, actor=actor
        )
