"""The clock: each municipality's cut-off, morning plan and publishing, in its own time zone.

APScheduler keeps the jobs in a persistent store, so a restart neither forgets a job nor runs
one twice: a job whose time passed while the clock was down runs once when it is back (within
the misfire grace, several missed runs coalesced into one), and a job that already ran has
its next time stored. On top of that, what a job does is idempotent: it records an event with
a key made of the action and the date, and the same key twice records nothing.

The jobs only record events (with their outbox rows); workers do the work. The store lives
next to the product's tables but outside them (its own schema on PostgreSQL, its own file on
SQLite), so `patronage db check` keeps comparing only the product's schema.

The clock process also runs the outbox relay and, every minute, a sweep that asks again for
plan runs whose message was lost (for instance with a Redis that restarted empty); and, every
`clock_escalation_interval_s`, the escalation sweep of welfare alerts nobody took in time.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.job import Job
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from scheduler.db import engine_for, get_engine, make_engine, session_scope
from scheduler.errors import NotFoundError
from scheduler.events import record_event
from scheduler.models import Event, EventKind, Municipality, OutboxTask, Service
from scheduler.repositories.tenancy import get_municipality, list_municipalities
from scheduler.settings import get_settings
from workers.settings import WorkerSettings, get_worker_settings

log = logging.getLogger(__name__)


class ClockAction(StrEnum):
    """What a clock job does; each is also the outbox task its event asks for."""

    cutoff = "cutoff"
    morning = "morning"
    publish = "publish"


SERVICES = (Service.meals, Service.care)
ACTIONS = tuple(ClockAction)
STORE_SCHEMA = "patronage_clock"
STORE_TABLE = "clock_jobs"
SWEEP_AFTER_S = 60.0


@dataclass(frozen=True)
class JobSpec:
    id: str
    municipality_id: int
    action: ClockAction
    service: Service | None  # None: the cut-off, which freezes every service
    at: time
    timezone: str

    def trigger(self) -> CronTrigger:
        return CronTrigger(
            hour=self.at.hour, minute=self.at.minute, second=self.at.second, timezone=self.timezone
        )


def job_specs(municipalities: list[Municipality], ws: WorkerSettings) -> list[JobSpec]:
    """The jobs each municipality needs; ids are stable, so a restart finds its own jobs."""
    specs = []
    for m in municipalities:
        assert m.id is not None
        cutoff = JobSpec(
            f"cutoff:{m.id}", m.id, ClockAction.cutoff, None, m.cutoff_time, m.timezone
        )
        specs.append(cutoff)
        for service in SERVICES:
            publish_at = (
                ws.clock_publish_meals if service == Service.meals else ws.clock_publish_care
            )
            plan_jobs = (
                (ClockAction.morning, ws.clock_morning_plan),
                (ClockAction.publish, publish_at),
            )
            for action, at in plan_jobs:
                job_id = f"{action}:{m.id}:{service}"
                specs.append(JobSpec(job_id, m.id, action, service, at, m.timezone))
    return specs


def fire(municipality_id: int, action: str, service: str = "") -> None:
    """A job's body: record the event (and its outbox row) for the workers.

    The store keeps a job's arguments as plain strings (see `sync_jobs`): they are read back
    into the closed sets here, once.
    """
    with session_scope() as session:
        record_clock_event(
            session,
            municipality_id,
            ClockAction(action),
            Service(service) if service else None,
            now=datetime.now(UTC),
        )


def record_clock_event(
    session: Session,
    municipality_id: int,
    action: ClockAction,
    service: Service | None,
    *,
    now: datetime,
) -> Event | None:
    try:
        municipality = get_municipality(municipality_id, session=session)
    except NotFoundError:  # removed since its job was stored; the next sync drops the job
        return None
    today = now.astimezone(ZoneInfo(municipality.timezone)).date()
    if action == ClockAction.cutoff:
        day = today + timedelta(days=municipality.cutoff_days_before)
        kind, key = EventKind.cutoff_reached, f"clock:cutoff:{day.isoformat()}"
        args = {"municipality_id": municipality_id, "day": day.isoformat()}
    elif action in (ClockAction.morning, ClockAction.publish) and service is not None:
        day = today
        kind = EventKind(f"plan.{action}")
        key = f"clock:{action}:{service}:{day.isoformat()}"
        args = {"municipality_id": municipality_id, "day": day.isoformat(), "service": service}
    else:
        raise ValueError(f"Expected an action among {ACTIONS} (with a service), got {action!r}")
    event, _ = record_event(
        session,
        municipality_id=municipality_id,
        kind=kind,
        key=key,
        day=day,
        service=service or None,
        actor="clock",
        tasks=[(OutboxTask(action), args)],  # each action is also a task of its name
    )
    return event


# --- the scheduler -----------------------------------------------------------------------------


def job_store(database_url: str) -> SQLAlchemyJobStore:
    """The persistent store, beside the product's schema but not in it."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        main = Path(url.database or "var/patronage.db")
        clock_file = main.with_name(f"{main.stem}-clock.db")
        return SQLAlchemyJobStore(engine=make_engine(f"sqlite:///{clock_file.as_posix()}"))
    engine = make_engine(database_url)
    with engine.begin() as conn:  # the clock's own store, not a product table: no repository
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {STORE_SCHEMA}"))
    return SQLAlchemyJobStore(engine=engine, tablename=STORE_TABLE, tableschema=STORE_SCHEMA)


