"""Changes to meal orders: one-off orders, cancellations, subscription pauses, and pauses ended
early or taken back (the days given back have their meals again).

Every change is checked against the cut-off of the date it touches. After the cut-off it is
refused (`CutoffPassedError` says when orders closed and the first date the change can still
apply to) unless a dispatcher forces it; a forced change is marked on the order, written to the
audit log, and carried by its event. Each accepted change records an event in the same session.
When the date is already frozen, the change also makes a new freeze version and asks for a
re-plan through the outbox, so the kitchen counts and the routes follow the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from scheduler.errors import CutoffPassedError, InvalidInputError
from scheduler.intake.calendar import local_today
from scheduler.intake.cutoff import (
    check_change,
    is_open,
)
from scheduler.intake.day_changes import Actor as Actor  # callers take Actor from here
from scheduler.intake.day_changes import DayChange, OrderPayload, record_day_change
from scheduler.intake.delivery_days import DeliveryCalendar, delivery_calendar
from scheduler.intake.subscriptions import Pause, generate_orders, subscription_dates
from scheduler.models import (
    ClientStatus,
    Diet,
    EventKind,
    MealOrder,
    Municipality,
    OrderSource,
    OrderStatus,
    Service,
    SubscriptionPause,
)
from scheduler.models.base import utcnow
from scheduler.refusals import WORDS, Reason, problem_in_parts, refuse
from scheduler.repositories.clients import get_client
from scheduler.repositories.events import events_of_kind
from scheduler.repositories.orders import (
    cancelled_subscription_orders,
    client_orders_of_day,
    get_meal_subscription,
    get_pause,
    live_subscription_orders,
    one_off_order,
    pauses_of_subscription,
)
from scheduler.repositories.tenancy import get_municipality
from scheduler.wording import term

SERVICE = Service.meals


@dataclass(frozen=True)
class _Day:
    municipality: Municipality
    calendar: DeliveryCalendar
    late: bool


def _open_day(municipality_id: int, day: date, by: Actor, *, session: Session) -> _Day:
    municipality = get_municipality(municipality_id, session=session)
    calendar = delivery_calendar(session, municipality)
    late = check_change(municipality, day, by.now, calendar, force=by.force, role=by.role)
    return _Day(municipality, calendar, late)


def place_order(
    municipality_id: int,
    client_id: int,
    day: date,
    *,
    session: Session,
    by: Actor,
    diet: Diet | None = None,
    portions: int = 1,
) -> MealOrder:
    """A one-off meal for `day` (on top of any subscription); placing it again changes nothing."""
    if not 1 <= portions <= 10:
        raise refuse("portions", Reason.out_of_range, low=1, high=10, value=portions)
    client = get_client(municipality_id, client_id, session=session)
    if client.status != ClientStatus.active:
        raise refuse(
            "client",
            Reason.client_not_active,
            client=client.external_id,
            status=term(client.status),
        )
    ctx = _open_day(municipality_id, day, by, session=session)
    if not ctx.calendar.takes_orders(day):
        why = ctx.calendar.why_not_said(day) or ("", {})
        lead: tuple[str, dict[str, object]] = (WORDS[Reason.no_delivery], {})
        raise InvalidInputError([problem_in_parts("day", Reason.no_delivery, lead, why)])
    order = one_off_order(municipality_id, client_id, day, session=session)
    wanted = (diet or client.diet, portions)
    unchanged = order is not None and (order.status, order.diet, order.portions) == (
        OrderStatus.ordered,
        *wanted,
    )
    if order is not None and unchanged:
        return order
    if order is None:
        order = MealOrder(
            municipality_id=municipality_id,
            client_id=client_id,
            day=day,
            source=OrderSource.one_off,
        )
    order.diet, order.portions, order.status = wanted[0], wanted[1], OrderStatus.ordered
    _mark(order, ctx, by)
    session.add(order)
    session.flush()
    _record(ctx, [order], EventKind.order_placed, by, session=session)
    return order


def cancel_order(
    municipality_id: int, client_id: int, day: date, *, session: Session, by: Actor
) -> list[MealOrder]:
    """Cancel the client's meals on `day` (subscription and one-off); again changes nothing."""
    client = get_client(municipality_id, client_id, session=session)
    generate_orders(municipality_id, day, session=session, client_ids={client_id})
    orders = client_orders_of_day(municipality_id, client_id, day, session=session)
    if not orders:
        raise refuse("day", Reason.no_meal_that_day, client=client.external_id, day=day)
    live = [o for o in orders if o.status == OrderStatus.ordered]
    if not live:
        return orders
    ctx = _open_day(municipality_id, day, by, session=session)
    for order in live:
        order.status = OrderStatus.cancelled
        _mark(order, ctx, by)
        session.add(order)
    session.flush()
    _record(ctx, live, EventKind.order_cancelled, by, session=session)
    return orders


