"""The cut-off rule and the freeze of a day's orders.

A municipality's rule is a local wall-clock time and a number of days before the delivery date
("14:00 the day before", "09:00 the same day"). The instant is computed in the municipality's
zone with `zoneinfo`, so it stays at 14:00 local on the Sundays the clocks change, instead of
drifting by an hour as "24 hours before" would. A wall time that does not exist (the hour the
clocks skip in spring) means the moment the clocks jump; a wall time that happens twice (the
hour repeated in autumn) means its first occurrence, the stricter one.

The freeze is the record of what the kitchen cooks and the vans carry: a versioned set of
orders per date and service. `freeze_day` is idempotent (the first freeze stands); a change
accepted after the freeze (a forced late change) makes a new version with `refreeze_day`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, SQLModel

from scheduler.errors import CutoffPassedError, NotFoundError
from scheduler.events import record_event
from scheduler.intake.delivery_days import DeliveryCalendar, delivery_calendar
from scheduler.intake.subscriptions import generate_orders
from scheduler.intake.visits import collect_visits, stored_visits
from scheduler.models import (
    DayFreeze,
    EventKind,
    FrozenOrder,
    MealOrder,
    Municipality,
    OutboxTask,
    Role,
    Service,
)
from scheduler.refusals import Reason, refuse
from scheduler.repositories.freezes import frozen_orders
from scheduler.repositories.freezes import latest_freeze as latest_freeze  # offered with freeze_day
from scheduler.repositories.orders import live_orders_of_day
from scheduler.repositories.tenancy import get_municipality, municipality_by_id

# Roles that may push a change through after the cut-off (recorded on the order and event).
FORCE_ROLES = frozenset({Role.dispatcher, Role.admin})
_SEARCH_DAYS = 60  # how far ahead to look for the next date a refused change can apply to


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC instant; naive datetimes are UTC, as the database stores them."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def local_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The instant the wall clock in `zone` shows `wall` on `day` (see the module notes)."""
    naive = datetime.combine(day, wall)
    for minute in range(0, 24 * 60):
        candidate = (naive + timedelta(minutes=minute)).replace(tzinfo=zone, fold=0)
        round_trip = candidate.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if round_trip == candidate.replace(tzinfo=None):
            return candidate
    raise ValueError(f"Expected {wall} to exist on {day} in {zone.key}")  # pragma: no cover


def cutoff_at(municipality: Municipality, day: date) -> datetime:
    """When orders for `day` close, as an aware datetime in the municipality's zone."""
    zone = ZoneInfo(municipality.timezone)
    closing_day = day - timedelta(days=municipality.cutoff_days_before)
    return local_instant(closing_day, municipality.cutoff_time, zone)


def is_open(municipality: Municipality, day: date, now: datetime) -> bool:
    """True while changes for `day` are still accepted without forcing."""
    return as_utc(now) < cutoff_at(municipality, day).astimezone(UTC)


def next_open_day(
    municipality: Municipality, after: date, now: datetime, calendar: DeliveryCalendar
) -> date:
    """The first working date after `after` whose cut-off is still ahead of `now`."""
    for offset in range(1, _SEARCH_DAYS + 1):
        day = after + timedelta(days=offset)
        if calendar.working(day) and is_open(municipality, day, now):
            return day
    return after + timedelta(days=_SEARCH_DAYS)


def check_change(
    municipality: Municipality,
    day: date,
    now: datetime,
    calendar: DeliveryCalendar,
    *,
    force: bool = False,
    role: Role | None = None,
) -> bool:
    """Refuse a change to `day` after its cut-off unless a dispatcher forces it; True if late.
    A `deliver_before` day closes with its eve, whose van carries its meals."""
    closing = calendar.delivered_on(day)
    if is_open(municipality, closing, now):
        return False
    if not force:
        cutoff = cutoff_at(municipality, closing)
        raise CutoffPassedError(day, cutoff, next_open_day(municipality, day, now, calendar))
    if role not in FORCE_ROLES:
        raise refuse("role", Reason.force_role, value=role)
    return True


# --- freezing -------------------------------------------------------------------------------

# The unsaved rows of one service's freeze: FrozenOrder for meals, FrozenVisit for home care.
FreezeSet = Sequence[SQLModel]
Collector = Callable[[Session, int, date], FreezeSet]
Stored = Callable[[Session, int, int], FreezeSet]  # the rows a stored freeze (an id) holds


