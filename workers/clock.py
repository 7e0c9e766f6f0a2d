"""The clock: each municipality's cut-off, morning plan and publishing, in its own time zone.

A job cannot be lost. When a job falls due the clock writes its row (`ClockJob`: the
municipality, the action, the service and the local date), then runs it: it records the
job's event with its outbox row, as before, and the worker's task closes the row in the
transaction of the effect (the freeze, the morning's freeze and plan request, the
publication). At start and at every step after, a sweep runs again every row not closed in
time: after a clock killed mid-job, a database error, a lost message or a clock that was
down. A job is run again `RETRY_AFTER_S` after its last try (so within a minute), and an
alert is raised when it failed twice (a run that raised, or no effect five minutes after it
fell due). What a job does
stays idempotent: its event has a key made of the action and the date, and the task claims
the event, so any number of runs has one effect.

Which jobs fell due is worked out from the municipalities' times, from the moment the last
check reached (`ClockLease.checked_until`) to now: a clock down for hours runs each job's
latest due time once, not once per minute missed, and a job added today waits for its time.

Several clocks may run; only the holder of the lease (`workers.lease`) runs jobs, sweeps and
relays the outbox, and another takes over within a minute when it dies. The clock's time is
injected (`now`), so tests move it instead of waiting.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.alerts import N_, AlertKind, raise_alert
from scheduler.db import get_engine, session_scope
from scheduler.errors import NotFoundError
from scheduler.events import record_event
from scheduler.models import (
    ClockAction,
    ClockJob,
    Event,
    EventKind,
    Municipality,
    OutboxTask,
    Service,
)
from scheduler.models.base import utcnow
from scheduler.repositories import clock as rows
from scheduler.repositories.outbox import add_row
from scheduler.repositories.tenancy import get_municipality, list_municipalities
from workers.lease import LEASE_NAME, Lease, default_holder
from workers.settings import WorkerSettings, get_worker_settings

__all__ = ["Clock", "ClockAction", "record_clock_event", "run_clock"]

log = logging.getLogger(__name__)

SERVICES = (Service.meals, Service.care)
ACTIONS = tuple(ClockAction)
SWEEP_AFTER_S = 60.0  # plan events left waiting this long are asked for again
RETRY_AFTER_S = 45.0  # a job tried this long ago and still open is run again
# A run that raised is a failure at once; one whose effect has not come counts as failed only
# this long after the job fell due, since a busy queue (the morning's plan runs) delays it.
OVERDUE_S = 300.0
Now = Callable[[], datetime]


@dataclass(frozen=True)
class JobSpec:
    municipality_id: int
    action: ClockAction
    service: Service | None  # None: the cut-off, which freezes every service
    at: time
    timezone: str

    def latest_due(self, now: datetime) -> datetime:
        """The job's latest due time at or before `now` (today's, else yesterday's).

        APScheduler's cron trigger walks the zone's calendar, so the days the clocks change
        (a 23- or 25-hour day) give the local time the office set, not one an hour off."""
        trigger = CronTrigger(
            hour=self.at.hour, minute=self.at.minute, second=self.at.second,
            timezone=ZoneInfo(self.timezone),
        )  # fmt: skip
        due: datetime | None = trigger.get_next_fire_time(None, now - timedelta(days=2))
        latest: datetime | None = None
        while due is not None and due <= now:
            latest = due
            due = trigger.get_next_fire_time(due, due + timedelta(seconds=1))
        assert latest is not None  # a daily time falls due within two days
        return latest


def job_specs(municipalities: list[Municipality], ws: WorkerSettings) -> list[JobSpec]:
    """The jobs each municipality needs."""
    specs = []
    for m in municipalities:
        assert m.id is not None
        specs.append(JobSpec(m.id, ClockAction.cutoff, None, m.cutoff_time, m.timezone))
        for service in SERVICES:
            publish_at = (
                ws.clock_publish_meals if service == Service.meals else ws.clock_publish_care
            )
            specs.append(
                JobSpec(m.id, ClockAction.morning, service, ws.clock_morning_plan, m.timezone)
            )
            specs.append(JobSpec(m.id, ClockAction.publish, service, publish_at, m.timezone))
    return specs


# --- a job's event ---------------------------------------------------------------------------


def record_clock_event(
    session: Session,
    municipality_id: int,
    action: ClockAction,
    service: Service | None,
    *,
    now: datetime,
    job_id: int | None = None,
) -> Event | None:
    """Record the event (and its outbox row) of a job run at `now`; None if the municipality
    is gone. Run again, it records nothing new but asks for the task once more."""
    try:
        municipality = get_municipality(municipality_id, session=session)
    except NotFoundError:  # removed since its job fell due; its rows went with it
        return None
    today = now.astimezone(ZoneInfo(municipality.timezone)).date()
    return _record_for(session, municipality, ClockAction(action), service or None, today, job_id)


def _record_for(
    session: Session,
    municipality: Municipality,
    action: ClockAction,
    service: Service | None,
    today: date,
    job_id: int | None,
) -> Event:
    assert municipality.id is not None
    if action == ClockAction.cutoff:
        day = today + timedelta(days=municipality.cutoff_days_before)
        kind, key = EventKind.cutoff_reached, f"clock:cutoff:{day.isoformat()}"
        args: dict[str, object] = {"municipality_id": municipality.id, "day": day.isoformat()}
    elif action in (ClockAction.morning, ClockAction.publish) and service is not None:
        day = today
        kind = EventKind(f"plan.{action}")
        key = f"clock:{action}:{service}:{day.isoformat()}"
        args = {"municipality_id": municipality.id, "day": day.isoformat(), "service": service}
    else:
        raise ValueError(f"Expected an action among {ACTIONS} (with a service), got {action!r}")
    if job_id is not None:
        args["clock_job"] = job_id  # the task closes the job in its effect's transaction
    task = OutboxTask(action)  # each action is also a task of its name
    event, new = record_event(
        session,
        municipality_id=municipality.id,
        kind=kind,
        key=key,
        day=day,
        service=service,
        actor="clock",
        tasks=[(task, args)],
    )
    if not new and event.processed_at is None:
        assert event.id is not None
        add_row(municipality.id, event.id, task, args, session=session)  # the message was lost
    return event


# --- running jobs ------------------------------------------------------------------------------


def run_job(engine: Engine, job_id: int, municipality_id: int, now: datetime) -> bool:
    """One run of a job: its event and outbox row, committed; False when it raised (noted)."""
    try:
        with session_scope(engine) as session:
            job = rows.get_job(municipality_id, job_id, session=session)
            if job is None or job.done_at is not None:
                return True
            rows.note_try(job, at=now, session=session)
            event = _job_event(session, job)
            if event is None or event.processed_at is not None:
                # The effect happened (by a message that did not name the job) or never can.
                rows.close_job(municipality_id, job_id, at=now, session=session)
        return True
    except Exception as exc:  # the database or the job itself; the sweep runs it again
        why = f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0]}"
        log.warning("clock job %s (%s) failed: %s", job_id, municipality_id, why)
        _note_error(engine, job_id, municipality_id, why, now)
        return False


def _job_event(session: Session, job: ClockJob) -> Event | None:
    try:
        municipality = get_municipality(job.municipality_id, session=session)
    except NotFoundError:
        return None
    service = Service(job.service) if job.service else None
    return _record_for(session, municipality, job.action, service, job.day, job.id)


def _note_error(engine: Engine, job_id: int, municipality_id: int, why: str, now: datetime) -> None:
    try:
        with session_scope(engine) as session:
            job = rows.get_job(municipality_id, job_id, session=session)
            if job is not None:
                rows.note_error(job, why, at=now, session=session)
    except Exception as exc:  # still away: the sweep finds the job open all the same
        log.warning("clock job %s: its error not stored either (%s)", job_id, type(exc).__name__)


def open_due_jobs(
    session: Session, specs: list[JobSpec], since: datetime, now: datetime
) -> list[ClockJob]:
    """Write the row of every job whose latest due time is in (since, now]."""
    opened = []
    for spec in specs:
        due = spec.latest_due(now)
        if not since < due <= now:
            continue
        service = spec.service.value if spec.service else ""
        local_day = due.date()  # `due` is in the municipality's zone
        opened.append(
            rows.open_job(
                spec.municipality_id, spec.action, service, local_day, due_at=due, session=session
            )
        )
    return opened


def _failed(job: ClockJob, now: datetime) -> bool:
    """Whether the job's last run counts as failed (a run never tried does not)."""
    if job.tried_at is None:
        return False
    return bool(job.last_error) or now - job.due_at >= timedelta(seconds=OVERDUE_S)