def pause_subscription(
    municipality_id: int,
    subscription_id: int,
    start: date,
    end: date,
    *,
    session: Session,
    by: Actor,
    reason: str = "",
) -> SubscriptionPause:
    """No meals from `start` to `end`; orders already generated in that range are cancelled."""
    if end < start:
        raise refuse("end", Reason.end_before_start, end=end, start=start)
    get_meal_subscription(municipality_id, subscription_id, session=session)
    ctx = _open_day(municipality_id, start, by, session=session)  # the earliest date decides
    pause = SubscriptionPause(
        municipality_id=municipality_id,
        subscription_id=subscription_id,
        start=start,
        end=end,
        reason=reason[:200],
    )
    session.add(pause)
    generated = live_subscription_orders(
        municipality_id, subscription_id, start, end, session=session
    )
    for day in sorted({o.day for o in generated}):
        day_ctx = _Day(ctx.municipality, ctx.calendar, ctx.late and _closed(ctx, day, by))
        day_orders = [o for o in generated if o.day == day]
        for order in day_orders:
            order.status = OrderStatus.cancelled
            _mark(order, day_ctx, by)
        session.add_all(day_orders)
        session.flush()
        _record(
            day_ctx,
            day_orders,
            EventKind.order_cancelled,
            by,
            session=session,
            pause=(start, end),
        )
    session.flush()
    return pause


def end_pause_early(
    municipality_id: int, pause_id: int, end: date, *, session: Session, by: Actor
) -> SubscriptionPause:
    """The pause ends on `end` instead (a client back from hospital early) and the days after it
    are given back (`_give_back`). A longer pause is a new pause, so `end` may only move earlier;
    the pause's own `end` again changes nothing."""
    pause = get_pause(municipality_id, pause_id, session=session)
    if end == pause.end:
        return pause
    if end > pause.end:
        raise refuse("end", Reason.pause_end_after, end=end.isoformat(), pause_end=pause.end)
    if end < pause.start:
        raise refuse("end", Reason.pause_end_before_start, end=end.isoformat(), start=pause.start)
    given = (end + timedelta(days=1), pause.end)
    ctx = _giving_back(municipality_id, given[0], "end", by, session=session)
    was = (pause.start, pause.end)
    pause.end = end
    session.add(pause)
    session.flush()
    _give_back(ctx, pause.subscription_id, given, was, by, session=session)
    return pause


def take_back_pause(
    municipality_id: int, pause_id: int, *, session: Session, by: Actor
) -> SubscriptionPause:
    """The pause is removed (the stay was called off) and all its days are given back; one that
    has begun is ended early instead, so its first day is checked like any day given back."""
    pause = get_pause(municipality_id, pause_id, session=session)
    ctx = _giving_back(municipality_id, pause.start, "start", by, session=session)
    was = (pause.start, pause.end)
    session.delete(pause)
    session.flush()
    _give_back(ctx, pause.subscription_id, was, was, by, session=session)
    return pause


def _giving_back(
    municipality_id: int, first: date, field: str, by: Actor, *, session: Session
) -> _Day:
    """The first day given back decides, as a pause's first day does: never a past day, and after
    its cut-off only as a dispatcher's forced change. Refused naming `field` (the form's date)."""
    municipality = get_municipality(municipality_id, session=session)
    if first < local_today(municipality.timezone, by.now):
        raise refuse(field, Reason.give_back_passed, day=first.isoformat())
    try:
        return _open_day(municipality_id, first, by, session=session)
    except CutoffPassedError as closed:
        day, cutoff = closed.day.isoformat(), f"{closed.cutoff:%Y-%m-%d %H:%M %Z}"
        if field == "end":
            earliest = (closed.next_day - timedelta(days=1)).isoformat()
            raise refuse(
                field, Reason.pause_end_closed, day=day, cutoff=cutoff, earliest=earliest
            ) from None
        following = closed.next_day.isoformat()
        raise refuse(
            field, Reason.give_back_closed, day=day, cutoff=cutoff, next=following
        ) from None