def _collect_meals(session: Session, municipality_id: int, day: date) -> list[FrozenOrder]:
    """The day's live meal orders as (unsaved) frozen rows, generating subscription orders;
    with them the orders of the `deliver_before` days that ride on this day (delivery_days.py)."""
    municipality = get_municipality(municipality_id, session=session)
    orders: list[MealOrder] = []
    for meal_day in [day, *delivery_calendar(session, municipality).carried_to(day)]:
        generate_orders(municipality_id, meal_day, session=session)
        orders.extend(live_orders_of_day(municipality_id, meal_day, session=session))
    return [
        FrozenOrder(
            municipality_id=municipality_id,
            freeze_id=0,
            order_id=o.id or 0,  # flushed rows always have an id
            client_id=o.client_id,
            diet=o.diet,
            portions=o.portions,
        )
        for o in orders
    ]


def _stored_meals(session: Session, municipality_id: int, freeze_id: int) -> list[FrozenOrder]:
    return frozen_orders(municipality_id, freeze_id, session=session)


# One collector per service, and the reader of what a stored freeze holds.
COLLECTORS: dict[Service, Collector] = {Service.meals: _collect_meals, Service.care: collect_visits}
STORED: dict[Service, Stored] = {Service.meals: _stored_meals, Service.care: stored_visits}


def freeze_day(
    municipality_id: int,
    day: date,
    service: Service,
    *,
    session: Session,
    reason: str = "cutoff",
    actor: str = "system",
) -> DayFreeze:
    """Freeze the day's orders unless already frozen; the existing freeze is returned as is."""
    _collector(service)  # a service nobody collects is refused by name, before any query
    existing = latest_freeze(municipality_id, day, service, session=session)
    if existing is not None:
        return existing
    return _write_freeze(
        municipality_id, day, service, 1, session=session, reason=reason, actor=actor
    )


def refreeze_day(
    municipality_id: int,
    day: date,
    service: Service,
    *,
    session: Session,
    reason: str,
    actor: str = "system",
) -> DayFreeze:
    """A new freeze version if the live orders differ from the latest freeze, else the latest."""
    existing = latest_freeze(municipality_id, day, service, session=session)
    if existing is None:
        return freeze_day(
            municipality_id, day, service, session=session, reason=reason, actor=actor
        )
    assert existing.id is not None
    live = _collector(service)(session, municipality_id, day)
    old = STORED[service](session, municipality_id, existing.id)
    if _signature(live) == _signature(old):
        return existing
    return _write_freeze(
        municipality_id,
        day,
        service,
        existing.version + 1,
        session=session,
        reason=reason,
        actor=actor,
        rows=live,
    )


def _collector(service: Service) -> Collector:
    try:
        return COLLECTORS[service]
    except KeyError:
        choices = sorted(s.value for s in COLLECTORS)
        raise refuse(
            "service", Reason.expected_one_of_got, choices=choices, value=repr(service)
        ) from None


def _signature(rows: FreezeSet) -> set[str]:
    """What each row says, whatever its table: equal sets mean nothing changed."""
    dumped = (r.model_dump(mode="json", exclude={"id", "freeze_id"}) for r in rows)
    return {json.dumps(d, sort_keys=True) for d in dumped}  # loaded rows order fields anyhow


def _write_freeze(
    municipality_id: int,
    day: date,
    service: Service,
    version: int,
    *,
    session: Session,
    reason: str,
    actor: str,
    rows: FreezeSet | None = None,
) -> DayFreeze:
    if municipality_by_id(municipality_id, session=session) is None:
        raise NotFoundError("municipality", municipality_id)
    rows = rows if rows is not None else _collector(service)(session, municipality_id, day)
    freeze = DayFreeze(
        municipality_id=municipality_id,
        day=day,
        service=service,
        version=version,
        reason=reason[:80],
        item_count=len(rows),
        portion_count=sum(getattr(r, "portions", 0) for r in rows),  # visits carry none
    )
    session.add(freeze)
    session.flush()
    assert freeze.id is not None
    for row in rows:
        row.freeze_id = freeze.id
        session.add(row)
    # The frozen set is what plans are made from: a new set asks for a (re-)plan. Bursts of
    # these are coalesced by the workers, so a change never needs a task of its own.
    task = {
        "municipality_id": municipality_id,
        "day": day.isoformat(),
        "service": service,
        "reason": reason,
    }
    record_event(
        session,
        municipality_id=municipality_id,
        kind=EventKind.day_frozen,
        key=f"freeze:{service}:{day.isoformat()}:v{version}",
        payload={
            "freeze_id": freeze.id,
            "version": version,
            "items": len(rows),
            "portions": freeze.portion_count,
            "reason": reason,
        },
        day=day,
        service=service,
        actor=actor,
        tasks=[(OutboxTask.replan, task)],
    )
    session.flush()
    return freeze
