"""The Celery tasks: thin, taking ids, idempotent.

Each task loads what it needs, calls scheduler code, stores, and enqueues the next step. An
event is handled once however often its message arrives: tasks with a direct effect claim the
event (`processed_at`, set only if still empty) in the transaction of the effect; plan
requests leave that to the plan run, which marks the events it planned
(`scheduler.planning.runs`).

Transport errors (database, Redis, broker) are retried with exponential backoff and jitter;
a domain error is not retried but becomes an alert for the dispatcher.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import lru_cache
from typing import Any

import httpx
import kombu.exceptions
import redis.exceptions
import sqlalchemy.exc
from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from sqlmodel import Session

from scheduler.alerts import N_, AlertKind, raise_alert
from scheduler.db import session_scope
from scheduler.errors import DomainError, NotFoundError
from scheduler.intake.cutoff import COLLECTORS
from scheduler.intake.freezing import freeze_if_delivering
from scheduler.models import Plan, Service
from scheduler.models.base import utcnow
from scheduler.planning import plan_day
from scheduler.planning.runs import PlanRun, event_processed, give_up, run_plan
from scheduler.repositories.clock import close_job
from scheduler.repositories.events import claim_event
from scheduler.repositories.plans import get_plan, get_version, plan_by_id, version_by_id
from scheduler.settings import get_settings
from workers.alerting import notify
from workers.celery_app import RUN_PLAN, enqueue, plan_time_limits, typed_task
from workers.coalesce import coordinator, day_key, exclusive
from workers.metrics import metrics
from workers.publishing import deliver, publish_version
from workers.settings import get_worker_settings

log = logging.getLogger(__name__)

TRANSIENT = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
)
RETRY: dict[str, Any] = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 20,
}


# --- plan requests and plan runs -------------------------------------------------------------


def request_plan(
    municipality_id: int, day: str, service: str, event_id: int | None = None, **_: Any
) -> str:
    """A change needs (re)planning: schedule one run of the day unless one is scheduled."""
    # Task arguments arrive as JSON: the service is checked here, once, as the task starts.
    svc = Service(service)
    if event_id is not None:
        with session_scope() as session:
            if event_processed(session, municipality_id, event_id):
                return "duplicate"
    return "scheduled" if schedule_plan_run(municipality_id, day, svc) else "joined"


plan = shared_task(name="patronage.plan", **RETRY)(request_plan)
replan = shared_task(name="patronage.replan", **RETRY)(request_plan)


def schedule_plan_run(municipality_id: int, day: str, service: Service) -> bool:
    """Schedule a run after the coalescing delay; False when one is already scheduled."""
    ws = get_worker_settings()
    flag = day_key(municipality_id, day, service) + ":scheduled"
    coord = coordinator()
    if not coord.claim(flag, ws.replan_delay_s + 60):
        return False
    try:
        enqueue(
            RUN_PLAN,
            countdown=ws.replan_delay_s or None,
            municipality_id=municipality_id,
            day=day,
            service=service,
        )
    except BaseException:
        coord.forget(flag)  # let the next event (or the retry of this one) schedule it
        raise
    return True


@typed_task(name=RUN_PLAN, bind=True, **RETRY)
def run_plan_task(self: Task, municipality_id: int, day: str, service: str) -> str:
    """Plan the day under its lock; publish the new version if the day was published."""
    svc = Service(service)
    ws = get_worker_settings()
    key = day_key(municipality_id, day, svc)
    coord = coordinator()
    _, hard = plan_time_limits(get_settings().solve_time_limit_s, ws)
    owner = str(self.request.id)
    with exclusive(coord, key + ":lock", hard + ws.plan_lock_margin_s, owner) as held:
        if not held:  # another run plans this day now; come back when it is done
            raise self.retry(countdown=ws.replan_lock_wait_s, max_retries=None)
        # Forget the schedule before reading the events: a change arriving from now on
        # schedules the next run instead of joining this one, which may not see it.
        coord.forget(key + ":scheduled")
        result = _plan_under_lock(municipality_id, date.fromisoformat(day), svc)
    if result.outcome == "planned":
        metrics().solve_seconds.labels(service=svc).observe(result.seconds)
    if result.publish and result.plan_version_id is not None:
        enqueue(
            "patronage.publish_version",
            municipality_id=municipality_id,
            plan_version_id=result.plan_version_id,
        )
    return result.outcome


def _plan_under_lock(municipality_id: int, day: date, service: Service) -> PlanRun:
    limits = {
        "time_limit": get_settings().solve_time_limit_s,
        "replan_time_limit": get_worker_settings().replan_time_limit_s,
    }
    try:
        with session_scope() as session:
            return run_plan(session, municipality_id, day, service, planner=plan_day, **limits)
    except SoftTimeLimitExceeded:
        why = N_("Planning %(service)s for %(day)s ran over its time limit; the last plan stands")
        params = {"service": str(service), "day": str(day)}
    except DomainError as exc:
        why = N_("Planning %(service)s for %(day)s failed: %(why)s")
        params = {"service": str(service), "day": str(day), "why": str(exc)}
    with session_scope() as session:
        give_up(session, municipality_id, day, service)
        raise_alert(session, municipality_id, AlertKind.plan_failed, why, params=params)
    return PlanRun("failed")


# --- the clock's actions ---------------------------------------------------------------------


@typed_task(name="patronage.cutoff", **RETRY)
def cutoff(
    municipality_id: int,
    day: str,
    event_id: int | None = None,
    clock_job: int | None = None,
    **_: Any,
) -> str:
    """Orders for `day` close: freeze each service (the freeze asks for the plan)."""
    with session_scope() as session:
        if event_id is not None and not claim_event(municipality_id, event_id, session=session):
            return "duplicate"
        frozen = [
            service
            for service in sorted(COLLECTORS)
            if freeze_if_delivering(session, municipality_id, date.fromisoformat(day), service)
        ]
        _close_clock_job(session, municipality_id, clock_job)
    return "frozen: " + (", ".join(frozen) or "nothing (no delivery that day)")


@typed_task(name="patronage.morning", **RETRY)
def morning(
    municipality_id: int,
    day: str,
    service: str,
    event_id: int | None = None,
    clock_job: int | None = None,
    **_: Any,
) -> str:
    """The morning plan: make sure the day is frozen and planned, with the night's changes.

    The clock's job is done with the freeze (whose events ask for the plan): from there the
    plan run is the pipeline's, which the clock's plan sweep keeps from being lost."""
    svc = Service(service)
    with session_scope() as session:
        if event_id is not None and not claim_event(municipality_id, event_id, session=session):
            return "duplicate"
        if svc in COLLECTORS:
            freeze_if_delivering(session, municipality_id, date.fromisoformat(day), svc)
        _close_clock_job(session, municipality_id, clock_job)
    schedule_plan_run(municipality_id, day, svc)
    return "scheduled"


# --- publishing --------------------------------------------------------------------------------


@typed_task(name="patronage.publish", **RETRY)
def publish(
    municipality_id: int,
    day: str,
    service: str,
    event_id: int | None = None,
    clock_job: int | None = None,
    **_: Any,
) -> str:
    """Publish the day's current version (the clock before the vans leave, or a dispatcher)."""
    svc = Service(service)
    with session_scope() as session:
        if event_id is not None and not claim_event(municipality_id, event_id, session=session):
            return "duplicate"
        _close_clock_job(session, municipality_id, clock_job)  # with the publication (or alert)
        plan = get_plan(municipality_id, date.fromisoformat(day), svc, session=session)
        if plan is None or plan.current_version == 0:
            why = N_("Nothing to publish: no %(service)s plan for %(day)s yet")
            params = {"service": svc.value, "day": day}
            raise_alert(session, municipality_id, AlertKind.publish_skipped, why, params=params)
            return "no plan"
        ids = _publish_current(session, plan)
    _send_all(municipality_id, ids)
    return f"{len(ids)} to send"


