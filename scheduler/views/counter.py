"""The counter's read model: who is expected at a pick-up point on a date, whether they have
collected, found by name however it is typed (scheduler/names.py folds Cyrillic, Latin, case
and diacritics, so "ivanova" finds "Иванова")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from scheduler.names import fold
from scheduler.reports.milk_kitchen import due_children
from scheduler.repositories.canteen import canteen_orders, check_ins_between, collections_between


@dataclass(frozen=True)
class CanteenRow:
    client_id: int
    name: str
    pickup_point_id: int
    diet: str
    portions: int
    collected_at: datetime | None


@dataclass(frozen=True)
class MilkRow:
    child_id: int
    name: str
    guardian_name: str
    pickup_point_id: int
    age_group: str
    portions: int
    collected_at: datetime | None


def matches(query: str, *names: str) -> bool:
    wanted = fold(query)
    return not wanted or any(wanted in fold(name) for name in names)


def canteen_counter(
    municipality_id: int,
    day: date,
    *,
    session: Session,
    pickup_point_id: int | None = None,
    query: str = "",
) -> list[CanteenRow]:
    """Canteen clients with a meal ordered for `day`, by name."""
    checked = {
        c.client_id: c.at for c in check_ins_between(municipality_id, day, day, session=session)
    }
    rows: dict[int, CanteenRow] = {}
    for order, client in canteen_orders(
        municipality_id, day, session=session, pickup_point_id=pickup_point_id
    ):
        if client.id is None or client.pickup_point_id is None or not matches(query, client.name):
            continue
        seen = rows.get(client.id)  # a subscription meal and a one-off: one row, both portions
        portions = order.portions + (seen.portions if seen else 0)
        diet = seen.diet if seen else str(order.diet)
        rows[client.id] = CanteenRow(
            client.id, client.name, client.pickup_point_id, diet, portions, checked.get(client.id)
        )
    return list(rows.values())


def milk_counter(
    municipality_id: int,
    day: date,
    *,
    session: Session,
    pickup_point_id: int | None = None,
    query: str = "",
) -> list[MilkRow]:
    """Children due on `day`, by name; a guardian's name finds the child too."""
    taken = {
        c.child_id: c.at for c in collections_between(municipality_id, day, day, session=session)
    }
    due, _ = due_children(municipality_id, day, session=session, pickup_point_id=pickup_point_id)
    return [
        MilkRow(
            item.child.id,
            item.child.name,
            item.child.guardian_name,
            item.child.pickup_point_id,
            item.group,
            item.child.portions,
            taken.get(item.child.id),
        )
        for item in due
        if item.child.id is not None and matches(query, item.child.name, item.child.guardian_name)
    ]
