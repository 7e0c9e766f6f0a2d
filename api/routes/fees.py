"""Prices with the date they apply from, fee reductions per client, and subscription pauses
(made, ended early, taken back): staff only (admin and dispatcher), each change audited, all
scoped to the caller's town.

The writes are functions the pages call too (`set_price_and_audit`, `pause_and_audit`,
`end_pause_and_audit`, `take_back_and_audit`), so a form and a REST call leave the same rows
and the same audit entry.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from sqlmodel import Session

from api.deps import DbSession, PageParams, RowId, Staff, now
from api.listing import page_list
from api.problems import PROBLEM_RESPONSES
from api.routes._write import audited
from api.schemas.common import Page
from api.schemas.fees import (
    PauseCreate,
    PauseEnd,
    PausePublic,
    PricePublic,
    PriceSet,
    ReductionCreate,
    ReductionPublic,
)
from scheduler.audit import audit
from scheduler.errors import NotFoundError
from scheduler.intake.orders import Actor, end_pause_early, pause_subscription, take_back_pause
from scheduler.models import SubscriptionPause
from scheduler.models.fees import DatedPrice
from scheduler.refusals import Reason, refuse
from scheduler.repositories import fees
from scheduler.repositories.clients import current_meal_subscription, get_client

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["fees"])


@router.get("/prices", response_model=Page[PricePublic])
def list_prices(caller: Staff, session: DbSession, paging: PageParams) -> Page[PricePublic]:
    """Every dated price, by service, kind (diet or age group) and date."""
    rows = fees.list_prices(caller.municipality_id, session=session)
    return page_list(rows, paging, PricePublic)


@router.post("/prices", response_model=PricePublic, status_code=status.HTTP_201_CREATED)
def set_price(body: PriceSet, caller: Staff, session: DbSession, response: Response) -> PricePublic:
    """The price of a diet (meals, canteen) or an age group (milk kitchen) from a date on;
    201 for a new price or a change, 200 when that price was already set for that date."""
    row, changed = set_price_and_audit(caller.municipality_id, caller.actor, body, session=session)
    if not changed:
        response.status_code = status.HTTP_200_OK
    return PricePublic.model_validate(row, from_attributes=True)


def set_price_and_audit(
    municipality_id: int, actor: str, body: PriceSet, *, session: Session
) -> tuple[DatedPrice, bool]:
    row, changed = fees.set_price(
        municipality_id,
        body.service,
        body.kind,
        body.valid_from,
        body.price_cents,
        session=session,
    )
    if changed:
        detail = {
            "service": row.service,
            "kind": row.kind,
            "valid_from": row.valid_from.isoformat(),
        }
        audit(
            municipality_id,
            session=session,
            actor=actor,
            action="set",
            entity="price",
            entity_id=row.id,
            detail={**detail, "price_cents": row.price_cents},
        )
    return row, changed


@router.delete("/prices/{price_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_price(price_id: RowId, caller: Staff, session: DbSession) -> Response:
    row = fees.delete_price(caller.municipality_id, price_id, session=session)
    audited(session, caller, "delete", "price", price_id, service=row.service, kind=row.kind,
            valid_from=row.valid_from.isoformat(), price_cents=row.price_cents)  # fmt: skip
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/clients/{client_id}/reductions", response_model=Page[ReductionPublic])
def list_reductions(
    client_id: RowId, caller: Staff, session: DbSession, paging: PageParams
) -> Page[ReductionPublic]:
    get_client(caller.municipality_id, client_id, session=session)
    rows = fees.list_reductions(caller.municipality_id, session=session, client_id=client_id)
    return page_list(rows, paging, ReductionPublic)


@router.post(
    "/clients/{client_id}/reductions",
    response_model=ReductionPublic,
    status_code=status.HTTP_201_CREATED,
)
def add_reduction(
    client_id: RowId, body: ReductionCreate, caller: Staff, session: DbSession
) -> ReductionPublic:
    """An exemption or reduced fee; 422 naming `start` when it overlaps one the client has."""
    given = fees.ReductionIn(
        client_id, body.start, body.end, body.percent, body.cents_off, body.reason
    )
    row = fees.add_reduction(caller.municipality_id, given, session=session)
    audited(session, caller, "create", "fee_reduction", row.id, client_id=client_id,
            percent=row.percent, cents_off=row.cents_off)  # fmt: skip
    return ReductionPublic.model_validate(row, from_attributes=True)


@router.delete("/reductions/{reduction_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_reduction(reduction_id: RowId, caller: Staff, session: DbSession) -> Response:
    row = fees.delete_reduction(caller.municipality_id, reduction_id, session=session)
    audited(session, caller, "delete", "fee_reduction", reduction_id, client_id=row.client_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/clients/{client_id}/pauses", response_model=Page[PausePublic])
def list_pauses(
    client_id: RowId, caller: Staff, session: DbSession, paging: PageParams
) -> Page[PausePublic]:
    get_client(caller.municipality_id, client_id, session=session)
    rows = fees.pauses_of_client(caller.municipality_id, client_id, session=session)
    return page_list(rows, paging, PausePublic)


@router.post(
    "/clients/{client_id}/pauses", response_model=PausePublic, status_code=status.HTTP_201_CREATED
)
def add_pause(
    client_id: RowId, body: PauseCreate, caller: Staff, session: DbSession
) -> PausePublic:
    """No meals from `start` to `end`; the orders already made for those days are cancelled
    (after the cut-off only as the dispatcher's forced change, as a cancellation is)."""
    by = Actor(name=caller.actor, role=caller.role)
    row = pause_and_audit(caller.municipality_id, by, client_id, body, session=session)
    return PausePublic.model_validate(row, from_attributes=True)


def pause_and_audit(
    municipality_id: int, by: Actor, client_id: int, body: PauseCreate, *, session: Session
) -> SubscriptionPause:
    get_client(municipality_id, client_id, session=session)
    sub = current_meal_subscription(municipality_id, client_id, on=body.start, session=session)
    if sub is None or sub.id is None:
        raise refuse("start", Reason.no_subscription_that_day)
    pause = pause_subscription(
        municipality_id, sub.id, body.start, body.end, session=session, by=by, reason=body.reason
    )
    audit(
        municipality_id,
        session=session,
        actor=by.name,
        action="pause",
        entity="subscription",
        entity_id=sub.id,
        detail={
            "client_id": client_id,
            "start": body.start.isoformat(),
            "end": body.end.isoformat(),
            "reason": body.reason,
        },
    )
    return pause


@router.patch("/clients/{client_id}/pauses/{pause_id}", response_model=PausePublic)
def end_pause(
    request: Request,
    client_id: RowId,
    pause_id: RowId,
    body: PauseEnd,
    caller: Staff,
    session: DbSession,
) -> PausePublic:
    """End the pause early: the days after `end` have their meals again (the orders the pause
    cancelled placed again, missing ones made). 422 naming `end` when it is not earlier than
    the pause's end, before its start, or gives back a day whose cut-off has passed (unless a
    dispatcher forces it); the message names the earliest day the pause can end on."""
    by = Actor(name=caller.actor, role=caller.role, force=body.force, now=now(request))
    row = end_pause_and_audit(caller.municipality_id, by, client_id, pause_id, body.end,
                              session=session)  # fmt: skip
    return PausePublic.model_validate(row, from_attributes=True)


@router.delete("/clients/{client_id}/pauses/{pause_id}", status_code=status.HTTP_204_NO_CONTENT)
def take_back(
    request: Request,
    client_id: RowId,
    pause_id: RowId,
    caller: Staff,
    session: DbSession,
    force: Annotated[bool, Query(description="Past the cut-off (dispatchers only).")] = False,
) -> Response:
    """Take back a pause that has not begun: all its days have their meals again. 422 naming
    `start` when its first day has passed or closed (end a begun pause early instead)."""
    by = Actor(name=caller.actor, role=caller.role, force=force, now=now(request))
    take_back_and_audit(caller.municipality_id, by, client_id, pause_id, session=session)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _client_pause(
    municipality_id: int, client_id: int, pause_id: int, *, session: Session
) -> SubscriptionPause:
    """The pause, when it is one of this client's in the caller's town; else 404."""
    get_client(municipality_id, client_id, session=session)
    for pause in fees.pauses_of_client(municipality_id, client_id, session=session):
        if pause.id == pause_id:
            return pause
    raise NotFoundError("pause", pause_id)


def end_pause_and_audit(
    municipality_id: int,
    by: Actor,
    client_id: int,
    pause_id: int,
    end: date,
    *,
    session: Session,
) -> SubscriptionPause:
    row = _client_pause(municipality_id, client_id, pause_id, session=session)
    was = (row.start, row.end)
    pause = end_pause_early(municipality_id, pause_id, end, session=session, by=by)
    if pause.end != was[1]:
        audit(
            municipality_id,
            session=session,
            actor=by.name,
            action="end_early",
            entity="pause",
            entity_id=pause_id,
            detail={"client_id": client_id, "start": was[0].isoformat(), "end": was[1].isoformat(),
                    "new_end": pause.end.isoformat(), "forced": by.force},
        )  # fmt: skip
    return pause


def take_back_and_audit(
    municipality_id: int, by: Actor, client_id: int, pause_id: int, *, session: Session
) -> SubscriptionPause:
    _client_pause(municipality_id, client_id, pause_id, session=session)
    pause = take_back_pause(municipality_id, pause_id, session=session, by=by)
    audit(
        municipality_id,
        session=session,
        actor=by.name,
        action="take_back",
        entity="pause",
        entity_id=pause_id,
        detail={"client_id": client_id, "start": pause.start.isoformat(),
                "end": pause.end.isoformat(), "reason": pause.reason, "forced": by.force},
    )  # fmt: skip
    return pause
