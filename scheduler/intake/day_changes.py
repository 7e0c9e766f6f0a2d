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
from typing import NotRequired, TypedDict

from sqlmodel import Session

from scheduler.audit import audit
from scheduler.events import record_event
from scheduler.intake.cutoff import cutoff_at, refreeze_day, utc_now
from scheduler.models import EventKind, Municipality, Role, Service
from scheduler.repositories.freezes import latest_freeze


@dataclass(frozen=True)
class Actor:
    """Who asks for a change, in which role, whether they force it past the cut-off, and when."""

    name: str = "system"
    role: Role | None = None
    force: bool = False
    now: datetime = field(default_factory=utc_now)
    key: str | None = None  # the caller's idempotency key for the event (a request id)


class ChangeNotes(TypedDict, total=False):
    """What `record_day_change` adds to a change's event payload."""

    forced_by: str  # past the cut-off: who forced the change
    cutoff: str  # past the cut-off: when orders closed (ISO instant)
    freeze_version: int  # the day was frozen: the freeze the change made


class OrderPayload(ChangeNotes):
    """The payload of order.placed and order.cancelled."""

    client_id: int
    order_ids: list[int | None]
    portions: int
    late: bool
    pause: NotRequired[list[str]]  # cancelled by a pause, or placed again as it gives days back


class VisitPayload(ChangeNotes):
    """The payload of visit.requested, visit.changed, visit.cancelled and the lunch moves."""

    visit_id: int | None
    external_id: str
    client_id: int
    late: bool
    reason: NotRequired[str]  # visit.cancelled: why


@dataclass(frozen=True)
class DayChange:
    """One accepted change: what kind, to which row, and what its event says."""

    kind: EventKind
    service: Service
    day: date
    entity: str  # the audited table, e.g. "MealOrder" or "Visit"
    entity_id: int | None
    key_tail: str  # makes the event key unique per change (row, and date where it matters)
    payload: OrderPayload | VisitPayload
    # The date whose freeze holds the change when not `day`: the eve of a deliver_before day.
    delivered_on: date | None = None


def record_day_change(
    municipality: Municipality, change: DayChange, by: Actor, *, late: bool, session: Session
) -> None:
    """The change's event; its audit entry when forced; a re-freeze when the day is frozen."""
    assert municipality.id is not None
    payload = change.payload
    frozen_day = change.delivered_on or change.day
    if late:
        payload["forced_by"] = by.name
        payload["cutoff"] = cutoff_at(municipality, frozen_day).isoformat()
        audit(
            municipality.id,
            session=session,
            actor=by.name,
            action=f"{change.kind}.forced",
            entity=change.entity,
            entity_id=change.entity_id,
            detail=payload,
        )
    if latest_freeze(municipality.id, frozen_day, change.service, session=session) is not None:
        freeze = refreeze_day(
            municipality.id,
            frozen_day,
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
