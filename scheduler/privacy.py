"""A client's personal data: export on request (JSON) and erasure under a pseudonym.

Erasure keeps what the fee records need (the client row with its meal orders and visits,
so delivered counts still add up) and replaces everything that names, locates or describes the
person. Both actions go to the audit log in the same transaction.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from sqlmodel import Session, SQLModel, select

from scheduler.audit import audit
from scheduler.errors import InvalidInputError, NotFoundError
from scheduler.models import (
    Alert,
    Client,
    ClientStatus,
    EmergencyContact,
    MealOrder,
    MealSubscription,
    Stop,
    Visit,
    VisitPlan,
)


def _client(municipality_id: int, client_id: int, session: Session) -> Client:
    client = session.get(Client, client_id)
    if client is None or client.municipality_id != municipality_id:
        raise NotFoundError("client", client_id)
    return client


def _rows(session: Session, model: type[SQLModel], client_id: int) -> list[dict[str, Any]]:
    rows = session.exec(select(model).where(model.client_id == client_id))  # type: ignore[attr-defined]
    return [_plain(row.model_dump()) for row in rows]


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready values: dates as ISO text, enums as their value."""
    out: dict[str, Any] = {}
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
) -> dict[str, Any]:
    """Everything stored about one client, and an audit entry saying who took it."""
    client = _client(municipality_id, client_id, session)
    data = {
        "client": _plain(client.model_dump()),
        "emergency_contacts": _rows(session, EmergencyContact, client_id),
        "subscriptions": _rows(session, MealSubscription, client_id),
        "meal_orders": _rows(session, MealOrder, client_id),
        "visit_plans": _rows(session, VisitPlan, client_id),
        "visits": _rows(session, Visit, client_id),
        "alerts": _rows(session, Alert, client_id),
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
        raise InvalidInputError.one("client_id", "this client was already erased")
    pseudonym = f"erased-{secrets.token_hex(6)}"
    client.pseudonym = pseudonym
    client.external_id = pseudonym
    client.name = pseudonym
    client.address = client.phone = client.notes = client.entry_notes = ""
    client.lon = client.lat = 0.0
    client.lives_alone = client.check_on_me = False
    client.consent_date = None
    client.status = ClientStatus.ended
    session.add(client)
    contacts = select(EmergencyContact).where(EmergencyContact.client_id == client_id)
    for contact in session.exec(contacts):
        session.delete(contact)
    _scrub_free_text(session, client_id, pseudonym)
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


def _scrub_free_text(session: Session, client_id: int, pseudonym: str) -> None:
    """Notes and tasks may describe the person; alerts may name them."""
    for plan in session.exec(select(VisitPlan).where(VisitPlan.client_id == client_id)):
        plan.tasks = ""
        session.add(plan)
    for visit in session.exec(select(Visit).where(Visit.client_id == client_id)):
        visit.tasks = ""
        session.add(visit)
    for stop in session.exec(select(Stop).where(Stop.client_id == client_id)):
        stop.note = ""
        session.add(stop)
    for alert in session.exec(select(Alert).where(Alert.client_id == client_id)):
        alert.message = f"{alert.kind} ({pseudonym})"
        alert.detail = {}  # a welfare alert's facts: name, address, phone, contacts
        session.add(alert)
