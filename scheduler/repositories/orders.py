"""Meal orders of a day, the subscriptions and pauses they are generated from.

Orders are written by scheduler/intake (subscriptions.py generates them, orders.py changes
them); these functions find them. Monthly reads for statements are in `meals`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from scheduler.models import (
    Client,
    ClientStatus,
    MealOrder,
    MealSubscription,
    OrderSource,
    OrderStatus,
    SubscriptionPause,
)
from scheduler.repositories.common import get_owned

# Subscriptions and pauses


def get_meal_subscription(
    municipality_id: int, subscription_id: int, *, session: Session
) -> MealSubscription:
    return get_owned(MealSubscription, municipality_id, subscription_id, session=session)


def subscriptions_of_active_clients(
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


def pauses_covering(
    municipality_id: int, day: date, *, session: Session
) -> list[SubscriptionPause]:
    """Subscription pauses that cover `day`."""
    return list(
        session.exec(
            select(SubscriptionPause).where(
                SubscriptionPause.municipality_id == municipality_id,
                col(SubscriptionPause.start) <= day,
                col(SubscriptionPause.end) >= day,
            )
        ).all()
    )


def get_pause(municipality_id: int, pause_id: int, *, session: Session) -> SubscriptionPause:
    return get_owned(SubscriptionPause, municipality_id, pause_id, session=session)


def pauses_of_subscription(
    municipality_id: int, subscription_id: int, *, session: Session
) -> list[SubscriptionPause]:
    """Every pause of the subscription, earliest first."""
    query = select(SubscriptionPause).where(
        SubscriptionPause.municipality_id == municipality_id,
        SubscriptionPause.subscription_id == subscription_id,
    )
    return list(session.exec(query.order_by(col(SubscriptionPause.start))).all())


def cancelled_subscription_orders(
    municipality_id: int, subscription_id: int, day: date, *, session: Session
) -> list[MealOrder]:
    """The subscription's orders of `day` that are cancelled."""
    query = select(MealOrder).where(
        MealOrder.municipality_id == municipality_id,
        MealOrder.subscription_id == subscription_id,
        MealOrder.day == day,
        MealOrder.status == OrderStatus.cancelled,
    )
    return list(session.exec(query.order_by(col(MealOrder.id))).all())


# Orders


def subscription_order_clients(municipality_id: int, day: date, *, session: Session) -> set[int]:
    """Clients who already have an order generated from a subscription on `day`."""
    return set(
        session.exec(
            select(MealOrder.client_id).where(
                MealOrder.municipality_id == municipality_id,
                MealOrder.day == day,
                MealOrder.source == OrderSource.subscription,
            )
        ).all()
    )


def live_orders_of_day(municipality_id: int, day: date, *, session: Session) -> list[MealOrder]:
    """The day's orders that are not cancelled, by client and id."""
    return list(
        session.exec(
            select(MealOrder)
            .where(
                MealOrder.municipality_id == municipality_id,
                MealOrder.day == day,
                MealOrder.status == OrderStatus.ordered,
            )
            .order_by(col(MealOrder.client_id), col(MealOrder.id))
        ).all()
    )


def one_off_order(
    municipality_id: int, client_id: int, day: date, *, session: Session
) -> MealOrder | None:
    """The client's one-off order of `day` (whatever its status), if any."""
    query = _client_day(municipality_id, client_id, day)
    return session.exec(query.where(MealOrder.source == OrderSource.one_off)).first()


def client_orders_of_day(
    municipality_id: int, client_id: int, day: date, *, session: Session
) -> list[MealOrder]:
    """All the client's orders of `day` (subscription and one-off, any status), by id."""
    query = _client_day(municipality_id, client_id, day)
    return list(session.exec(query.order_by(col(MealOrder.id))).all())


def live_client_order(
    municipality_id: int, client_id: int, day: date, *, session: Session
) -> MealOrder | None:
    """One of the client's orders of `day` that is not cancelled, if there is any."""
    query = _client_day(municipality_id, client_id, day)
    return session.exec(query.where(MealOrder.status == OrderStatus.ordered)).first()


def _client_day(municipality_id: int, client_id: int, day: date) -> SelectOfScalar[MealOrder]:
    """The client's orders of `day`, of any source and status."""
    return select(MealOrder).where(
        MealOrder.municipality_id == municipality_id,
        MealOrder.client_id == client_id,
        MealOrder.day == day,
    )


def live_orders_of_clients(
    municipality_id: int, day: date, client_ids: Iterable[int], *, session: Session
) -> list[MealOrder]:
    """The orders of `day` of these clients that are not cancelled."""
    return list(
        session.exec(
            select(MealOrder).where(
                MealOrder.municipality_id == municipality_id,
                MealOrder.day == day,
                col(MealOrder.client_id).in_(sorted(set(client_ids))),
                MealOrder.status == OrderStatus.ordered,
            )
        ).all()
    )


def client_order_statuses(
    municipality_id: int, client_id: int, day: date, *, session: Session
) -> list[str]:
    """The status of each of the client's orders of `day` (an `OrderStatus` value)."""
    return list(
        session.exec(
            select(MealOrder.status).where(
                MealOrder.municipality_id == municipality_id,
                MealOrder.client_id == client_id,
                MealOrder.day == day,
            )
        ).all()
    )


def live_subscription_orders(
    municipality_id: int, subscription_id: int, first: date, last: date, *, session: Session
) -> list[MealOrder]:
    """Orders generated from the subscription for `first`..`last` that are not cancelled."""
    return list(
        session.exec(
            select(MealOrder).where(
                MealOrder.municipality_id == municipality_id,
                MealOrder.subscription_id == subscription_id,
                MealOrder.status == OrderStatus.ordered,
                col(MealOrder.day) >= first,
                col(MealOrder.day) <= last,
            )
        ).all()
    )


def live_order_totals(municipality_id: int, day: date, *, session: Session) -> tuple[int, int]:
    """(orders, portions) of `day` that are not cancelled."""
    count, portions = session.exec(
        select(func.count(col(MealOrder.id)), func.coalesce(func.sum(MealOrder.portions), 0))
        .where(MealOrder.municipality_id == municipality_id, MealOrder.day == day)
        .where(MealOrder.status == OrderStatus.ordered)
    ).one()
    return int(count), int(portions)
