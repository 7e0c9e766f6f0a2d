"""The Celery application, built from settings on first use (never at import time).

With a Redis URL the tasks go through Redis to `patronage worker` processes on any machine
that shares the broker and the database. Without one (the embedded demo, unit tests) the app
runs in eager mode: the same task code, run in the caller's process.

Delivery guarantees come from the configuration, not from the task bodies:
- late acknowledgement, and rejection when a worker process is lost, so a task whose worker
  died is handed to another one instead of being forgotten;
- one message prefetched per worker process, so a long solve does not hold others hostage;
- JSON only, so a message is ids and strings that any version of the code can read.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, ParamSpec, TypeVar

from celery import Celery, shared_task

from scheduler.settings import get_settings
from workers.settings import WorkerSettings, get_worker_settings

QUEUE = "patronage"
TASK_MODULES = ["workers.tasks"]
RUN_PLAN = "patronage.run_plan"

P = ParamSpec("P")
R = TypeVar("R")


def typed_task(name: str, **options: Any) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Celery's `shared_task` that keeps the function's signature for the type checker: Celery
    ships no annotations, and its bare decorator would leave every task untyped."""
    decorate: Callable[[Callable[P, R]], Callable[P, R]] = shared_task(name=name, **options)
    return decorate


def plan_time_limits(solve_limit_s: float, ws: WorkerSettings) -> tuple[float, float]:
    """(soft, hard) seconds of a plan run: the longer solver budget plus the margins."""
    budget = max(solve_limit_s, ws.replan_time_limit_s)
    return budget + ws.solve_soft_margin_s, budget + ws.solve_hard_margin_s


def celery_config(broker_url: str, ws: WorkerSettings, solve_limit_s: float) -> dict[str, Any]:
    eager = not broker_url
    soft, hard = plan_time_limits(solve_limit_s, ws)
    return {
        "broker_url": broker_url or "memory://",
        "task_always_eager": eager,
        "task_eager_propagates": eager,
        "task_ignore_result": True,  # results live in the database, not in the broker
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_default_queue": QUEUE,
        "timezone": "UTC",
        "enable_utc": True,
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,  # a worker waits for Redis, however long
        "broker_connection_timeout": 3,
        # A publish from a task fails fast; the task's own retry (with backoff) tries again.
        "task_publish_retry_policy": {
            "max_retries": 2,
            "interval_start": 0.2,
            "interval_step": 0.5,
            "interval_max": 1,
        },
        "broker_transport_options": {
            "visibility_timeout": ws.visibility_timeout_s,
            "unacked_restore_interval": ws.unacked_restore_interval_s,
            "unacked_restore_throttle": 1,
            "socket_connect_timeout": 3,
            "socket_timeout": 10,
            # Opening a connection to publish fails at once instead of retrying for seconds:
            # the relay has its own backoff, and tasks retry their publishes by policy.
            "max_retries": 0,
        },
        "worker_hijack_root_logger": False,
        "task_annotations": {RUN_PLAN: {"soft_time_limit": soft, "time_limit": hard}},
    }


def make_celery(broker_url: str | None = None) -> Celery:
    """A Celery app on `broker_url` (default: PATRONAGE_REDIS_URL; empty: eager mode)."""
    settings = get_settings()
    url = settings.redis_url if broker_url is None else broker_url
    app = Celery("patronage", include=TASK_MODULES, set_as_current=True)
    app.conf.update(celery_config(url, get_worker_settings(), settings.solve_time_limit_s))
    from workers import signals  # per-process set-up and task metrics

    signals.connect()
    app.loader.import_default_modules()
    return app


@lru_cache(maxsize=1)
def get_app() -> Celery:
    """The process-wide app, built on first use."""
    return make_celery()


def reset_app() -> None:
    """Forget the app (tests change the broker between cases)."""
    get_app.cache_clear()


def enqueue(name: str, countdown: float | None = None, **kwargs: Any) -> None:
    """Send task `name` with keyword arguments (runs inline in eager mode)."""
    get_app().tasks[name].apply_async(kwargs=kwargs, countdown=countdown)