@typed_task(name="patronage.publish_version", **RETRY)
def publish_version_task(municipality_id: int, plan_version_id: int) -> str:
    """Publish a version a re-plan made of a day already published."""
    with session_scope() as session:
        try:
            version = version_by_id(municipality_id, plan_version_id, session=session)
        except NotFoundError:
            return "superseded"  # the version is gone; the day's newer one is published itself
        plan = plan_by_id(municipality_id, version.plan_id, session=session)
        if plan is None or version.version < plan.current_version:
            return "superseded"  # a newer version exists and will be published itself
        ids = publish_version(session, plan, version)
    _send_all(municipality_id, ids)
    return f"{len(ids)} to send"


def _close_clock_job(session: Session, municipality_id: int, clock_job: int | None) -> None:
    """The clock's job is done in the transaction of its effect (workers.clock)."""
    if clock_job is not None:
        close_job(municipality_id, clock_job, at=utcnow(), session=session)


def _publish_current(session: Session, plan: Plan) -> list[int]:
    current = get_version(plan.municipality_id, plan, plan.current_version, session=session)
    return [] if current is None else publish_version(session, plan, current)


def _send_all(municipality_id: int, publication_ids: list[int]) -> None:
    for publication_id in publication_ids:
        enqueue("patronage.deliver", municipality_id=municipality_id, publication_id=publication_id)


