"""Meal subscriptions turned into the day's orders.

A subscription gives a meal on its weekdays from `valid_from` to `valid_until` (inclusive),
except during its pauses, on dates the municipality does not deliver (public holidays without
an override), and while the client is paused or ended. `subscription_dates` is the pure rule,
`generate_orders` applies it to one date and writes the missing orders; running it again adds
nothing and never revives an order that was cancelled.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from scheduler.errors import NotFoundError
from scheduler.intake.calendar import parse_weekdays
from scheduler.intake.delivery_days import DeliveryCalendar, delivery_calendar
from scheduler.models import (
    Client,
    ClientStatus,
    MealOrder,
    MealSubscription,
    Municipality,
    OrderSource,
    SubscriptionPause,
)


@dataclass(frozen=True)
class Pause:
    start: date
    end: date

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


def takes_meal(
    sub: MealSubscription, pauses: Iterable[Pause], calendar: DeliveryCalendar, day: date
) -> bool:
    """Whether the subscription gives a meal on `day` (the client's status aside)."""
    if day < sub.valid_from or (sub.valid_until is not None and day > sub.valid_until):
        return False
    if day.weekday() not in parse_weekdays(sub.weekdays):
        return False
    if any(p.covers(day) for p in pauses):
        return False
    return calendar.delivers(day)


def subscription_dates(
    sub: MealSubscription,
    pauses: Iterable[Pause],
    calendar: DeliveryCalendar,
    start: date,
    end: date,
) -> Iterator[date]:
    """Every date from `start` to `end` inclusive on which the subscription gives a meal."""
    pauses = list(pauses)
    day = start
    while day <= end:
        if takes_meal(sub, pauses, calendar, day):
            yield day
        day += timedelta(days=1)


def active_subscriptions(
    municipality_id: int, day: date, *, session: Session
) -> list[tuple[MealSubscription, Client]]:
    """Subscriptions valid on `day` of clients who are active, oldest subscription first."""
    rows = session.exec(
        select(MealSubscription, Client)
        .join(Client, col(Client.id) == col(MealSubscription.client_id))
        .where(
            MealSubscription.municipality_id == municipality_id,
            Client.municipality_id == municipality_id,
            Client.status == ClientStatus.active,
            col(MealSubscription.valid_from) <= day,
        )
        .order_by(col(MealSubscription.client_id), col(MealSubscription.valid_from))
    ).all()
    return [(s, c) for s, c in rows if s.valid_until is None or s.valid_until >= day]


def pauses_on(municipality_id: int, day: date, *, session: Session) -> dict[int, list[Pause]]:
    """Pauses covering `day`, by subscription id."""
    rows = session.exec(
        select(SubscriptionPause).where(
            SubscriptionPause.municipality_id == municipality_id,
            col(SubscriptionPause.start) <= day,
            col(SubscriptionPause.end) >= day,
        )
    ).all()
    found: dict[int, list[Pause]] = {}
    for row in rows:
        found.setdefault(row.subscription_id, []).append(Pause(row.start, row.end))
    return found


def generate_orders(
    municipality_id: int,
    day: date,
    *,
    session: Session,
    client_ids: set[int] | None = None,
) -> list[MealOrder]:
    """Write the subscription orders of `day` that do not exist yet; returns the new ones.

    A client with two overlapping subscriptions gets the most recent one's diet and portions
    (the newer subscription replaces the older; the older one was not ended in time).
    """
    municipality = session.get(Municipality, municipality_id)
    if municipality is None:
        raise NotFoundError("Municipality", municipality_id)
    calendar = delivery_calendar(session, municipality)
    if not calendar.delivers(day):
        return []
    pauses = pauses_on(municipality_id, day, session=session)
    chosen: dict[int, MealSubscription] = {}
    for sub, client in active_subscriptions(municipality_id, day, session=session):
        if client_ids is not None and client.id not in client_ids:
            continue
        if takes_meal(sub, pauses.get(sub.id or 0, []), calendar, day):
            chosen[sub.client_id] = sub  # later valid_from wins
    existing = set(
        session.exec(
            select(MealOrder.client_id).where(
                MealOrder.municipality_id == municipality_id,
                MealOrder.day == day,
                MealOrder.source == OrderSource.subscription,
            )
        ).all()
    )
    created = [
        MealOrder(
            municipality_id=municipality_id,
            client_id=client_id,
            day=day,
            diet=sub.diet,
            portions=sub.portions,
            source=OrderSource.subscription,
            subscription_id=sub.id,
        )
        for client_id, sub in sorted(chosen.items())
        if client_id not in existing
    ]
    session.add_all(created)
    session.flush()
    return created
