"""Meal-service reads: clients behind orders, a month's orders, and the price list."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, col, select

from scheduler.models import Client, MealOrder, MealPrice


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
