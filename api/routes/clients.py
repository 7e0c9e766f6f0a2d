"""`/v1/clients` and subscriptions: staff only, since a client's record is sensitive data.

Exports and erasures go to the audit log with the person who asked for them. The writes are
functions the client screens call too (api/routes/pages_clients.py), so a form and a REST call
leave the same rows and the same audit entry.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlmodel import Session

from api.deps import Admin, DbSession, PageParams, RowId, Staff
from api.listing import page_list
from api.problems import PROBLEM_RESPONSES
from api.routes._write import Who, audited
from api.schemas.clients import (
    AddressToCheck,
    ClientChange,
    ClientCreate,
    ClientExport,
    ClientPublic,
    Ended,
    LocationSet,
    SubscriptionEnd,
    SubscriptionPublic,
    SubscriptionSet,
)
from api.schemas.common import Page
from scheduler import privacy
from scheduler.audit import audit
from scheduler.intake import addresses
from scheduler.models import Client, ClientStatus, Diet, MealSubscription
from scheduler.models.fields import Day
from scheduler.refusals import Reason, refuse
from scheduler.repositories import clients as repo
from scheduler.repositories.addresses import clients_to_check
from scheduler.repositories.clients import ClientIn
from scheduler.repositories.tenancy import get_municipality
from scheduler.views.client_list import ClientFilter, ClientService, find_clients

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["clients"])
KitchenId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


@router.get("/clients", response_model=Page[ClientPublic])
def list_clients(
    caller: Staff,
    session: DbSession,
    paging: PageParams,
    status: ClientStatus | None = None,
    kitchen_id: KitchenId = None,
    q: Annotated[
        str, Query(max_length=120, description="Part of the name or address, any script.")
    ] = "",
    service: ClientService | None = None,
    diet: Diet | None = None,
    village: Annotated[str, Query(max_length=80)] = "",
    lives_alone: bool | None = None,
) -> Page[ClientPublic]:
    """The clients by external id, filtered as the clients screen filters them."""
    wanted = ClientFilter(q, service, diet, village, status, lives_alone, kitchen_id)
    found = find_clients(
        caller.municipality_id, wanted, offset=0, limit=2**31, session=session, by_name=False
    )
    return page_list(found.rows, paging, ClientPublic)


@router.post("/clients", response_model=ClientPublic, status_code=status.HTTP_201_CREATED)
def create_client(body: ClientCreate, caller: Staff, session: DbSession) -> ClientPublic:
    row = create_client_and_audit(caller, body, session=session)
    return ClientPublic.model_validate(row, from_attributes=True)


def create_client_and_audit(who: Who, body: ClientCreate, *, session: Session) -> Client:
    """A new client (an external id already taken is refused, naming it). Without lon and
    lat, the address is looked up: see `address_check` in the answer."""
    mid = who.municipality_id
    if repo.get_client_by_external_id(mid, body.external_id, session=session):
        raise refuse("external_id", Reason.already_exists, value=repr(body.external_id))
    given = None if body.lon is None or body.lat is None else (body.lon, body.lat)
    if given is None and (body.lon, body.lat) != (None, None):
        raise refuse("lat" if body.lat is None else "lon", Reason.coordinates_needed)
    if given is None and not body.address.strip():
        raise refuse("address", Reason.address_needed)
    lon, lat = given or addresses.NO_PLACE
    data = ClientIn.model_validate({**body.model_dump(exclude_unset=True), "lon": lon, "lat": lat})
    row, _ = repo.upsert_client(mid, data, session=session)
    if given is None:
        _look_up(mid, row, session=session)
    audited(session, who, "create", "client", row.id, address_check=row.address_check)
    return row


def _look_up(municipality_id: int, row: Client, *, session: DbSession) -> None:
    """The client's address to a place now, or flagged (pending when no geocoder answers)."""
    assert row.id is not None
    addresses.mark_pending(row, session=session)
    town = get_municipality(municipality_id, session=session)
    addresses.locate_clients(
        town, session=session, geocoder=addresses.default_geocoder(), ids=[row.id]
    )


@router.get("/clients/addresses", response_model=list[AddressToCheck])
def addresses_to_check(caller: Staff, session: DbSession) -> list[AddressToCheck]:
    """Clients whose place is to check (left out of plans until placed), with candidates."""
    return to_check(caller.municipality_id, session=session)


def to_check(municipality_id: int, *, session: DbSession) -> list[AddressToCheck]:
    town = get_municipality(municipality_id, session=session)
    found = []
    for client in clients_to_check(municipality_id, session=session):
        places = addresses.candidates(town, client, session=session)
        found.append(
            AddressToCheck.model_validate(
                {
                    **client.model_dump(),
                    "candidates": [{"index": i, **asdict(p)} for i, p in enumerate(places)],
                }
            )
        )
    return found


