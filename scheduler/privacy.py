"""A client's personal data: export on request (JSON) and erasure under a pseudonym.

Erasure keeps what the fee records need (the client row with its meal orders and visits,
so delivered counts still add up) and replaces everything that names, locates or describes the
person. Both actions go to the audit log in the same transaction.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time
from enum import Enum
from typing import Any, TypedDict

from sqlmodel import Session, SQLModel

from scheduler.audit import audit
from scheduler.errors import NotFoundError
from scheduler.intake.addresses import forget_address
from scheduler.models import (
    AddressCheck,
    Alert,
    Client,
    ClientStatus,
    EmergencyContact,
    JsonObject,
    MealOrder,
    MealSubscription,
    Stop,
    Visit,
    VisitPlan,
)
from scheduler.refusals import Reason, refuse
from scheduler.repositories.common import find_owned
from scheduler.repositories.personal_data import client_rows


class ClientExport(TypedDict):
    """Everything stored about one client, each row as plain JSON (a data subject's copy)."""

    client: JsonObject
    emergency_contacts: list[JsonObject]
    subscriptions: list[JsonObject]
    meal_orders: list[JsonObject]
    visit_plans: list[JsonObject]
    visits: list[JsonObject]
    alerts: list[JsonObject]


def _client(municipality_id: int, client_id: int, session: Session) -> Client:
    client = find_owned(Client, municipality_id, client_id, session=session)
    if client is None:
        raise NotFoundError("client", client_id)
    return client


def _rows(
    session: Session, model: type[SQLModel], municipality_id: int, client_id: int
) -> list[JsonObject]:
    rows = client_rows(model, municipality_id, client_id, session=session)
    return [_plain(row.model_dump()) for row in rows]


def _plain(data: dict[str, Any]) -> JsonObject:
    """JSON-ready values: dates as ISO text, enums as their value."""
    out: JsonObject = {}
    for key, value in data.items():
        if isinstance(value, datetime | date | time):
            out[key] = value.isoformat()
        elif isinstance(value, Enum):
            out[key] = value.value
        else:
            out[key] = value
    return out


def export_client(
    municipality_id: int, client_id: int, *, session: Session, actor: str
) -> ClientExport:
    """Everything stored about one client, and an audit entry saying who took it."""
    client = _client(municipality_id, client_id, session)
    data: ClientExport = {
        "client": _plain(client.model_dump()),
        "emergency_contacts": _rows(session, EmergencyContact, municipality_id, client_id),
        "subscriptions": _rows(session, MealSubscription, municipality_id, client_id),
        "meal_orders": _rows(session, MealOrder, municipality_id, client_id),
        "visit_plans": _rows(session, VisitPlan, municipality_id, client_id),
        "visits": _rows(session, Visit, municipality_id, client_id),
        "alerts": _rows(session, Alert, municipality_id, client_id),
    }
    audit(
        municipality_id,
        session=session,
        actor=actor,
        action="export",
        entity="client",
        entity_id=client_id,
        detail={"sections": sorted(data)},
    )
    return data


def erase_client(municipality_id: int, client_id: int, *, session: Session, actor: str) -> Client:
    """Replace the client's personal data by a pseudonym; keep orders and visits for fees."""
    client = _client(municipality_id, client_id, session)
    if client.pseudonym:
        raise refuse("client_id", Reason.already_erased)
    pseudonym = f"erased-{secrets.token_hex(6)}"
    forget_address(municipality_id, client.address, session=session)
    client.address_check = AddressCheck.ok  # nothing left to place
    client.pseudonym = pseudonym
    client.external_id = pseudonym
    client.name = pseudonym
    client.address = client.phone = client.notes = client.entry_notes = ""
    client.lon = client.lat = 0.0
    client.lives_alone = client.check_on_me = False
    client.consent_date = None
    client.status = ClientStatus.ended
    session.add(client)
    for contact in client_rows(EmergencyContact, municipality_id, client_id, session=session):
        session.delete(contact)
    _scrub_free_text(session, municipality_id, client_id, pseudonym)
    audit(
        municipality_id,
        session=session,
        actor=actor,
        action="erase",
        entity="client",
        entity_id=client_id,
        detail={"pseudonym": pseudonym},
    )
    return client


def _scrub_free_text(
    session: Session, municipality_id: int, client_id: int, pseudonym: str
) -> None:
    """Notes and tasks may describe the person; alerts may name them."""
    mid = municipality_id
    for plan in client_rows(VisitPlan, mid, client_id, session=session):
        plan.tasks = ""
        session.add(plan)
    for visit in client_rows(Visit, mid, client_id, session=session):
        visit.tasks = ""
        session.add(visit)
    for stop in client_rows(Stop, mid, client_id, session=session):
        stop.note = ""
        session.add(stop)
    for alert in client_rows(Alert, mid, client_id, session=session):
        alert.message = f"{alert.kind} ({pseudonym})"
        alert.detail = {}  # a welfare alert's facts: name, address, phone, contacts
        session.add(alert)
