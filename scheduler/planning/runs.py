"""One plan run for a municipality, date and service: what needs planning, plan, mark it done.

What needs planning is read from the database, not from the queue: the events of that day and
service whose outbox row asked for a plan ("plan" from a freeze, "replan" from a late change)
and that no plan version has taken in yet (`Event.processed_at` is empty). A run plans them
all at once and marks them processed in the same transaction as the new plan version, so:

- a burst of events gives one version, however many messages arrive;
- a run that dies before its commit leaves the events unprocessed and the next run does them;
- a run that finds nothing unprocessed (a duplicate message, a second try after a commit
  whose acknowledgement was lost) stores nothing, so the same event never plans twice.

A re-plan of a published day goes out to the phones at once when late changes caused it; one
the dispatcher asked for on the board (`DISPATCHER_PLAN`) is `held`: stored and shown with its
changes per route, and sent only when the dispatcher presses Publish.

The queue, the day's lock and the coalescing of messages are the workers' part
(`workers.tasks`); this module only decides and stores, in the caller's transaction.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from scheduler.intake.cutoff import latest_freeze
from scheduler.models import Event, OutboxTask, Plan, PlanVersion, Service
from scheduler.models.base import utcnow
from scheduler.repositories import events as event_rows
from scheduler.repositories.plans import get_plan, get_version

PLAN_TASKS = (OutboxTask.plan, OutboxTask.replan)  # the tasks that ask for a (re)plan
DISPATCHER_PLAN = "plan_requested"  # the event of the board's Plan button (api/routes/days.py)

Planner = Callable[..., PlanVersion]


@dataclass(frozen=True)
class PlanRun:
    outcome: str  # planned, nothing_new, not_frozen, failed
    events: int = 0
    plan_version_id: int | None = None
    version: int = 0
    publish: bool = False  # the day was published before, so the new version goes out too
    seconds: float = 0.0


def pending_events(
    session: Session, municipality_id: int, day: date, service: Service
) -> list[Event]:
    """The day's events that asked for a plan and no plan version has taken in yet."""
    return event_rows.pending_events(
        municipality_id, day, service, asked_by=PLAN_TASKS, session=session
    )


def run_plan(
    session: Session,
    municipality_id: int,
    day: date,
    service: Service,
    *,
    planner: Planner,
    time_limit: float,
    replan_time_limit: float,
) -> PlanRun:
    """Plan the day if anything asks for it; the caller commits (and so makes it count)."""
    events = pending_events(session, municipality_id, day, service)
    plan = get_plan(municipality_id, day, service, session=session)
    planned = plan is not None and plan.current_version > 0
    if planned and not events:
        return _unpublished_tail(session, plan)
    if not planned and latest_freeze(municipality_id, day, service, session=session) is None:
        # Before the cut-off there is nothing to plan; the freeze will include these changes.
        mark_processed(session, events)
        return PlanRun("not_frozen", events=len(events))
    reason = describe(events) if planned else "initial"
    started = time.perf_counter()
    limit = replan_time_limit if planned else time_limit
    version = planner(
        municipality_id, day, service, session=session, reason=reason, time_limit=limit
    )
    seconds = time.perf_counter() - started
    mark_processed(session, events)
    session.flush()
    plan = get_plan(municipality_id, day, service, session=session)
    published = plan is not None and plan.published_version > 0
    version.held = published and any(e.kind == DISPATCHER_PLAN for e in events)
    session.add(version)
    session.flush()
    return PlanRun(
        "planned",
        events=len(events),
        plan_version_id=version.id,
        version=version.version,
        publish=published and not version.held,
        seconds=seconds,
    )


def _unpublished_tail(session: Session, plan: Plan | None) -> PlanRun:
    """Nothing new to plan; but a published day whose latest version never went out (the
    worker died between storing it and sending it) still gets it sent."""
    if plan is None or not 0 < plan.published_version < plan.current_version:
        return PlanRun("nothing_new")
    latest = get_version(plan.municipality_id, plan, plan.current_version, session=session)
    if latest is None or latest.held:  # held for the dispatcher's Publish
        return PlanRun("nothing_new")
    return PlanRun("nothing_new", plan_version_id=latest.id, version=latest.version, publish=True)


def give_up(session: Session, municipality_id: int, day: date, service: Service) -> int:
    """A run that failed: mark the day's waiting events handled, or the sweep would ask again
    and again for the same failure (the caller tells the dispatcher); how many."""
    events = pending_events(session, municipality_id, day, service)
    mark_processed(session, events)
    return len(events)


def mark_processed(session: Session, events: Sequence[Event]) -> None:
    event_rows.mark_processed(events, at=utcnow(), session=session)


def describe(events: Sequence[Event]) -> str:
    """The reason stored on the version: 're-plan: order.cancelled x3, caregiver.sick'.

    A re-freeze carries the change that caused it in its payload; that is what a dispatcher
    wants to read, not "day.frozen".
    """
    if not events:
        return "re-plan"
    counts = Counter(str((e.payload or {}).get("reason") or e.kind) for e in events)
    parts = [why if n == 1 else f"{why} x{n}" for why, n in counts.most_common()]
    return ("re-plan: " + ", ".join(parts))[:200]


def stale_days(
    session: Session, *, older_than_s: float, now: datetime | None = None
) -> list[tuple[int, date, Service]]:
    """(municipality, date, service) with plan events left unprocessed for a while.

    A run scheduled while Redis restarted can be lost with it; the clock asks for these days
    again, so a change waits at most one sweep instead of until the next change.
    """
    before = (now or utcnow()) - timedelta(seconds=older_than_s)
    return event_rows.stale_days(asked_by=PLAN_TASKS, before=before, session=session)


def event_processed(session: Session, municipality_id: int, event_id: int) -> bool:
    """True when the event was taken in already (or is gone): its message is a duplicate."""
    event = event_rows.get_event(municipality_id, event_id, session=session)
    return event is None or event.processed_at is not None
