"""Readiness, and the metrics of this process and of a worker's processes."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sqlalchemy.engine import Engine

from scheduler.db import make_engine
from tests.services import free_port
from tests.workers.conftest import record
from tests.workers.procs import WorkerProcess, wait_for
from workers.health import readiness
from workers.metrics import exposition
from workers.relay import relay_once


@pytest.mark.integration
def test_ready_with_the_database_even_when_redis_is_away(
    pipeline_db: Engine, municipality_id: int, queue_redis: str
) -> None:
    record(pipeline_db, municipality_id, "k1")
    up = readiness(pipeline_db, queue_redis)
    assert up["ready"] and up["redis"]["ok"] and up["outbox"] == {"ok": True, "waiting": 1}
    away = readiness(pipeline_db, f"redis://127.0.0.1:{free_port()}/0")
    assert away["ready"] and not away["redis"]["ok"]  # changes are still taken
    assert "Connection" in away["redis"]["error"]


def test_not_ready_without_the_database(tmp_path: object) -> None:
    broken = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    answer = readiness(broken, "")
    assert not answer["ready"] and not answer["database"]["ok"] and not answer["outbox"]["ok"]


def _sample(text: str, name: str, **labels: str) -> float:
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith(f"{name}{{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no {name}{{{want}}} in the metrics")


def test_relayed_events_are_counted(pipeline_db: Engine, municipality_id: int) -> None:
    before = exposition()[0].decode()
    try:
        start = _sample(before, "patronage_events_in_total", task="stop")
    except AssertionError:
        start = 0.0
    for i in range(3):
        record(pipeline_db, municipality_id, f"k{i}", task="stop")
    relay_once(pipeline_db, lambda row: None)
    text, content_type = exposition()
    assert content_type.startswith("text/plain")
    assert _sample(text.decode(), "patronage_events_in_total", task="stop") == start + 3


@pytest.mark.integration
def test_a_worker_serves_the_counts_of_its_pool_processes(
    pipeline_db: Engine,
    municipality_id: int,
    queue_redis: str,
    start_worker: Callable[..., WorkerProcess],
) -> None:
    port = free_port()
    start_worker("w1", metrics_port=port)
    for i in range(4):
        record(pipeline_db, municipality_id, f"k{i}")
    relay_once(pipeline_db)

    def counted() -> bool:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics").text
        try:
            return _sample(text, "patronage_tasks_run_total", task="patronage.event") == 4
        except AssertionError:
            return False

    wait_for(counted, 15, "the worker's metrics")
