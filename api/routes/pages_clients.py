"""The office's client screens (dispatcher and admin): the list with search and filters, a new
client, a client's record with their meal subscription and the one-off orders and
cancellations of a date.

Each form calls what its REST call does (api/routes/clients.py and orders.py: the same
functions, the same audit rows and events). A refusal redraws the page with 422, the field
named in the reader's words and what was typed kept; nothing is written.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.csrf import form_token
from api.deps import DbSession, RowId, now
from api.forms import (
    REFUSALS,
    WEEKDAYS,
    Refusal,
    blank_to_none,
    day_or_none,
    posted,
    reference,
    refusal,
    ticked_weekdays,
    weekdays_of,
)
from api.pages import BoardUser, PageUser
from api.routes.clients import (
    create_client_and_audit,
    end_subscription_and_audit,
    set_subscription_and_audit,
    update_client_and_audit,
)
from api.schemas.clients import ClientChange, ClientCreate, SubscriptionEnd, SubscriptionSet
from api.templating import render
from scheduler.errors import CutoffPassedError
from scheduler.intake.calendar import local_today
from scheduler.intake.orders import Actor, cancel_order, place_order
from scheduler.models import Client, ClientStatus, Diet
from scheduler.refusals import Reason, refuse
from scheduler.repositories.clients import get_client, list_meal_subscriptions
from scheduler.repositories.fleet import list_kitchens, list_pickup_points
from scheduler.repositories.meals import select_orders
from scheduler.views.client_list import ClientFilter, ClientService, find_clients, villages
from scheduler.views.paging import window

router = APIRouter(include_in_schema=False)
FORM = [Depends(form_token)]
PER_PAGE = 50
Short = Annotated[str, Form(max_length=64)]
Text = Annotated[str, Form(max_length=255)]
# The form's label of each field a refusal may name, so the message speaks the page's words.
LABELS = {
    "external_id": "Reference number",
    "name": "Name",
    "address": "Address",
    "village": "Village",
    "lat": "Latitude",
    "lon": "Longitude",
    "phone": "Phone",
    "diet": "Diet",
    "notes": "Notes for the driver",
    "consent_date": "Consent date",
    "status": "Status",
    "service": "Service",
    "kitchen_id": "Service",
    "pickup_point_id": "Service",
    "weekdays": "Weekdays",
    "portions": "Portions",
    "start": "From",
    "last_day": "Until",
    "until": "Until",
    "day": "Date",
    "client": "Client",
}
CLIENT_FIELDS = ("name", "address", "village", "lat", "lon", "phone", "diet", "notes")


def _one_of(choices: type[StrEnum]) -> str:
    """A filter's pattern: one of the values, or empty (the form's "All")."""
    return "^(|" + "|".join(c.value for c in choices) + ")$"


@router.get("/clients", response_class=HTMLResponse)
def clients_page(
    request: Request,
    page: BoardUser,
    session: DbSession,
    q: Annotated[str, Query(max_length=120)] = "",
    service: Annotated[str, Query(pattern=_one_of(ClientService))] = "",
    diet: Annotated[str, Query(pattern=_one_of(Diet))] = "",
    village: Annotated[str, Query(max_length=80)] = "",
    status: Annotated[str, Query(pattern=_one_of(ClientStatus))] = "",
    alone: Annotated[str, Query(pattern="^(|yes|no)$")] = "",
    p: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """The municipality's clients, found by name or address in any script, page by page."""
    mid = page.municipality_id
    lives_alone = {"yes": True, "no": False}.get(alone)
    wanted = ClientFilter(
        q,
        ClientService(service) if service else None,
        Diet(diet) if diet else None,
        village,
        ClientStatus(status) if status else None,
        lives_alone,
    )
    found = find_clients(mid, wanted, offset=(p - 1) * PER_PAGE, limit=PER_PAGE, session=session)
    shown = {"q": q, "service": service, "diet": diet, "village": village, "status": status,
             "alone": alone}  # fmt: skip
    context = {
        "page": page,
        "clients": found.rows,
        "total": found.total,
        "number": p,
        "pages": max(1, -(-found.total // PER_PAGE)),
        "shown": shown,
        "query": {k: v for k, v in shown.items() if v},
        "services": list(ClientService),
        "diets": list(Diet),
        "statuses": list(ClientStatus),
        "villages": villages(mid, session=session),
    }
    return render(request, "clients.html", page.t, context)


@router.get("/clients/new", response_class=HTMLResponse)
def new_client_page(request: Request, page: BoardUser, session: DbSession) -> Response:
    return _client_page(request, page, session, None)


@router.post("/clients/new", response_class=HTMLResponse, dependencies=FORM)
async def new_client_form(request: Request, page: BoardUser, session: DbSession) -> Response:
    given = await posted(request)
    try:
        body = ClientCreate.model_validate(
            {**_client_values(page, session, given), "external_id": reference(given, "C")}
        )
        row = create_client_and_audit(page, body, session=session)
    except REFUSALS as exc:
        session.rollback()
        return _client_page(request, page, session, None, _words(page, exc), given)
    return RedirectResponse(f"/clients/{row.id}", status_code=303)


@router.get("/clients/{client_id:int}", response_class=HTMLResponse)
def client_page(
    request: Request, client_id: RowId, page: BoardUser, session: DbSession
) -> Response:
    client = get_client(page.municipality_id, client_id, session=session)
    return _client_page(request, page, session, client)


@router.post("/clients/{client_id:int}", response_class=HTMLResponse, dependencies=FORM)
async def client_form(
    request: Request, client_id: RowId, page: BoardUser, session: DbSession
) -> Response:
    client = get_client(page.municipality_id, client_id, session=session)
    given = await posted(request)
    try:
        values = {**_client_values(page, session, given), "status": given.get("status") or None}
        update_client_and_audit(
            page, client_id, ClientChange.model_validate(values), session=session
        )
    except REFUSALS as exc:
        session.rollback()
        return _client_page(request, page, session, client, _words(page, exc), given)
    return RedirectResponse(f"/clients/{client_id}", status_code=303)


@router.post(
    "/clients/{client_id:int}/subscription", response_class=HTMLResponse, dependencies=FORM
)
def subscription_form(
    request: Request,
    client_id: RowId,
    page: BoardUser,
    session: DbSession,
    start: Short,
    weekday: Annotated[list[str], Form(max_length=7)] = [],  # noqa: B006 (FastAPI copies it)
    diet: Short = "general",
    portions: Short = "1",
    until: Short = "",
) -> Response:
    client = get_client(page.municipality_id, client_id, session=session)
    given = {"start": start, "weekday": weekdays_of(weekday), "sub_diet": diet,
             "portions": portions, "until": until}  # fmt: skip
    try:
        body = SubscriptionSet.model_validate(
            {"weekdays": weekdays_of(weekday), "diet": diet, "portions": portions, "start": start}
        )
        last_day = day_or_none(until, "until")
        set_subscription_and_audit(page, client_id, body, session=session)
        if last_day is not None:
            if last_day < body.start:
                raise refuse("until", Reason.not_before_first_day)
            end = SubscriptionEnd(last_day=last_day)
            end_subscription_and_audit(page, client_id, end, session=session)
    except REFUSALS as exc:
        session.rollback()
        return _client_page(request, page, session, client, _words(page, exc), given)
    return RedirectResponse(f"/clients/{client_id}#subscription", status_code=303)


@router.post("/clients/{client_id:int}/orders", response_class=HTMLResponse, dependencies=FORM)
def order_form(
    request: Request,
    client_id: RowId,
    page: BoardUser,
    session: DbSession,
    day: Short,
    action: Annotated[str, Form(pattern="^(order|cancel)$")] = "order",
    portions: Short = "1",
    diet: Short = "",
) -> Response:
    """A one-off meal on a date, or no meal that date; refused past the cut-off, as REST is."""
    client = get_client(page.municipality_id, client_id, session=session)
    given = {"day": day, "order_portions": portions, "order_diet": diet}
    by = Actor(name=page.actor, role=page.user.role)
    try:
        when = day_or_none(day, "day")
        if when is None:
            raise refuse("day", Reason.required)
        if action == "cancel":
            cancel_order(page.municipality_id, client_id, when, session=session, by=by)
        else:
            amount = _whole(portions, "portions")
            chosen = Diet(diet) if diet in Diet.__members__ else None
            place_order(page.municipality_id, client_id, when, session=session, by=by,
                        diet=chosen, portions=amount)  # fmt: skip
    except REFUSALS as exc:
        session.rollback()
        return _client_page(request, page, session, client, _words(page, exc), given)
    except CutoffPassedError as exc:
        session.rollback()
        closed = page.t.gettext("Orders for %(day)s are closed; the earliest date is %(next)s.")
        words = closed % {"day": page.t.day(exc.day), "next": page.t.day(exc.next_day)}
        return _client_page(request, page, session, client, words, given)
    return RedirectResponse(f"/clients/{client_id}#orders", status_code=303)


def _client_values(page: PageUser, session: DbSession, given: dict[str, str]) -> dict[str, Any]:
    """The client's fields from the form, the service choice read as a kitchen or a point."""
    values: dict[str, Any] = blank_to_none({k: given.get(k, "") for k in CLIENT_FIELDS})
    for text in ("address", "village", "phone", "notes"):
        values[text] = values[text] or ""
    values["diet"] = values["diet"] or Diet.general
    values["lives_alone"] = given.get("lives_alone") == "yes"
    values["consent_date"] = day_or_none(given.get("consent_date", ""), "consent_date")
    values.update(_service(page, session, given.get("service", "")))
    return values


def _service(page: PageUser, session: DbSession, choice: str) -> dict[str, int | None]:
    """ "kitchen:3": meals brought from kitchen 3; "point:2": eats at pick-up point 2 (its
    kitchen cooks); "": neither, so a van brings meals from the nearest kitchen."""
    kind, _, number = choice.partition(":")
    if not choice:
        return {"kitchen_id": None, "pickup_point_id": None}
    mid = page.municipality_id
    kitchens = list_kitchens(mid, session=session)
    if kind == "kitchen" and number.isdigit() and any(k.id == int(number) for k in kitchens):
        return {"kitchen_id": int(number), "pickup_point_id": None}
    if kind == "point" and number.isdigit():
        for point in list_pickup_points(mid, session=session):
            if point.id == int(number):
                return {"kitchen_id": point.kitchen_id, "pickup_point_id": point.id}
    raise refuse("service", Reason.no_place_for_service, value=repr(choice))


def _whole(text: str, field: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise refuse(field, Reason.not_a_whole_number, value=repr(text)) from None


def _words(page: PageUser, exc: Refusal) -> str:
    return refusal(page.t, LABELS, exc)


def _client_page(
    request: Request,
    page: PageUser,
    session: DbSession,
    client: Client | None,
    problem: str = "",
    given: dict[str, str] | None = None,
) -> Response:
    """A new client's form (no client) or a client's record, with their subscription and
    orders; after a refusal, the message and what was typed (to correct, not retype)."""
    mid = page.municipality_id
    context: dict[str, Any] = {
        "page": page,
        "client": client,
        "problem": problem,
        "given": given or {},
        "diets": list(Diet),
        "statuses": list(ClientStatus),
        "weekday_names": WEEKDAYS,
        "ticked": ticked_weekdays("Mon-Fri"),
        "kitchens": list_kitchens(mid, session=session),
        "points": list_pickup_points(mid, session=session),
        "subscriptions": [],
        "orders": [],
    }
    if client is not None and client.id is not None:
        subscriptions = list_meal_subscriptions(mid, session=session, client_id=client.id)
        context["subscriptions"] = subscriptions
        if subscriptions:  # a new subscription starts from the terms of the last one
            context["ticked"] = ticked_weekdays(subscriptions[-1].weekdays)
        today = local_today(page.town.timezone, now(request))
        query = select_orders(mid, client_id=client.id, date_from=today)
        context["orders"] = window(query, offset=0, limit=30, session=session).rows
    code = 422 if problem else 200
    return render(request, "client_edit.html", page.t, context, status_code=code)
