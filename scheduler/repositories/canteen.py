"""The canteen and the milk kitchen: canteen clients and their check-ins, milk-kitchen children
and their collections, and the prices of the two services. Every function is scoped."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from scheduler.errors import FieldProblem
from scheduler.models import (
    CanteenCheckIn,
    Client,
    ClientStatus,
    MealOrder,
    MilkChild,
    MilkCollection,
    OrderStatus,
    PickupPoint,
    ServicePrice,
)
from scheduler.models.canteen import MilkChildBase
from scheduler.refusals import Reason, problem, refuse
from scheduler.repositories.common import (
    Change,
    by_external_id,
    check_reference,
    check_weekdays,
    get_owned,
    raise_problems,
    require_text,
    save,
)

SERVICES = ("canteen", "milk_kitchen")


class MilkChildIn(MilkChildBase):
    """A child as a form or an integration writes it: the child's fields and its point's id."""

    pickup_point_id: int


# Pick-up points


def get_pickup_point(municipality_id: int, point_id: int, *, session: Session) -> PickupPoint:
    return get_owned(PickupPoint, municipality_id, point_id, session=session)


# Canteen clients and check-ins


def canteen_orders(
    municipality_id: int, day: date, *, session: Session, pickup_point_id: int | None = None
) -> list[tuple[MealOrder, Client]]:
    """The day's live orders of clients who collect at a pick-up point, by client name."""
    query = (
        select(MealOrder, Client)
        .join(Client, col(Client.id) == MealOrder.client_id)
        .where(
            MealOrder.municipality_id == municipality_id,
            Client.municipality_id == municipality_id,
            MealOrder.day == day,
            MealOrder.status == OrderStatus.ordered,
            col(Client.pickup_point_id).is_not(None),
        )
    )
    if pickup_point_id is not None:
        query = query.where(Client.pickup_point_id == pickup_point_id)
    rows = session.exec(query.order_by(col(Client.name), col(MealOrder.id))).all()
    return [(order, client) for order, client in rows]


def get_canteen_client(municipality_id: int, client_id: int, *, session: Session) -> Client:
    return get_owned(Client, municipality_id, client_id, session=session)


def check_in_of(
    municipality_id: int, client_id: int, day: date, *, session: Session
) -> CanteenCheckIn | None:
    query = select(CanteenCheckIn).where(
        CanteenCheckIn.municipality_id == municipality_id,
        CanteenCheckIn.client_id == client_id,
        CanteenCheckIn.day == day,
    )
    return session.exec(query).first()


def check_ins_between(
    municipality_id: int, first: date, last: date, *, session: Session
) -> list[CanteenCheckIn]:
    """Check-ins from `first` to `last` inclusive, by date and client."""
    query = select(CanteenCheckIn).where(
        CanteenCheckIn.municipality_id == municipality_id,
        col(CanteenCheckIn.day) >= first,
        col(CanteenCheckIn.day) <= last,
    )
    order = (col(CanteenCheckIn.day), col(CanteenCheckIn.client_id))
    return list(session.exec(query.order_by(*order)).all())


def add_check_in(municipality_id: int, row: CanteenCheckIn, *, session: Session) -> None:
    assert row.municipality_id == municipality_id
    session.add(row)
    session.flush()


# Milk-kitchen children and collections


def get_child(municipality_id: int, child_id: int, *, session: Session) -> MilkChild:
    return get_owned(MilkChild, municipality_id, child_id, session=session)


def list_children(
    municipality_id: int,
    *,
    session: Session,
    pickup_point_id: int | None = None,
    active_only: bool = False,
) -> list[MilkChild]:
    query = select(MilkChild).where(MilkChild.municipality_id == municipality_id)
    if pickup_point_id is not None:
        query = query.where(MilkChild.pickup_point_id == pickup_point_id)
    if active_only:
        query = query.where(MilkChild.status == ClientStatus.active)
    return list(session.exec(query.order_by(col(MilkChild.name), col(MilkChild.id))).all())


def upsert_child(
    municipality_id: int, data: MilkChildIn, *, session: Session
) -> tuple[MilkChild, Change]:
    """Register the child or update it; matched on external_id. A referral cannot predate
    the birth, and the point must be this town's."""
    values = data.model_dump(exclude_unset=True)
    raise_problems(
        require_text(data.external_id, "external_id")
        + require_text(data.name, "name")
        + require_text(data.referral_number, "referral_number")
        + require_text(data.guardian_name, "guardian_name")
        + _referral_after_birth(data)
        + check_reference(
            PickupPoint, municipality_id, data.pickup_point_id, "pickup_point_id", session=session
        )
    )
    existing = by_external_id(MilkChild, municipality_id, data.external_id, session=session)
    return save(session, MilkChild, existing, municipality_id, values)


def _referral_after_birth(data: MilkChildIn) -> list[FieldProblem]:
    if data.referral_date < data.birth_date:
        start = data.birth_date
        return [problem("referral_date", Reason.not_before, first="birth_date", start=start)]
    return []


def collection_of(
    municipality_id: int, child_id: int, day: date, *, session: Session
) -> MilkCollection | None:
    query = select(MilkCollection).where(
        MilkCollection.municipality_id == municipality_id,
        MilkCollection.child_id == child_id,
        MilkCollection.day == day,
    )
    return session.exec(query).first()


def collections_between(
    municipality_id: int, first: date, last: date, *, session: Session
) -> list[MilkCollection]:
    query = select(MilkCollection).where(
        MilkCollection.municipality_id == municipality_id,
        col(MilkCollection.day) >= first,
        col(MilkCollection.day) <= last,
    )
    order = (col(MilkCollection.day), col(MilkCollection.child_id))
    return list(session.exec(query.order_by(*order)).all())


def add_collection(municipality_id: int, row: MilkCollection, *, session: Session) -> None:
    assert row.municipality_id == municipality_id
    session.add(row)
    session.flush()


def children_by_id(municipality_id: int, *, session: Session) -> dict[int, MilkChild]:
    return {c.id: c for c in list_children(municipality_id, session=session) if c.id is not None}


# Prices


def service_prices(municipality_id: int, *, session: Session) -> dict[str, int]:
    """Price of one collected portion per service, in cents."""
    rows = session.exec(select(ServicePrice).where(ServicePrice.municipality_id == municipality_id))
    return {r.service: r.price_cents for r in rows}


def set_service_price(
    municipality_id: int, service: str, price_cents: int, *, session: Session
) -> ServicePrice:
    if service not in SERVICES:
        raise refuse("service", Reason.not_one_of, choices=", ".join(SERVICES))
    query = select(ServicePrice).where(
        ServicePrice.municipality_id == municipality_id, ServicePrice.service == service
    )
    row = session.exec(query).first() or ServicePrice(
        municipality_id=municipality_id, service=service, price_cents=price_cents
    )
    row.price_cents = price_cents
    session.add(row)
    session.flush()
    return row


def set_milk_weekdays(
    municipality_id: int, point_id: int, weekdays: str, *, session: Session
) -> PickupPoint:
    """The weekdays the point hands out milk-kitchen food ("" for none), normalised."""
    point = get_pickup_point(municipality_id, point_id, session=session)
    values: dict[str, object] = {"milk_weekdays": weekdays}
    if weekdays.strip():
        raise_problems(check_weekdays(values, "milk_weekdays"))
    else:
        values["milk_weekdays"] = ""
    point.milk_weekdays = str(values["milk_weekdays"])
    session.add(point)
    session.flush()
    return point