def count_failure(engine: Engine, job_id: int, municipality_id: int, now: datetime) -> None:
    """The job's last run failed (`_failed`): count it; the second time, an alert."""
    with session_scope(engine) as session:
        job = rows.get_job(municipality_id, job_id, session=session)
        if job is None or job.done_at is not None:
            return
        failures = rows.note_failure(job, session=session)
        if failures >= 2 and job.alerted_at is None:
            message, params = _failure_words(job)
            raise_alert(session, municipality_id, AlertKind.clock_failed, message, params=params)
            rows.note_alerted(job, at=now, session=session)


def _failure_words(job: ClockJob) -> tuple[str, dict[str, str]]:
    """The alert's catalog message and its values (worded in each reader's language)."""
    error = job.last_error or f"not done {OVERDUE_S / 60:.0f} minutes after it fell due"
    return N_("The clock's %(action)s of %(day)s failed %(failures)s times: %(error)s"), {
        "action": f"{job.action} {job.service}".strip(),
        "day": job.day.isoformat(),
        "failures": str(job.failures),
        "error": error[:300],
    }


# --- the clock ---------------------------------------------------------------------------------


@dataclass
class Clock:
    """The jobs, the sweeps and the lease of one clock process; `step` does what is due."""

    engine: Engine
    ws: WorkerSettings
    lease: Lease
    now: Now = utcnow
    _last: dict[str, datetime] = field(default_factory=dict)

    def step(self) -> None:
        if self.lease.renew_due():
            self.lease.renew()
        if not self.lease.held():
            return
        self.tick()
        self.sweep()
        # Apart, so that one failing (Redis away for the plan sweep) holds back no other.
        if self._due("escalation", self.ws.clock_escalation_interval_s):
            _guarded(escalation_sweep, self.engine, self.now())
        if self._due("plans", SWEEP_AFTER_S):
            _guarded(plan_sweep, self.engine)

    def tick(self) -> list[int]:
        """Write the rows of the jobs that fell due since the last check and run them."""
        now = self.now()
        with session_scope(self.engine) as session:
            lease = rows.lease_of(LEASE_NAME, session=session)
            since = lease.checked_until if lease and lease.checked_until else now
            specs = job_specs(list_municipalities(session=session), self.ws)
            jobs = open_due_jobs(session, specs, since, now)
            if not rows.mark_checked(LEASE_NAME, self.lease.holder, now, session=session):
                session.rollback()  # the lease went to another clock: its jobs, not ours
                return []
            due = [(j.id, j.municipality_id) for j in jobs if j.id is not None and not j.done_at]
        for job_id, municipality_id in due:
            if self.lease.held():
                run_job(self.engine, job_id, municipality_id, now)
        return [job_id for job_id, _ in due]

    def sweep(self) -> int:
        """Run again every job not closed in time (never tried: at once); how many.

        Run at every step: one query on the open rows, and a failed job is back within a
        minute of its failure."""
        now = self.now()
        with Session(self.engine) as session:
            open_jobs = rows.jobs_to_run(
                tried_before=now - timedelta(seconds=RETRY_AFTER_S), session=session
            )
            again = [(j.id, j.municipality_id, _failed(j, now)) for j in open_jobs]
        if not again:
            return 0
        for job_id, municipality_id, failed in again:
            if job_id is None or not self.lease.held():
                continue
            if failed:
                count_failure(self.engine, job_id, municipality_id, now)
            run_job(self.engine, job_id, municipality_id, now)
        return len(again)

    def _due(self, what: str, every_s: float) -> bool:
        now, last = self.now(), self._last.get(what)
        if last is not None and now < last + timedelta(seconds=every_s):
            return False
        self._last[what] = now
        return True


