"""Dated prices, fee reductions per client, and the pauses of a client's meal subscription.

A dated price belongs to a service and a kind of portion: a diet for meals and the canteen, an
age group for the milk kitchen (the group of the child on the day collected)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from scheduler.age_groups import GROUP_NAMES
from scheduler.models import Diet, MealSubscription, SubscriptionPause
from scheduler.models.fees import DatedPrice, FeeReduction
from scheduler.refusals import Reason, refuse
from scheduler.repositories.clients import get_client
from scheduler.repositories.common import get_owned
from scheduler.wording import term

MEALS = "meals"
CANTEEN = "canteen"
MILK_KITCHEN = "milk_kitchen"  # the name the undated price and the month's report use too
SERVICES = (MEALS, CANTEEN, MILK_KITCHEN)


def kinds_of(service: str) -> tuple[str, ...]:
    """What a service prices: diets (meals, canteen) or age groups (milk kitchen)."""
    if service not in SERVICES:
        raise refuse("service", Reason.not_one_of, choices=", ".join(SERVICES))
    return GROUP_NAMES if service == MILK_KITCHEN else tuple(d.value for d in Diet)


def list_prices(municipality_id: int, *, session: Session) -> list[DatedPrice]:
    query = select(DatedPrice).where(DatedPrice.municipality_id == municipality_id)
    order = (col(DatedPrice.service), col(DatedPrice.kind), col(DatedPrice.valid_from))
    return list(session.exec(query.order_by(*order)).all())


def set_price(
    municipality_id: int,
    service: str,
    kind: str,
    valid_from: date,
    price_cents: int,
    *,
    session: Session,
) -> tuple[DatedPrice, bool]:
    """The price of `kind` from `valid_from` on (replacing one set for that same date);
    False when it already was `price_cents`."""
    kinds = kinds_of(service)
    if kind not in kinds:
        raise refuse(
            "kind", Reason.kind_not_of_service, choices=", ".join(kinds), service=term(service),
            value=repr(kind),
        )  # fmt: skip
    if price_cents < 0:
        raise refuse("price_cents", Reason.negative)
    query = select(DatedPrice).where(
        DatedPrice.municipality_id == municipality_id,
        DatedPrice.service == service,
        DatedPrice.kind == kind,
        DatedPrice.valid_from == valid_from,
    )
    row = session.exec(query).first()
    if row is not None and row.price_cents == price_cents:
        return row, False
    row = row or DatedPrice(
        municipality_id=municipality_id,
        service=service,
        kind=kind,
        valid_from=valid_from,
        price_cents=price_cents,
    )
    row.price_cents = price_cents
    session.add(row)
    session.flush()
    return row, True


def delete_price(municipality_id: int, price_id: int, *, session: Session) -> DatedPrice:
    row = get_owned(DatedPrice, municipality_id, price_id, session=session)
    session.delete(row)
    session.flush()
    return row


@dataclass(frozen=True)
class ReductionIn:
    client_id: int
    start: date
    end: date | None
    percent: int | None
    cents_off: int | None
    reason: str = ""


def list_reductions(
    municipality_id: int, *, session: Session, client_id: int | None = None
) -> list[FeeReduction]:
    query = select(FeeReduction).where(FeeReduction.municipality_id == municipality_id)
    if client_id is not None:
        query = query.where(FeeReduction.client_id == client_id)
    order = (col(FeeReduction.client_id), col(FeeReduction.start))
    return list(session.exec(query.order_by(*order)).all())


def add_reduction(municipality_id: int, given: ReductionIn, *, session: Session) -> FeeReduction:
    """A reduction of one client; refused when it overlaps one the client already has (the
    statement could not say which applies)."""
    if (given.percent is None) == (given.cents_off is None):
        raise refuse("percent", Reason.one_not_both, first="percent", second="cents_off")
    if given.end is not None and given.end < given.start:
        raise refuse("end", Reason.end_before_start, end=given.end, start=given.start)
    get_client(municipality_id, given.client_id, session=session)
    for other in list_reductions(municipality_id, session=session, client_id=given.client_id):
        if _overlap(other.start, other.end, given.start, given.end):
            raise refuse("start", Reason.overlaps_reduction, start=other.start)
    row = FeeReduction(
        municipality_id=municipality_id,
        client_id=given.client_id,
        start=given.start,
        end=given.end,
        percent=given.percent,
        cents_off=given.cents_off,
        reason=given.reason[:200],
    )
    session.add(row)
    session.flush()
    return row


def _overlap(a0: date, a1: date | None, b0: date, b1: date | None) -> bool:
    return (a1 is None or b0 <= a1) and (b1 is None or a0 <= b1)


def delete_reduction(municipality_id: int, reduction_id: int, *, session: Session) -> FeeReduction:
    row = get_owned(FeeReduction, municipality_id, reduction_id, session=session)
    session.delete(row)
    session.flush()
    return row


def pauses_of_client(
    municipality_id: int, client_id: int, *, session: Session
) -> list[SubscriptionPause]:
    """Every pause of the client's meal subscriptions, earliest first."""
    query = (
        select(SubscriptionPause)
        .join(MealSubscription, col(MealSubscription.id) == SubscriptionPause.subscription_id)
        .where(
            SubscriptionPause.municipality_id == municipality_id,
            MealSubscription.municipality_id == municipality_id,
            MealSubscription.client_id == client_id,
        )
    )
    return list(session.exec(query.order_by(col(SubscriptionPause.start))).all())
