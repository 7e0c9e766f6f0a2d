"""Prometheus metrics of the event pipeline, and their exposition.

The metrics are created on first use, so a process that serves them from several processes
(a prefork worker, or the API next to workers on one machine) can set
`PROMETHEUS_MULTIPROC_DIR` before any value is created; each process then writes its numbers
to that folder and `exposition()` adds them up. Without the variable they live in this
process only, which is what a single process (the demo, a test) wants.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


@dataclass(frozen=True)
class Metrics:
    events_in: Counter
    tasks_run: Counter
    solve_seconds: Histogram
    publications: Counter
    outbox_backlog: Gauge


@lru_cache(maxsize=1)
def metrics() -> Metrics:
    return Metrics(
        events_in=Counter(
            "patronage_events_in", "Events moved from the outbox to the queue.", ["task"]
        ),
        tasks_run=Counter("patronage_tasks_run", "Tasks finished, by outcome.", ["task", "state"]),
        solve_seconds=Histogram(
            "patronage_solve_seconds",
            "Seconds to plan or re-plan a day (load, solve, store).",
            ["service"],
            buckets=(0.5, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89),
        ),
        publications=Counter(
            "patronage_publications", "Route publications sent, by outcome.", ["channel", "outcome"]
        ),
        outbox_backlog=Gauge(
            "patronage_outbox_backlog",
            "Outbox rows not yet on the queue, as the relay last saw them.",
            multiprocess_mode="liveall",
        ),
    )


def multiprocess_enabled() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


def registry() -> CollectorRegistry:
    """The registry to expose: every process's files in multiprocess mode, else this one."""
    if not multiprocess_enabled():
        return REGISTRY
    combined = CollectorRegistry()
    multiprocess.MultiProcessCollector(combined)  # type: ignore[no-untyped-call]  # unannotated upstream
    return combined


def exposition() -> tuple[bytes, str]:
    """The text a `/metrics` endpoint answers with, and its content type."""
    return generate_latest(registry()), CONTENT_TYPE_LATEST


def process_exited(pid: int) -> None:
    """Let go of a dead process's live gauges (multiprocess mode only)."""
    if multiprocess_enabled():
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]  # unannotated upstream
