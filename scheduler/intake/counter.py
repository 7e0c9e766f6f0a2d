"""What people collect at a pick-up point's counter: a canteen client's meal, a child's
milk-kitchen portions. One tap records it.

Each record is unique per person and date and is written with its event (and the event's
outbox row) in one transaction; the event key is the person and the date, so a second tap, a
tablet that sends again after losing its connection, or two tablets at one counter change
nothing and get the first record back. The records are financial: statements bill from them
(scheduler/reports/counter_statements.py).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from scheduler.events import record_event
from scheduler.intake.calendar import local_today
from scheduler.models import (
    CanteenCheckIn,
    ClientStatus,
    EventKind,
    MilkCollection,
    OrderStatus,
    OutboxTask,
)
from scheduler.refusals import Reason, refuse
from scheduler.reports.milk_kitchen import due_children
from scheduler.repositories.canteen import (
    add_check_in,
    add_collection,
    check_in_of,
    collection_of,
    get_canteen_client,
    get_child,
)
from scheduler.repositories.orders import client_orders_of_day
from scheduler.repositories.tenancy import get_municipality
from scheduler.wording import term


def check_in_canteen(
    municipality_id: int,
    client_id: int,
    day: date,
    *,
    actor: str,
    now: datetime,
    session: Session,
) -> tuple[CanteenCheckIn, bool]:
    """Record that the client collected the meal of `day`; (record, is_new).

    The diet and portions are those of the day's live orders when there are any (what the
    kitchen cooked: a subscription meal and a one-off together), else the client's own."""
    existing = check_in_of(municipality_id, client_id, day, session=session)
    if existing is not None:
        return existing, False
    require_come(municipality_id, day, now, session=session)
    client = get_canteen_client(municipality_id, client_id, session=session)
    if client.pickup_point_id is None:
        raise refuse("client_id", Reason.not_collecting)
    if client.status != ClientStatus.active:
        raise refuse("client_id", Reason.client_is, status=term(client.status))
    orders = [
        o
        for o in client_orders_of_day(municipality_id, client_id, day, session=session)
        if o.status == OrderStatus.ordered
    ]
    assert client.id is not None
    row = CanteenCheckIn(
        municipality_id=municipality_id,
        client_id=client.id,
        pickup_point_id=client.pickup_point_id,
        day=day,
        diet=orders[0].diet if orders else client.diet,
        portions=min(10, sum(o.portions for o in orders)) if orders else client.portions,
        actor=actor[:80],
    )
    add_check_in(municipality_id, row, session=session)
    _event(
        session,
        municipality_id,
        EventKind.canteen_collected,
        f"canteen:{client.id}:{day}",
        day,
        actor,
        {"client_id": client.id, "portions": row.portions},
    )
    return row, True


def collect_milk(
    municipality_id: int,
    child_id: int,
    day: date,
    *,
    actor: str,
    now: datetime,
    session: Session,
) -> tuple[MilkCollection, bool]:
    """Record that a guardian collected the child's portions of `day`; (record, is_new).
    Refused when the child is not due that day (wrong weekday, too old, referral later)."""
    existing = collection_of(municipality_id, child_id, day, session=session)
    if existing is not None:
        return existing, False
    require_come(municipality_id, day, now, session=session)
    child = get_child(municipality_id, child_id, session=session)
    due, _ = due_children(
        municipality_id, day, session=session, pickup_point_id=child.pickup_point_id
    )
    item = next((d for d in due if d.child.id == child_id), None)
    if item is None:
        raise refuse("child_id", Reason.child_not_due, day=day)
    assert child.id is not None
    row = MilkCollection(
        municipality_id=municipality_id,
        child_id=child.id,
        pickup_point_id=child.pickup_point_id,
        day=day,
        age_group=item.group,
        portions=child.portions,
        actor=actor[:80],
    )
    add_collection(municipality_id, row, session=session)
    payload = {"child_id": child.id, "age_group": item.group, "portions": row.portions}
    _event(
        session,
        municipality_id,
        EventKind.milk_collected,
        f"milk:{child.id}:{day}",
        day,
        actor,
        payload,
    )
    return row, True


def require_come(municipality_id: int, day: date, now: datetime, *, session: Session) -> None:
    """Nothing is collected ahead of its date: a tablet left on tomorrow's date would bill
    meals nobody has taken. Earlier dates are allowed (the office records a missed tap)."""
    today = local_today(get_municipality(municipality_id, session=session).timezone, now)
    if day > today:
        raise refuse("day", Reason.not_come_yet, day=day, today=today)


def _event(
    session: Session,
    municipality_id: int,
    kind: EventKind,
    key: str,
    day: date,
    actor: str,
    payload: dict[str, object],
) -> None:
    # No step of its own follows a collection: the generic handler logs it.
    record_event(
        session,
        municipality_id=municipality_id,
        kind=kind,
        key=key,
        payload=payload,
        day=day,
        actor=actor,
        tasks=[(OutboxTask.event, {})],
    )
