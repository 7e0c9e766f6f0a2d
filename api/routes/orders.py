"""`/v1/orders`: the day's meal orders; one-off orders and cancellations under the cut-off."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.deps import Caller, DbSession, PageParams, Staff
from api.listing import page_of
from api.problems import PROBLEM_RESPONSES
from api.schemas.common import Page
from api.schemas.orders import OrderCancel, OrderCreate, OrderPublic
from scheduler.intake.orders import Actor, cancel_order, place_order
from scheduler.models import OrderStatus
from scheduler.models.fields import Day
from scheduler.repositories.meals import select_orders

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["orders"])


def _actor(caller: Caller, force: bool, request_id: str) -> Actor:
    return Actor(name=caller.actor, role=caller.role, force=force, key=request_id or None)


@router.get("/orders", response_model=Page[OrderPublic])
def list_orders(
    caller: Staff,
    session: DbSession,
    paging: PageParams,
    day: Day | None = None,
    date_from: Annotated[Day | None, Query(alias="from")] = None,
    date_to: Annotated[Day | None, Query(alias="to")] = None,
    status: OrderStatus | None = None,
    client_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Page[OrderPublic]:
    query = select_orders(
        caller.municipality_id,
        day=day,
        date_from=date_from,
        date_to=date_to,
        status=status,
        client_id=client_id,
    )
    return page_of(session, query, paging, OrderPublic)


@router.post("/orders", response_model=OrderPublic, status_code=status.HTTP_201_CREATED)
def create_order(body: OrderCreate, caller: Staff, session: DbSession) -> OrderPublic:
    """A one-off meal; refused after the cut-off unless forced by a dispatcher."""
    order = place_order(
        caller.municipality_id,
        body.client_id,
        body.day,
        session=session,
        by=_actor(caller, body.force, body.request_id),
        diet=body.diet,
        portions=body.portions,
    )
    return OrderPublic.model_validate(order, from_attributes=True)


@router.post("/orders/cancel", response_model=list[OrderPublic])
def cancel(body: OrderCancel, caller: Staff, session: DbSession) -> list[OrderPublic]:
    """Cancel a client's meals on a day (subscription and one-off)."""
    orders = cancel_order(
        caller.municipality_id,
        body.client_id,
        body.day,
        session=session,
        by=_actor(caller, body.force, body.request_id),
    )
    return [OrderPublic.model_validate(o, from_attributes=True) for o in orders]
