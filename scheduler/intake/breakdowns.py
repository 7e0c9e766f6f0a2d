"""A van that breaks down on the day: out of service from a time, and the day re-planned.

The breakdown is an event (`vehicle.broke_down`) with the van and the local time from which it
serves nothing; it is audited, and when the day is frozen its outbox row asks for a re-plan, so
the late-change path (planning/runs.py, replan.py) moves the van's undelivered stops to other
vans. The planner reads the day's breakdowns back from the event log (`out_of_service`), so a
breakdown recorded before the freeze is honoured by the first plan too, and every later re-plan
of the day keeps the van out. The van's `active` flag is left alone: it is in service again
the next day.
"""

from __future__ import annotations

import uuid
from datetime import date, time
from typing import TypedDict

from sqlmodel import Session

from scheduler.audit import audit
from scheduler.events import record_event
from scheduler.intake.day_changes import Actor
from scheduler.models import Event, EventKind, OutboxTask, Service
from scheduler.refusals import Reason, refuse
from scheduler.repositories.events import events_of_kind
from scheduler.repositories.fleet import get_vehicle
from scheduler.repositories.freezes import latest_freeze

SERVICE = Service.meals


class BreakdownPayload(TypedDict):
    """The payload of vehicle.broke_down."""

    vehicle_id: int
    vehicle: str  # the van's external id (its route's resource)
    at: str  # local wall-clock time from which it serves nothing, HH:MM
    reason: str  # what the re-plan's version says it was for (runs.describe)


def record_breakdown(
    municipality_id: int,
    day: date,
    vehicle_id: int,
    at: time,
    *,
    by: Actor,
    session: Session,
) -> tuple[Event, bool]:
    """Mark the van out of service on `day` from `at`; (event, is_new).

    Raises NotFoundError for a van of another municipality, InvalidInputError("at") for a time
    with a zone or after the van's shift (it would change nothing: most likely a typing error).
    """
    van = get_vehicle(municipality_id, vehicle_id, session=session)
    if at.tzinfo is not None:  # plan times are the town's wall clock
        raise refuse("at", Reason.local_time_needed)
    if at >= van.shift_end:
        raise refuse(
            "at", Reason.after_shift, at=f"{at:%H:%M}", van=van.name, end=f"{van.shift_end:%H:%M}"
        )
    payload = BreakdownPayload(
        vehicle_id=vehicle_id,
        vehicle=van.external_id,
        at=f"{at:%H:%M}",
        reason=f"{EventKind.vehicle_broke_down} {van.external_id}",
    )
    frozen = latest_freeze(municipality_id, day, SERVICE, session=session) is not None
    task = {"municipality_id": municipality_id, "day": day.isoformat(), "service": SERVICE}
    key = f"{by.key or uuid.uuid4().hex[:16]}:{EventKind.vehicle_broke_down}:{vehicle_id}"
    event, new = record_event(
        session,
        municipality_id=municipality_id,
        kind=EventKind.vehicle_broke_down,
        key=f"{key}:{day.isoformat()}"[:80],
        payload=payload,
        day=day,
        service=SERVICE,
        actor=by.name,
        tasks=[(OutboxTask.replan, {**task, "reason": EventKind.vehicle_broke_down})]
        if frozen
        else [],
    )
    if new:
        audit(
            municipality_id,
            session=session,
            actor=by.name,
            action=str(EventKind.vehicle_broke_down),
            entity="Vehicle",
            entity_id=vehicle_id,
            detail={**payload, "day": day.isoformat(), "event_id": event.id},
        )
    return event, new


def out_of_service(municipality_id: int, day: date, *, session: Session) -> dict[str, int]:
    """Van external id -> local seconds from which it serves nothing on `day` (the earliest
    breakdown when it was reported twice)."""
    found: dict[str, int] = {}
    for event in events_of_kind(municipality_id, EventKind.vehicle_broke_down, day,
                                session=session):  # fmt: skip
        payload = event.payload or {}
        van, at = str(payload.get("vehicle", "")), str(payload.get("at", ""))
        if not van or ":" not in at:
            continue
        hours, minutes = at.split(":")[:2]
        seconds = int(hours) * 3600 + int(minutes) * 60
        found[van] = min(seconds, found.get(van, seconds))
    return found
