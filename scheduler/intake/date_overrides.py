"""The municipality's own dates set and removed: a holiday delivered anyway, a day closed, or a
closed day whose meals are delivered on its eve (`deliver_before`, see delivery_days.py).

A change that moves meals from one van's day to another (setting, lifting or removing a
`deliver_before` rule, or closing or opening the eve of one) is only accepted while the
orders of every eve it touches are still open: after an eve's cut-off its kitchen counts and
loads are fixed, and the change is refused naming `deliver_before`, with nothing written. An
eve that was already frozen early (a dispatcher's request) is frozen again, so the counts and
routes follow.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlmodel import Session

from scheduler.intake.cutoff import cutoff_at, is_open, latest_freeze, refreeze_day
from scheduler.intake.delivery_days import EVE_SEARCH_DAYS, DeliveryCalendar, delivery_calendar
from scheduler.models import DateOverride, Municipality, Service
from scheduler.refusals import Reason, refuse
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
    `delivers=True`, has no eve, or moves meals of an eve whose orders closed."""
    if deliver_before and delivers:
        raise refuse(FIELD, Reason.before_and_delivers)
    municipality = get_municipality(municipality_id, session=session)
    old = delivery_calendar(session, municipality)
    new = replace(
        old,
        overrides={**old.overrides, day: delivers},
        before=old.before | {day} if deliver_before else old.before - {day},
    )
    if deliver_before and new.eve(day) is None:
        raise refuse(FIELD, Reason.no_eve, n=EVE_SEARCH_DAYS, day=day.isoformat())
    eves = _open_eves(municipality, old, new, day, now)
    row = set_date_override(
        municipality_id, day, delivers, note, session=session, deliver_before=deliver_before
    )
    _refreeze(municipality_id, eves, session=session, actor=actor)
    return row


def remove_override(
    municipality_id: int, day: date, *, session: Session, now: datetime, actor: str = "system"
) -> DateOverride:
    """Remove the date's rule (NotFoundError when there is none), refused like a change."""
    municipality = get_municipality(municipality_id, session=session)
    eves: set[date] = set()
    if date_override(municipality_id, day, session=session) is not None:
        old = delivery_calendar(session, municipality)
        overrides = {d: v for d, v in old.overrides.items() if d != day}
        new = replace(old, overrides=overrides, before=old.before - {day})
        eves = _open_eves(municipality, old, new, day, now)
    row = delete_date_override(municipality_id, day, session=session)
    _refreeze(municipality_id, eves, session=session, actor=actor)
    return row


def _open_eves(
    municipality: Municipality,
    old: DeliveryCalendar,
    new: DeliveryCalendar,
    day: date,
    now: datetime,
) -> set[date]:
    """The eves that gain or lose meals when `old` becomes `new` (only `day` changed, so only
    the dates up to EVE_SEARCH_DAYS after it can move); refused when one of them is closed."""
    eves: set[date] = set()
    for ahead in range(EVE_SEARCH_DAYS + 1):
        meal_day = day + timedelta(days=ahead)
        was = old.eve(meal_day) if meal_day in old.before else None
        will = new.eve(meal_day) if meal_day in new.before else None
        if was != will:
            eves |= {eve for eve in (was, will) if eve is not None}
    for eve in sorted(eves):
        if not is_open(municipality, eve, now):
            closed = cutoff_at(municipality, eve)
            raise refuse(
                FIELD, Reason.eve_closed, eve=eve.isoformat(), closed=f"{closed:%Y-%m-%d %H:%M}"
            )
    return eves


def _refreeze(municipality_id: int, eves: set[date], *, session: Session, actor: str) -> None:
    for eve in sorted(eves):
        if latest_freeze(municipality_id, eve, Service.meals, session=session) is not None:
            refreeze_day(
                municipality_id, eve, Service.meals, session=session, reason=FIELD, actor=actor
            )