@router.post("/clients/{client_id}/location", response_model=ClientPublic)
def set_location(
    client_id: RowId, body: LocationSet, caller: Staff, session: DbSession
) -> ClientPublic:
    """Place the client: one of its candidates, or a pin at lat/lon (chosen by hand)."""
    row = place_and_audit(caller.municipality_id, caller.actor, client_id, body, session=session)
    return ClientPublic.model_validate(row, from_attributes=True)


def place_and_audit(
    municipality_id: int, actor: str, client_id: int, body: LocationSet, *, session: DbSession
) -> Client:
    if body.candidate is None and (body.lat is None or body.lon is None):
        raise refuse("lat" if body.lat is None else "lon", Reason.coordinates_needed)
    town = get_municipality(municipality_id, session=session)
    row = addresses.place_client(town, client_id, session=session, lon=body.lon, lat=body.lat,
                                 candidate=body.candidate)  # fmt: skip
    audit(municipality_id, session=session, actor=actor, action="place", entity="client",
          entity_id=client_id, detail={"candidate": body.candidate, "lat": row.lat,
                                       "lon": row.lon})  # fmt: skip
    return row


@router.get("/clients/{client_id}", response_model=ClientPublic)
def get_client(client_id: RowId, caller: Staff, session: DbSession) -> ClientPublic:
    row = repo.get_client(caller.municipality_id, client_id, session=session)
    return ClientPublic.model_validate(row, from_attributes=True)


@router.patch("/clients/{client_id}", response_model=ClientPublic)
def update_client(
    client_id: RowId, body: ClientChange, caller: Staff, session: DbSession
) -> ClientPublic:
    row = update_client_and_audit(caller, client_id, body, session=session)
    return ClientPublic.model_validate(row, from_attributes=True)


def update_client_and_audit(
    who: Who, client_id: int, body: ClientChange, *, session: Session
) -> Client:
    """Coordinates given are the client's place; a new address without them is looked up
    when a geocoder is set (the old place belongs to the old address), else left as it is."""
    mid = who.municipality_id
    before = repo.get_client(mid, client_id, session=session).address
    row, _ = repo.update_client(mid, client_id, body, session=session)
    fields = body.model_fields_set
    if {"lon", "lat"} & fields:
        addresses.mark_given(row, session=session)
    elif "address" in fields and row.address != before and addresses.default_geocoder():
        _look_up(mid, row, session=session)
    audited(session, who, "update", "client", client_id, fields=sorted(fields),
            address_check=row.address_check)  # fmt: skip
    return row


@router.get("/clients/{client_id}/export", response_model=ClientExport)
def export_client(client_id: RowId, caller: Staff, session: DbSession) -> ClientExport:
    """All personal data of the client as JSON; the export itself is audited."""
    data = privacy.export_client(
        caller.municipality_id, client_id, session=session, actor=caller.actor
    )
    return ClientExport.model_validate(data)


@router.post("/clients/{client_id}/erase", response_model=ClientPublic)
def erase_client(client_id: RowId, caller: Admin, session: DbSession) -> ClientPublic:
    """Erase the person's data; delivery counts stay for the fee records under a pseudonym."""
    row = privacy.erase_client(
        caller.municipality_id, client_id, session=session, actor=caller.actor
    )
    return ClientPublic.model_validate(row, from_attributes=True)


@router.get("/subscriptions", response_model=Page[SubscriptionPublic])
def list_subscriptions(
    caller: Staff,
    session: DbSession,
    paging: PageParams,
    on: Day | None = None,
    client_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Page[SubscriptionPublic]:
    rows = repo.list_meal_subscriptions(
        caller.municipality_id, session=session, on=on, client_id=client_id
    )
    return page_list(rows, paging, SubscriptionPublic)


@router.put("/clients/{client_id}/subscription", response_model=SubscriptionPublic)
def set_subscription(
    client_id: RowId, body: SubscriptionSet, caller: Staff, session: DbSession
) -> SubscriptionPublic:
    row = set_subscription_and_audit(caller, client_id, body, session=session)
    return SubscriptionPublic.model_validate(row, from_attributes=True)


def set_subscription_and_audit(
    who: Who, client_id: int, body: SubscriptionSet, *, session: Session
) -> MealSubscription:
    row, change = repo.set_meal_subscription(
        who.municipality_id,
        client_id,
        weekdays=body.weekdays,
        diet=body.diet,
        portions=body.portions,
        start=body.start,
        session=session,
    )
    audited(session, who, "set", "subscription", row.id, client_id=client_id, change=change)
    return row


@router.post("/clients/{client_id}/subscription/end", response_model=Ended)
def end_subscription(
    client_id: RowId, body: SubscriptionEnd, caller: Staff, session: DbSession
) -> Ended:
    return Ended(changed=end_subscription_and_audit(caller, client_id, body, session=session))


def end_subscription_and_audit(
    who: Who, client_id: int, body: SubscriptionEnd, *, session: Session
) -> int:
    changed = repo.end_meal_subscription(
        who.municipality_id, client_id, last_day=body.last_day, session=session
    )
    audited(session, who, "end", "subscription", client_id, last_day=body.last_day.isoformat())
    return changed
