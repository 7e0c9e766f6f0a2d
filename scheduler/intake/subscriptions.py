"""Meal subscriptions turned into the day's orders.

A subscription gives a meal on its weekdays from `valid_from` to `valid_until` (inclusive),
except during its pauses, on dates the municipality does not deliver (public holidays without
an override), and while the client is paused or ended. A closed date marked `deliver_before`
still takes its meals: they are ordered for that date and ride on its eve (delivery_days.py).
`subscription_dates` is the pure rule, `generate_orders` applies it to one date and writes the
missing orders; running it again adds nothing and never revives an order that was cancelled.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from scheduler.intake.calendar import parse_weekdays
from scheduler.intake.delivery_days import DeliveryCalendar, delivery_calendar
from scheduler.models import MealOrder, MealSubscription, OrderSource
from scheduler.repositories.orders import (
    pauses_covering,
    subscription_order_clients,
    subscriptions_of_active_clients,
)
from scheduler.repositories.tenancy import get_municipality


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
    return calendar.takes_orders(day)


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


def pauses_on(municipality_id: int, day: date, *, session: Session) -> dict[int, list[Pause]]:
    """Pauses covering `day`, by subscription id."""
    found: dict[int, list[Pause]] = {}
    for row in pauses_covering(municipality_id, day, session=session):
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
    municipality = get_municipality(municipality_id, session=session)
    calendar = delivery_calendar(session, municipality)
    if not calendar.takes_orders(day):
        return []
    pauses = pauses_on(municipality_id, day, session=session)
    chosen: dict[int, MealSubscription] = {}
    for sub, client in subscriptions_of_active_clients(municipality_id, day, session=session):
        if client_ids is not None and client.id not in client_ids:
            continue
        if takes_meal(sub, pauses.get(sub.id or 0, []), calendar, day):
            chosen[sub.client_id] = sub  # later valid_from wins
    existing = subscription_order_clients(municipality_id, day, session=session)
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