@typed_task(name="patronage.deliver", bind=True, **RETRY)
def deliver_task(self: Task, municipality_id: int, publication_id: int) -> str:
    """Send one publication; retried with backoff, an alert when it finally fails."""
    settings, ws = get_settings(), get_worker_settings()
    with session_scope() as session:
        result = deliver(
            session,
            municipality_id,
            publication_id,
            http_client(),
            base_url=settings.base_url,
            ws=ws,
            vapid_key=settings.vapid_private_key,
            vapid_subject=settings.vapid_subject,
        )
    if result.retry_in is not None:
        raise self.retry(countdown=result.retry_in, max_retries=None)
    return result.outcome


@lru_cache(maxsize=1)
def http_client() -> httpx.Client:
    """One connection pool per worker process for everything that leaves the building."""
    return httpx.Client(timeout=get_worker_settings().http_timeout_s, follow_redirects=False)


# --- alerts for people ------------------------------------------------------------------------


@typed_task(name="patronage.notify_alert", bind=True, **RETRY)
def notify_alert_task(
    self: Task,
    municipality_id: int,
    alert_id: int,
    step: int,
    event_id: int | None = None,
    **_: Any,
) -> str:
    """Tell the people of an alert's step (scheduler.welfare); each target once."""
    settings, ws = get_settings(), get_worker_settings()
    with session_scope() as session:
        if event_id is not None:
            claim_event(municipality_id, event_id, session=session)  # a retry sends what is left
        result = notify(
            session,
            municipality_id,
            alert_id,
            step,
            http_client(),
            base_url=settings.base_url,
            ws=ws,
            vapid_key=settings.vapid_private_key,
            vapid_subject=settings.vapid_subject,
        )
    if result.retry_in is not None:
        raise self.retry(countdown=result.retry_in, max_retries=ws.publish_max_attempts)
    return f"{result.delivered} delivered, {result.failed} failed"


# --- any other event ---------------------------------------------------------------------------


@typed_task(name="patronage.event", **RETRY)
def handle_event(event_id: int, **_: Any) -> str:
    """An event with no work of its own yet (a stop confirmed): recorded as processed.

    Its message carries only the event's id, so the claim is by id alone (`claim_event`).
    """
    with session_scope() as session:
        claimed = claim_event(None, event_id, session=session)
        return "processed" if claimed else "duplicate"