def build_scheduler(database_url: str, ws: WorkerSettings) -> BackgroundScheduler:
    return BackgroundScheduler(
        jobstores={"default": job_store(database_url), "memory": MemoryJobStore()},
        job_defaults={
            "coalesce": True,  # several missed runs of one job run once
            "misfire_grace_time": ws.clock_misfire_grace_s,
            "max_instances": 1,
        },
        timezone=UTC,
    )


@dataclass(frozen=True)
class SyncReport:
    added: int = 0
    changed: int = 0
    removed: int = 0


def sync_jobs(scheduler: BackgroundScheduler, engine: Engine, ws: WorkerSettings) -> SyncReport:
    """Make the stored jobs match the municipalities, touching only what differs.

    A job that is already stored keeps its next run time: replacing it would move a run
    that was missed while the clock was down to tomorrow instead of running it now.
    """
    with Session(engine) as session:
        municipalities = list_municipalities(session=session)
    stored: dict[str, Job] = {job.id: job for job in scheduler.get_jobs(jobstore="default")}
    added = changed = 0
    for spec in job_specs(municipalities, ws):
        trigger = spec.trigger()
        # Plain strings in the store: a stored job outlives the code that wrote it.
        args = (spec.municipality_id, spec.action.value, spec.service.value if spec.service else "")
        job = stored.pop(spec.id, None)
        if job is None:
            scheduler.add_job(
                fire, trigger, args=args, id=spec.id, name=spec.id, jobstore="default"
            )
            added += 1
        elif repr(job.trigger) != repr(trigger) or tuple(job.args) != args:
            scheduler.modify_job(spec.id, jobstore="default", args=args)
            scheduler.reschedule_job(spec.id, jobstore="default", trigger=trigger)
            changed += 1
    for job_id in stored:  # a municipality that was removed
        scheduler.remove_job(job_id, jobstore="default")
    return SyncReport(added, changed, len(stored))


def sweep(engine: Engine) -> int:
    """Ask again for plan runs whose events wait longer than they should; how many."""
    from scheduler.planning.runs import stale_days
    from workers.tasks import schedule_plan_run

    with Session(engine) as session:
        days = stale_days(session, older_than_s=SWEEP_AFTER_S)
    for municipality_id, day, service in days:
        schedule_plan_run(municipality_id, day.isoformat(), service)
    return len(days)


def escalation_sweep(engine: Engine, now: datetime | None = None) -> list[tuple[int, int]]:
    """Move welfare alerts nobody took in time to the next person; (alert id, step) moved.

    Idempotent (scheduler.welfare.escalate_due): a step is taken once, whoever runs it."""
    from scheduler.welfare import escalate_due

    with session_scope(engine) as session:
        moved = escalate_due(session, now=now or datetime.now(UTC))
    for alert_id, step in moved:
        log.info("alert %s escalated to step %s", alert_id, step)
    return moved


def start_clock(database_url: str | None = None) -> BackgroundScheduler:
    """Start the scheduler with its jobs in sync; missed runs fire once, now."""
    ws = get_worker_settings()
    url = database_url or get_settings().effective_database_url
    engine = engine_for(url)
    scheduler = build_scheduler(url, ws)
    scheduler.start(paused=True)  # the stores are open, nothing fires until the sync is done
    report = sync_jobs(scheduler, engine, ws)
    log.info("clock jobs: %s", report)
    scheduler.add_job(
        sync_jobs,
        "interval",
        args=(scheduler, engine, ws),
        seconds=ws.clock_sync_interval_s,
        id="sync",
        jobstore="memory",
    )
    scheduler.add_job(
        sweep, "interval", args=(engine,), seconds=SWEEP_AFTER_S, id="sweep", jobstore="memory"
    )
    scheduler.add_job(
        escalation_sweep,
        "interval",
        args=(engine,),
        seconds=ws.clock_escalation_interval_s,
        id="escalation",
        jobstore="memory",
    )
    scheduler.resume()
    return scheduler


def run_clock(stop: threading.Event, *, with_relay: bool = True) -> None:
    """The `patronage clock` process: the scheduler and the relay until `stop` is set."""
    from workers.relay import Relay

    ws = get_worker_settings()
    scheduler = start_clock()
    relay = None
    if with_relay:
        relay = Relay(
            get_engine(),
            interval_s=ws.relay_interval_s,
            max_backoff_s=ws.relay_max_backoff_s,
            batch=ws.relay_batch,
        ).start()
    try:
        stop.wait()
    finally:
        if relay is not None:
            relay.stop()
        scheduler.shutdown(wait=True)
