"""The office's fee screens (dispatcher and admin): the prices of each service with the date each
applies from, and a client's pauses (ended early or taken back) and reductions.

Each form does what its REST call does (api/routes/fees.py: the same functions, the same audit
rows). Bad input redraws the page with 422 and the field named, and writes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.csrf import form_token
from api.deps import DbSession, RowId, now
from api.forms import REFUSALS, refusal
from api.pages import BoardUser, PageUser
from api.routes.fees import (
    end_pause_and_audit,
    pause_and_audit,
    set_price_and_audit,
    take_back_and_audit,
)
from api.schemas.fees import PauseCreate, PriceSet
from api.templating import render
from scheduler.age_groups import GROUP_NAMES
from scheduler.audit import audit
from scheduler.intake.calendar import local_today
from scheduler.intake.cutoff import next_open_day
from scheduler.intake.delivery_days import delivery_calendar
from scheduler.intake.orders import Actor
from scheduler.models import Diet
from scheduler.refusals import Reason, refuse
from scheduler.repositories import fees
from scheduler.repositories.canteen import service_prices
from scheduler.repositories.clients import get_client
from scheduler.repositories.meals import meal_prices

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]
FORM = [Depends(form_token)]


def cents_of(text: str, field: str) -> int:
    """ "4.20" or "4,20" (as offices write money) to 420 cents."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise refuse(field, Reason.not_an_amount, value=repr(text)) from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise refuse(field, Reason.not_an_amount, value=repr(text))
    return int(value * 100)


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise refuse(field, Reason.not_a_date, value=repr(text)) from None


# The form's label of each field a refusal may name, so the message speaks the page's words.
LABELS = {
    "service": "Service",
    "kind": "Diet or age group",
    "valid_from": "Valid from",
    "price": "Price",
    "price_cents": "Price",
    "start": "From",
    "end": "Until",
    "amount": "Amount",
    "percent": "Amount",
    "reason": "Reason",
    "force": "Past the cut-off",
    "role": "Past the cut-off",
}


@router.get("/prices", response_class=HTMLResponse)
def prices_page(request: Request, page: BoardUser, session: DbSession) -> Response:
    return _prices(request, page, session)


def _prices(
    request: Request,
    page: PageUser,
    session: DbSession,
    problem: str = "",
    given: dict[str, str] | None = None,
) -> Response:
    """The page; after a refusal, with the message and what was typed (to correct, not retype)."""
    mid = page.municipality_id
    collected = service_prices(mid, session=session)
    undated = [
        (fees.MEALS, diet, cents)
        for diet, cents in sorted(meal_prices(mid, session=session).items())
    ]
    undated += [
        (service, "", collected[service]) for service in fees.SERVICES if service in collected
    ]
    context = {
        "given": given or {},
        "page": page,
        "prices": fees.list_prices(mid, session=session),
        "undated": undated,
        "services": fees.SERVICES,
        "diets": list(Diet),
        "groups": GROUP_NAMES,
        "problem": problem,
    }
    return render(request, "prices.html", page.t, context, status_code=422 if problem else 200)


@router.post("/prices", response_class=HTMLResponse, dependencies=FORM)
def price_form(
    request: Request,
    page: BoardUser,
    session: DbSession,
    kind: Annotated[str, Form(max_length=32)],
    valid_from: Annotated[str, Form(max_length=10)],
    price: Annotated[str, Form(max_length=20)],
    service: Annotated[str, Form(max_length=32)] = fees.MEALS,
) -> Response:
    given = {"service": service, "kind": kind, "valid_from": valid_from, "price": price}
    try:
        fees.kinds_of(service)  # an unknown service named as the form's field, not pydantic's
        body = PriceSet.model_validate(
            {
                "service": service,
                "kind": kind,
                "valid_from": _date(valid_from, "valid_from"),
                "price_cents": cents_of(price, "price"),
            }
        )
        set_price_and_audit(page.municipality_id, page.actor, body, session=session)
    except REFUSALS as exc:
        session.rollback()
        return _prices(request, page, session, refusal(page.t, LABELS, exc), given)
    return RedirectResponse("/prices", status_code=303)


@router.post("/prices/{price_id}/delete", response_class=HTMLResponse, dependencies=FORM)
def delete_price_form(price_id: RowId, page: BoardUser, session: DbSession) -> Response:
    row = fees.delete_price(page.municipality_id, price_id, session=session)
    audit(page.municipality_id, session=session, actor=page.actor, action="delete",
          entity="price", entity_id=price_id,
          detail={"service": row.service, "kind": row.kind})  # fmt: skip
    return RedirectResponse("/prices", status_code=303)


@router.get("/clients/{client_id}/fees", response_class=HTMLResponse)
def client_fees_page(
    request: Request, client_id: RowId, page: BoardUser, session: DbSession
) -> Response:
    return _client(request, page, client_id, session)


