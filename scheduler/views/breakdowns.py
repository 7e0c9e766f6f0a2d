"""The day's van breakdowns as the dispatcher follows them: which van, from when, and what the
re-plan that took each one in changed on each route (who is affected).

A breakdown's re-plan is the version stored in the run that marked its event processed
(planning/runs.py marks the events in the same transaction as the version): the newest version
made no later than that. Until a run takes it in, `version` is 0 and there are no changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from sqlmodel import Session

from scheduler.models import Event, EventKind, Plan, PlanVersion, Service
from scheduler.repositories.events import events_of_kind, get_event
from scheduler.repositories.plans import get_plan, versions_after
from scheduler.views.changes import NamedChange, version_changes


@dataclass(frozen=True)
class BreakdownView:
    event_id: int
    day: date
    vehicle_id: int
    vehicle: str  # the van's code, its route's resource
    at: str  # HH:MM, local
    recorded_at: datetime
    actor: str
    version: int = 0  # the re-plan that took it in; 0: not re-planned yet
    moved: int = 0
    unassigned: int = 0
    changes: list[NamedChange] = field(default_factory=list)


def day_breakdowns(municipality_id: int, day: date, *, session: Session) -> list[BreakdownView]:
    """The day's breakdowns, newest first, each with its re-plan's changes per route."""
    plan = get_plan(municipality_id, day, Service.meals, session=session)
    events = events_of_kind(municipality_id, EventKind.vehicle_broke_down, day, session=session)
    return [_view(session, municipality_id, plan, e) for e in events]


def breakdown(municipality_id: int, event_id: int, *, session: Session) -> BreakdownView | None:
    """One breakdown by its event id (None when it is no breakdown of this municipality)."""
    event = get_event(municipality_id, event_id, session=session)
    if event is None or event.kind != EventKind.vehicle_broke_down or event.day is None:
        return None
    plan = get_plan(municipality_id, event.day, Service.meals, session=session)
    return _view(session, municipality_id, plan, event)


def _view(session: Session, municipality_id: int, plan: Plan | None, event: Event) -> BreakdownView:
    assert event.id is not None
    payload = event.payload or {}
    base = BreakdownView(
        event_id=event.id,
        day=event.day or date.min,
        vehicle_id=int(str(payload.get("vehicle_id", 0))),
        vehicle=str(payload.get("vehicle", "")),
        at=str(payload.get("at", "")),
        recorded_at=event.occurred_at,
        actor=event.actor,
    )
    version = _taken_in_by(session, municipality_id, plan, event)
    if plan is None or version is None:
        return base
    changes = version_changes(
        municipality_id, plan, version.version - 1, version.version, session=session
    )
    return replace(
        base,
        version=version.version,
        moved=version.moved_stops,
        unassigned=int(version.summary.get("unassigned", 0)),
        changes=changes,
    )


def _taken_in_by(
    session: Session, municipality_id: int, plan: Plan | None, event: Event
) -> PlanVersion | None:
    if plan is None or event.processed_at is None:
        return None
    made = [
        v for v in versions_after(municipality_id, plan, 0, session=session)
        if _naive(v.created_at) <= _naive(event.processed_at)
    ]  # fmt: skip
    return made[-1] if made else None


def _naive(moment: datetime) -> datetime:
    """SQLite gives back naive UTC times, PostgreSQL aware ones: compare them alike."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