def _guarded(sweep: Callable[..., object], *args: object) -> None:
    try:
        sweep(*args)
    except Exception as exc:  # tried again at its next time
        log.warning("%s failed: %s: %s", sweep.__name__, type(exc).__name__, exc)


def plan_sweep(engine: Engine) -> int:
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
        moved = escalate_due(session, now=now or utcnow())
    for alert_id, step in moved:
        log.info("alert %s escalated to step %s", alert_id, step)
    return moved


def make_clock(engine: Engine, *, holder: str | None = None, now: Now = utcnow) -> Clock:
    ws = get_worker_settings()
    lease = Lease(
        engine,
        holder or default_holder(),
        ttl_s=ws.clock_lease_ttl_s,
        renew_s=ws.clock_lease_renew_s,
        now=now,
    )
    return Clock(engine, ws, lease, now)


def run_clock(stop: threading.Event, *, with_relay: bool = True) -> None:
    """The `patronage clock` process: jobs, sweeps and the relay (while it holds the lease)
    until `stop` is set."""
    from workers.relay import Relay

    ws = get_worker_settings()
    clock = make_clock(get_engine())
    relay = None
    if with_relay:
        relay = Relay(
            clock.engine,
            interval_s=ws.relay_interval_s,
            max_backoff_s=ws.relay_max_backoff_s,
            batch=ws.relay_batch,
            may_send=clock.lease.held,
        ).start()
    # APScheduler paces the steps (one at a time; a step that overran is not run twice to catch
    # up); what is due and what was done lives in the database, so its job store is memory.
    pace = BackgroundScheduler(timezone=UTC)
    pace.add_job(
        _step_safely, IntervalTrigger(seconds=ws.clock_tick_s, timezone=UTC), args=[clock],
        id="clock-step", max_instances=1, coalesce=True, misfire_grace_time=None,
        next_run_time=datetime.now(UTC),
    )  # fmt: skip
    pace.start()
    try:
        stop.wait()
    finally:
        pace.shutdown(wait=True)
        if relay is not None:
            relay.stop()
        clock.lease.release()


def _step_safely(clock: Clock) -> None:
    try:
        clock.step()
    except Exception as exc:  # the database away: the next step tries again, nothing is lost
        log.warning("clock step failed: %s: %s", type(exc).__name__, exc)