def _client(
    request: Request, page: PageUser, client_id: int, session: DbSession, problem: str = ""
) -> Response:
    mid = page.municipality_id
    at = now(request)
    today = local_today(page.town.timezone, at)
    # The first day meals can come back without forcing: a pause ends the day before, at best.
    calendar = delivery_calendar(session, page.town)
    earliest = next_open_day(page.town, today - timedelta(days=1), at, calendar)
    pauses = fees.pauses_of_client(mid, client_id, session=session)
    context = {
        "page": page,
        "client": get_client(mid, client_id, session=session),
        "pauses": pauses,
        "ends": {p.id: max(p.start, earliest - timedelta(days=1)) for p in pauses},
        "earliest": earliest,
        "today": today,
        "reductions": fees.list_reductions(mid, session=session, client_id=client_id),
        "problem": problem,
    }
    code = 422 if problem else 200
    return render(request, "client_fees.html", page.t, context, status_code=code)


@router.post("/clients/{client_id}/pauses", response_class=HTMLResponse, dependencies=FORM)
def pause_form(
    request: Request,
    client_id: RowId,
    page: BoardUser,
    session: DbSession,
    start: Annotated[str, Form(max_length=10)],
    end: Annotated[str, Form(max_length=10)],
    reason: Text = "",
) -> Response:
    by = Actor(name=page.actor, role=page.user.role)
    try:
        body = PauseCreate(start=_date(start, "start"), end=_date(end, "end"), reason=reason)
        pause_and_audit(page.municipality_id, by, client_id, body, session=session)
    except REFUSALS as exc:
        session.rollback()
        return _client(request, page, client_id, session, refusal(page.t, LABELS, exc))
    return RedirectResponse(f"/clients/{client_id}/fees", status_code=303)


@router.post(
    "/clients/{client_id}/pauses/{pause_id}/end", response_class=HTMLResponse, dependencies=FORM
)
def end_pause_form(
    request: Request,
    client_id: RowId,
    pause_id: RowId,
    page: BoardUser,
    session: DbSession,
    end: Annotated[str, Form(max_length=10)],
    force: Annotated[bool, Form()] = False,
) -> Response:
    """The client is back early: the pause ends on `end`, the days after it have meals again."""
    by = Actor(name=page.actor, role=page.user.role, force=force, now=now(request))
    try:
        day = _date(end, "end")
        end_pause_and_audit(page.municipality_id, by, client_id, pause_id, day, session=session)
    except REFUSALS as exc:
        session.rollback()
        return _client(request, page, client_id, session, refusal(page.t, LABELS, exc))
    return RedirectResponse(f"/clients/{client_id}/fees", status_code=303)


@router.post(
    "/clients/{client_id}/pauses/{pause_id}/delete",
    response_class=HTMLResponse,
    dependencies=FORM,
)
def take_back_form(
    request: Request,
    client_id: RowId,
    pause_id: RowId,
    page: BoardUser,
    session: DbSession,
    force: Annotated[bool, Form()] = False,
) -> Response:
    """A pause not begun is taken back: all its days have meals again."""
    by = Actor(name=page.actor, role=page.user.role, force=force, now=now(request))
    try:
        take_back_and_audit(page.municipality_id, by, client_id, pause_id, session=session)
    except REFUSALS as exc:
        session.rollback()
        return _client(request, page, client_id, session, refusal(page.t, LABELS, exc))
    return RedirectResponse(f"/clients/{client_id}/fees", status_code=303)


@router.post("/clients/{client_id}/reductions", response_class=HTMLResponse, dependencies=FORM)
def reduction_form(
    request: Request,
    client_id: RowId,
    page: BoardUser,
    session: DbSession,
    start: Annotated[str, Form(max_length=10)],
    amount: Annotated[str, Form(max_length=20)],
    kind: Annotated[str, Form(pattern="^(percent|cents_off)$")] = "percent",
    end: Annotated[str, Form(max_length=10)] = "",
    reason: Text = "",
) -> Response:
    try:
        value = cents_of(amount, "amount")
        percent: int | None = value // 100 if kind == "percent" else None
        off: int | None = None if kind == "percent" else value
        if kind == "percent" and (value % 100 or not 1 <= value // 100 <= 100):
            raise refuse("amount", Reason.not_a_percentage)
        given = fees.ReductionIn(
            client_id, _date(start, "start"), _date(end, "end") if end else None,
            percent, off, reason,
        )  # fmt: skip
        row = fees.add_reduction(page.municipality_id, given, session=session)
    except REFUSALS as exc:
        session.rollback()
        return _client(request, page, client_id, session, refusal(page.t, LABELS, exc))
    audit(page.municipality_id, session=session, actor=page.actor, action="create",
          entity="fee_reduction", entity_id=row.id,
          detail={"client_id": client_id, "percent": percent, "cents_off": off})  # fmt: skip
    return RedirectResponse(f"/clients/{client_id}/fees", status_code=303)
