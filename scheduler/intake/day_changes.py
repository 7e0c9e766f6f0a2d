"""Recording a change to a frozen-or-freezable day, the same way for meal orders and visits.

Every accepted change records an event in the caller's session. A change past the cut-off
(forced by a dispatcher) also carries who forced it and when orders closed, and goes to the
audit log. When the day is already frozen, the change makes a new freeze version, whose event
asks for a re-plan, so the kitchen counts and the routes follow.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from scheduler.audit import audit
from scheduler.events import record_event
from scheduler.intake.cutoff import cutoff_at, refreeze_day, utc_now
from scheduler.models import Municipality, Role
from scheduler.repositories.freezes import latest_freeze


@dataclass(frozen=True)
class Actor:
    """Who asks for a change, in which role, whether they force it past the cut-off, and when."""

    name: str = "system"
    role: Role | None = None
    force: bool = False
    now: datetime = field(default_factory=utc_now)
    key: str | None = None  # the caller's idempotency key for the event (a request id)


@dataclass(frozen=True)
class DayChange:
    """One accepted change: what kind, to which row, and what its event says."""

    kind: str
    service: str
    day: date
    entity: str  # the audited table, e.g. "MealOrder" or "Visit"
    entity_id: int | None
    key_tail: str  # makes the event key unique per change (row, and date where it matters)
    payload: dict[str, Any]


def record_day_change(
    municipality: Municipality, change: DayChange, by: Actor, *, late: bool, session: Session
) -> None:
    """The change's event; its audit entry when forced; a re-freeze when the day is frozen."""
    assert municipality.id is not None
    payload = change.payload
    if late:
        payload["forced_by"] = by.name
        payload["cutoff"] = cutoff_at(municipality, change.day).isoformat()
        audit(
            municipality.id,
            session=session,
            actor=by.name,
            action=f"{change.kind}.forced",
            entity=change.entity,
            entity_id=change.entity_id,
            detail=payload,
        )
    if latest_freeze(municipality.id, change.day, change.service, session=session) is not None:
        freeze = refreeze_day(
            municipality.id,
            change.day,
            change.service,
            session=session,
            reason=change.kind,
            actor=by.name,
        )
        payload["freeze_version"] = freeze.version
    key = f"{by.key or uuid.uuid4().hex[:16]}:{change.kind}:{change.key_tail}"
    record_event(
        session,
        municipality_id=municipality.id,
        kind=change.kind,
        key=key[:80],
        payload=payload,
        day=change.day,
        service=change.service,
        actor=by.name,
    )