def _give_back(
    ctx: _Day,
    subscription_id: int,
    days: tuple[date, date],
    pause: tuple[date, date],
    by: Actor,
    *,
    session: Session,
) -> list[MealOrder]:
    """Each day given back on which the subscription gives a meal (its weekdays, no other pause,
    a delivery day, an active client) has its order again: one the pause cancelled is placed
    again, a missing one is made, and a day cancelled on its own stays cancelled. Each day
    records order.placed with the pause's dates, re-freezing a frozen day as any change does."""
    mid = ctx.municipality.id or 0
    sub = get_meal_subscription(mid, subscription_id, session=session)
    if get_client(mid, sub.client_id, session=session).status != ClientStatus.active:
        return []
    pauses = [
        Pause(p.start, p.end) for p in pauses_of_subscription(mid, subscription_id, session=session)
    ]
    placed: list[MealOrder] = []
    for day in subscription_dates(sub, pauses, ctx.calendar, *days):
        day_ctx = _Day(ctx.municipality, ctx.calendar, ctx.late and _closed(ctx, day, by))
        cancelled = cancelled_subscription_orders(mid, subscription_id, day, session=session)
        paused = _cancelled_by_pause(mid, day, session=session)
        orders = [o for o in cancelled if o.id in paused]
        for order in orders:
            order.status = OrderStatus.ordered
        session.flush()
        orders += generate_orders(mid, day, session=session, client_ids={sub.client_id})
        if not orders:
            continue
        for order in orders:
            _mark(order, day_ctx, by)
        session.add_all(orders)
        session.flush()
        _record(day_ctx, orders, EventKind.order_placed, by, session=session, pause=pause)
        placed += orders
    return placed


def _cancelled_by_pause(municipality_id: int, day: date, *, session: Session) -> set[int]:
    """Ids of the orders of `day` whose latest cancellation was a pause's."""
    latest: dict[int, bool] = {}
    for event in events_of_kind(municipality_id, EventKind.order_cancelled, day, session=session):
        for order_id in event.payload.get("order_ids", []):  # newest event first
            if isinstance(order_id, int):
                latest.setdefault(order_id, "pause" in event.payload)
    return {order_id for order_id, by_pause in latest.items() if by_pause}


def _closed(ctx: _Day, day: date, by: Actor) -> bool:
    return not is_open(ctx.municipality, ctx.calendar.delivered_on(day), by.now)


def _mark(order: MealOrder, ctx: _Day, by: Actor) -> None:
    order.changed_after_cutoff = ctx.late
    order.forced_by = by.name[:80] if ctx.late else None
    order.updated_at = utcnow()


def _record(
    ctx: _Day,
    orders: list[MealOrder],
    kind: EventKind,
    by: Actor,
    *,
    session: Session,
    pause: tuple[date, date] | None = None,
) -> None:
    """The event (and audit entry when forced); a re-freeze and re-plan when already frozen."""
    day, client_id = orders[0].day, orders[0].client_id
    payload = OrderPayload(
        client_id=client_id,
        order_ids=[o.id for o in orders],
        portions=sum(o.portions for o in orders),
        late=ctx.late,
    )
    if pause is not None:
        payload["pause"] = [pause[0].isoformat(), pause[1].isoformat()]
    # A caller's key (a request id) may cover several dates (a pause); the date keeps them apart.
    change = DayChange(
        kind,
        SERVICE,
        day,
        "MealOrder",
        orders[0].id,
        f"{client_id}:{day.isoformat()}",
        payload,
        delivered_on=ctx.calendar.delivered_on(day),
    )
    record_day_change(ctx.municipality, change, by, late=ctx.late, session=session)
