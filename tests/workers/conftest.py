"""Fixtures of the pipeline tests: a migrated database in the environment, a clean Redis,
worker processes, and a municipality to record events for."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy.engine import Engine

from scheduler.db import make_engine, session_scope
from scheduler.intake.calendar import local_today
from scheduler.migrate import upgrade
from scheduler.models import Municipality
from tests.workers.procs import WorkerProcess
from workers import coalesce
from workers.celery_app import reset_app
from workers.settings import reset_worker_settings

# The day the pipeline tests plan: tomorrow in the towns' zone by the session's clock (see
# tests/timetravel.py). It must lie ahead of the clock of the workers that re-plan it (a day in
# their past counts as driven already); town.py makes it a delivery day whatever its weekday.
DAY = local_today("Europe/Sofia") + timedelta(days=1)


@pytest.fixture(autouse=True)
def _fresh_pipeline_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Settings, the Celery app, Redis clients and eager-mode claims are per test."""
    monkeypatch.setattr(coalesce, "_local", coalesce.LocalCoordinator())
    reset_worker_settings()
    reset_app()
    coalesce.redis_client.cache_clear()
    yield
    reset_worker_settings()
    reset_app()
    coalesce.redis_client.cache_clear()


def use_database(url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    upgrade(url)
    monkeypatch.setenv("PATRONAGE_DATABASE_URL", url)
    return make_engine(url)


@pytest.fixture
def pipeline_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A migrated SQLite database that this process and its workers are configured for."""
    engine = use_database(sqlite_url, monkeypatch)
    yield engine
    engine.dispose()


@pytest.fixture
def queue_redis(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The shared test Redis, emptied, configured as broker and coordinator."""
    redis.Redis.from_url(redis_url).flushdb()
    monkeypatch.setenv("PATRONAGE_REDIS_URL", redis_url)
    return redis_url


@pytest.fixture
def municipality_id(pipeline_db: Engine) -> int:
    return add_municipality(pipeline_db)


def add_municipality(engine: Engine, name: str = "Varna", **fields: Any) -> int:
    with session_scope(engine) as session:
        row = Municipality(name=name, **fields)
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    """Starts `patronage worker` processes with this test's environment; stops them after."""
    started: list[WorkerProcess] = []

    def start(name: str, *, wait: bool = True, metrics_port: int = 0) -> WorkerProcess:
        worker = WorkerProcess(f"{name}@test", dict(os.environ), metrics_port=metrics_port)
        started.append(worker)
        return worker.wait_ready() if wait else worker

    yield start
    for worker in started:  # all at once: each takes a moment to shut down
        worker.terminate()
    for worker in started:
        worker.stop()


def record(
    engine: Engine,
    municipality_id: int,
    key: str,
    *,
    task: str = "event",
    day: date = DAY,
    service: str | None = "meals",
    kind: str = "order.cancelled",
) -> int:
    """An event and its outbox row, committed, as the API writes them; the event id."""
    from scheduler.events import record_event

    args = {"municipality_id": municipality_id, "day": day.isoformat()}
    if service:
        args["service"] = service
    with session_scope(engine) as session:
        event, _ = record_event(
            session,
            municipality_id=municipality_id,
            kind=kind,
            key=key,
            day=day,
            service=service,
            tasks=[(task, args)],
        )
        assert event.id is not None
        return event.id
