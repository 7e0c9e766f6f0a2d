"""Meal-service reads: clients behind orders, a month's orders, and the price list."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from scheduler.models import Client, MealOrder, MealPrice, OrderStatus
from scheduler.repositories.common import where_day_rows


def clients_by_id(
    municipality_id: int, client_ids: Iterable[int], *, session: Session
) -> dict[int, Client]:
    """The municipality's clients with these ids (ids of other towns are simply absent)."""
    wanted = sorted(set(client_ids))
    if not wanted:
        return {}
    rows = session.exec(
        select(Client).where(Client.municipality_id == municipality_id, col(Client.id).in_(wanted))
    ).all()
    return {c.id: c for c in rows if c.id is not None}


def orders_between(
    municipality_id: int,
    first: date,
    last: date,
    *,
    session: Session,
    client_id: int | None = None,
) -> list[MealOrder]:
    """Orders from `first` to `last` inclusive, by date and client."""
    query = select(MealOrder).where(
        MealOrder.municipality_id == municipality_id,
        col(MealOrder.day) >= first,
        col(MealOrder.day) <= last,
    )
    if client_id is not None:
        query = query.where(MealOrder.client_id == client_id)
    return list(session.exec(query.order_by(col(MealOrder.day), col(MealOrder.client_id))).all())


def meal_prices(municipality_id: int, *, session: Session) -> dict[str, int]:
    """Price of one portion per diet, in cents."""
    rows = session.exec(select(MealPrice).where(MealPrice.municipality_id == municipality_id))
    return {r.diet: r.price_cents for r in rows}


def select_orders(
    municipality_id: int,
    *,
    day: date | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    status: OrderStatus | None = None,
    client_id: int | None = None,
) -> SelectOfScalar[MealOrder]:
    """The municipality's meal orders by date and client, filtered as the order list is."""
    query = where_day_rows(
        select(MealOrder).where(MealOrder.municipality_id == municipality_id),
        MealOrder,
        day=day,
        date_from=date_from,
        date_to=date_to,
        status=status,
        client_id=client_id,
    )
    return query.order_by(col(MealOrder.day), col(MealOrder.client_id), col(MealOrder.id))


def set_meal_price(municipality_id: int, diet: str, cents: int, *, session: Session) -> bool:
    """Set the price of one portion of `diet`; False when it already was `cents`."""
    row = session.exec(
        select(MealPrice).where(
            MealPrice.municipality_id == municipality_id, MealPrice.diet == diet
        )
    ).first()
    if row is not None and row.price_cents == cents:
        return False
    row = row or MealPrice(municipality_id=municipality_id, diet=diet, price_cents=cents)
    row.price_cents = cents
    session.add(row)
    session.flush()
    return True
