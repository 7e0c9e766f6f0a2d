"""Demo steps that go through the event pipeline, as the real day does.

They follow the demo's plan of the next working day: three clients cancel after the cut-off
(a dispatcher forces it), which becomes events, one coalesced re-plan and a new version; then
the day is published. Without PATRONAGE_REDIS_URL the tasks run in this process (Celery's
eager mode); with it, this process relays the outbox and waits while `patronage worker`
processes do the work. Either way it is the same task code. Each step is idempotent, like
the demo's others.

`pipeline_steps()` is meant to follow `scheduler.lab.demo.default_steps()`, on the configured
database (the tasks open their own sessions on it, as in a worker).
"""

from __future__ import annotations

import time
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.db import session_scope
from scheduler.events import record_event
from scheduler.intake.orders import Actor, cancel_order
from scheduler.models import EventKind, OutboxTask, Role, Service
from scheduler.planning.runs import pending_events
from scheduler.repositories.events import first_event_by
from scheduler.repositories.plans import get_plan, latest_version, served_clients
from scheduler.repositories.publications import list_publications
from scheduler.settings import get_settings
from workers.embedded import drain
from workers.relay import backlog, relay_once
from workers.settings import get_worker_settings
from workers.targets import save_target

if TYPE_CHECKING:
    from scheduler.lab.demo import DemoRun, DemoStep

SERVICE = Service.meals
DISPATCHER = "demo dispatcher"
LATE_CANCELLATIONS = 3


def _day(run: DemoRun) -> tuple[int, date]:
    from scheduler.lab.meal_demo import next_working_day

    mid = run.require_municipality()
    with session_scope(run.engine) as session:
        return mid, next_working_day(session, mid, run.today)


def settle(engine: Engine, municipality_id: int, day: date, timeout: float = 300) -> None:
    """Run (eager) or wait for (workers) everything the outbox asks, for this day."""
    if not get_settings().redis_url:
        drain(engine)
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        relay_once(engine)  # in case no clock runs: the demo relays its own rows
        with Session(engine) as session:
            waiting = pending_events(session, municipality_id, day, SERVICE)
        if not waiting and backlog(engine) == 0:
            return
        time.sleep(0.2)
    raise TimeoutError("the workers did not finish in time; is `patronage worker` running?")


def late_changes_step(run: DemoRun) -> str:
    mid, day = _day(run)
    with Session(run.engine) as session:
        done = first_event_by(mid, DISPATCHER, session=session)
        version = latest_version(mid, day, SERVICE, session=session)
        if done is not None or version is None or version.id is None:
            return "already done" if done is not None else "no plan to change"
        clients = served_clients(mid, version.id, session=session)[:LATE_CANCELLATIONS]
    by = Actor(name=DISPATCHER, role=Role.dispatcher, force=True)
    for client_id in clients:
        with session_scope(run.engine) as session:
            cancel_order(mid, client_id, day, session=session, by=by)
    started = time.perf_counter()
    settle(run.engine, mid, day)
    with Session(run.engine) as session:
        after = latest_version(mid, day, SERVICE, session=session)
    assert after is not None
    return (
        f"{len(clients)} late cancellations -> version {after.version} "
        f"({after.reason}) in {time.perf_counter() - started:.1f} s, "
        f"{after.moved_stops} stops moved"
    )


def publish_step(run: DemoRun) -> str:
    mid, day = _day(run)
    args = {"municipality_id": mid, "day": day.isoformat(), "service": SERVICE}
    ntfy = get_worker_settings().ntfy_url
    with session_scope(run.engine) as session:
        if ntfy:  # a topic the dispatcher can watch in the ntfy app
            save_target(
                session, mid, channel="ntfy", address=f"{ntfy.rstrip('/')}/patronage-demo-{mid}"
            )
        record_event(
            session,
            municipality_id=mid,
            kind=EventKind.publish_requested,
            key=f"demo-publish:{day.isoformat()}",
            day=day,
            service=SERVICE,
            actor=DISPATCHER,
            tasks=[(OutboxTask.publish, args)],
        )
    settle(run.engine, mid, day)
    with Session(run.engine) as session:
        plan = get_plan(mid, day, SERVICE, session=session)
        sent = list_publications(mid, session=session)
    published = plan.published_version if plan else 0
    delivered = sum(p.status == "delivered" for p in sent)
    where = "" if ntfy else " (set PATRONAGE_NTFY_URL to watch them on a phone)"
    return f"version {published} published; {delivered} of {len(sent)} messages delivered{where}"


def pipeline_steps() -> list[DemoStep]:
    from scheduler.lab.demo import DemoStep

    return [
        DemoStep("Late cancellations through the event pipeline", late_changes_step),
        DemoStep("Publish the routes to phones", publish_step),
    ]
