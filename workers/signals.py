"""Celery signal handlers: per-process set-up and the task counters."""

from __future__ import annotations

import os
from typing import Any

from celery import signals

from workers.metrics import metrics, process_exited

_connected = False


def connect() -> None:
    """Connect the handlers once per process, however many apps are made."""
    global _connected
    if _connected:
        return
    signals.worker_process_init.connect(_fresh_connections, weak=False)
    signals.worker_process_shutdown.connect(_process_exit, weak=False)
    signals.task_postrun.connect(_count_task, weak=False)
    _connected = True


def _fresh_connections(**_: Any) -> None:
    # A forked child must not share the parent's database sockets.
    from scheduler.db import get_engine

    get_engine().dispose(close=False)


def _process_exit(**_: Any) -> None:
    process_exited(os.getpid())


def _count_task(task: Any = None, state: str | None = None, **_: Any) -> None:
    if task is not None:
        metrics().tasks_run.labels(task=task.name, state=state or "UNKNOWN").inc()
