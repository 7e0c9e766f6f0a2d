"""The faults the pipeline must survive, with real Redis, real worker processes, real plans.

Each test starts `patronage worker` processes against the test's database and a Redis, runs
the outbox relay in this process, and makes changes the way the API does (the meal service's
own functions, each in its own transaction).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.db import session_scope
from scheduler.events import record_event
from scheduler.models import Alert, Outbox, Publication
from scheduler.planning.runs import pending_events
from tests.services import free_port
from tests.workers import servers, town
from tests.workers.conftest import DAY, use_database
from tests.workers.procs import RedisProcess, WorkerProcess, wait_for
from workers.celery_app import RUN_PLAN, enqueue
from workers.relay import Relay, backlog, celery_send
from workers.targets import save_target

pytestmark = pytest.mark.integration

StartWorker = Callable[..., WorkerProcess]


@pytest.fixture(autouse=True)
def _short_solves(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings this process and its workers share (workers inherit the environment)."""
    monkeypatch.setenv("PATRONAGE_SOLVE_TIME_LIMIT_S", "1")
    monkeypatch.setenv("PATRONAGE_REPLAN_TIME_LIMIT_S", "0.5")
    monkeypatch.setenv("PATRONAGE_REPLAN_DELAY_S", "0.5")


@contextmanager
def relaying(engine: Engine) -> Iterator[Relay]:
    relay = Relay(engine, celery_send, interval_s=0.05, max_backoff_s=0.5).start()
    try:
        yield relay
    finally:
        relay.stop()


def planned(engine: Engine, municipality_id: int) -> bool:
    """No plan event of the day is left unplanned."""
    with Session(engine) as session:
        return not pending_events(session, municipality_id, DAY, "meals")


def settled(engine: Engine, municipality_id: int) -> bool:
    """Nothing waits: the outbox is empty and no plan event is left unplanned."""
    return planned(engine, municipality_id) and backlog(engine) == 0


def test_twenty_cancellations_in_a_burst_give_one_replan(
    pipeline_db: Engine,
    queue_redis: str,
    start_worker: StartWorker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATRONAGE_REPLAN_DELAY_S", "3")  # the burst's window
    mid = town.meal_day(pipeline_db, subscribed=24)
    town.plan_now(pipeline_db, mid)
    worker = start_worker("w1")
    gone = town.client_ids(pipeline_db, mid)[:20]
    with relaying(pipeline_db):
        started = time.monotonic()
        for client_id in gone:
            town.cancel(pipeline_db, mid, client_id)
        assert time.monotonic() - started < 3, "the burst took longer than its window"
        wait_for(lambda: settled(pipeline_db, mid), 20, "the re-plan")
    _, second = town.versions(pipeline_db, mid)
    assert second.id is not None and "order.cancelled x20" in second.reason
    kept = set(town.client_ids(pipeline_db, mid)[20:])
    assert town.served_clients(pipeline_db, second.id) == kept
    wait_for(lambda: worker.saw("succeeded"), 5, "the log")
    runs = [line for line in worker.lines if f"{RUN_PLAN}[" in line and "succeeded" in line]
    assert len(runs) == 1 and "'planned'" in runs[0]


def test_two_runs_of_one_day_at_once_wait_for_each_other(
    pipeline_db: Engine, queue_redis: str, start_worker: StartWorker
) -> None:
    mid = town.meal_day(pipeline_db)
    town.plan_now(pipeline_db, mid)
    town.cancel(pipeline_db, mid, town.client_ids(pipeline_db, mid)[0])
    w1, w2 = start_worker("w1"), start_worker("w2")
    for _ in range(2):  # around the coalescing, as two schedulers racing would
        enqueue(RUN_PLAN, municipality_id=mid, day=DAY.isoformat(), service="meals")
    wait_for(lambda: planned(pipeline_db, mid), 20, "the runs")
    wait_for(lambda: w1.saw("'nothing_new'") or w2.saw("'nothing_new'"), 10, "the second run")
    log = w1.output() + "\n" + w2.output()
    assert log.count("'planned'") == 1 and "Retry in" in log
    assert len(town.versions(pipeline_db, mid)) == 2


def test_a_worker_killed_while_solving_leaves_the_run_to_another_and_one_version(
    pipeline_db: Engine,
    queue_redis: str,
    start_worker: StartWorker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A message taken by a dead worker goes back to the queue after the visibility timeout
    # (short here); the redelivered task takes over the day's lock its dead attempt held.
    for key, value in {
        "REPLAN_TIME_LIMIT_S": "3",
        "VISIBILITY_TIMEOUT_S": "6",
        "UNACKED_RESTORE_INTERVAL_S": "1",
        "REPLAN_DELAY_S": "0",
    }.items():
        monkeypatch.setenv(f"PATRONAGE_{key}", value)
    mid = town.meal_day(pipeline_db, subscribed=30, unsubscribed=1, vans=3)
    town.plan_now(pipeline_db, mid)
    doomed = start_worker("doomed")
    with relaying(pipeline_db):
        # A new order (a cancellation is re-planned without a search, too fast to interrupt).
        town.order(pipeline_db, mid, town.client_ids(pipeline_db, mid)[-1])
        wait_for(lambda: doomed.saw(f"{RUN_PLAN}["), 10, "the run to start")
        time.sleep(1.0)  # inside the three-second solve
        assert not any("succeeded" in line and RUN_PLAN in line for line in doomed.lines)
        doomed.kill()
        survivor = start_worker("survivor")
        wait_for(lambda: settled(pipeline_db, mid), 20, "the run on the survivor")
    assert len(town.versions(pipeline_db, mid)) == 2
    wait_for(lambda: survivor.saw("'planned'"), 5, "the survivor's log")
    assert survivor.saw(f"{RUN_PLAN}[")


def test_a_pool_process_killed_mid_solve_is_replaced_and_the_run_requeued_at_once(
    pipeline_db: Engine,
    queue_redis: str,
    start_worker: StartWorker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATRONAGE_REPLAN_TIME_LIMIT_S", "3")
    monkeypatch.setenv("PATRONAGE_REPLAN_DELAY_S", "0")
    mid = town.meal_day(pipeline_db, unsubscribed=1)
    town.plan_now(pipeline_db, mid)
    worker = start_worker("w1")
    with relaying(pipeline_db):
        town.order(pipeline_db, mid, town.client_ids(pipeline_db, mid)[-1])  # needs a search
        wait_for(lambda: worker.saw(f"{RUN_PLAN}["), 10, "the run to start")
        time.sleep(1.0)
        (child,) = _children(worker.proc.pid)
        os.kill(child, signal.SIGKILL)  # as the kernel's out-of-memory killer would
        # Rejected and requeued at once (no visibility timeout to wait for), run again here.
        wait_for(lambda: settled(pipeline_db, mid), 15, "the run to be done again")
    assert len(town.versions(pipeline_db, mid)) == 2
    # The worker logs the run's result after it is stored: the log may trail the database.
    wait_for(lambda: worker.saw("'planned'"), 5, "the worker's log of the run")
    assert worker.saw("WorkerLostError")


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_orders_taken_while_redis_is_down_are_all_planned_when_it_returns(
    pipeline_db: Engine,
    start_worker: StartWorker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    private = RedisProcess(tmp_path / "redis", free_port()).start()  # ours to stop
    monkeypatch.setenv("PATRONAGE_REDIS_URL", private.url)
    try:
        mid = town.meal_day(pipeline_db, subscribed=8, unsubscribed=10)
        town.plan_now(pipeline_db, mid)
        start_worker("w1")
        newcomers = town.client_ids(pipeline_db, mid)[8:]
        with relaying(pipeline_db):
            wait_for(lambda: backlog(pipeline_db) == 0, 5, "the relay to send the setup's rows")
            private.stop()
            before = _last_outbox_id(pipeline_db)
            for client_id in newcomers:
                town.order(pipeline_db, mid, client_id)  # accepted: only the database is needed
            wait_for(lambda: _relay_tried(pipeline_db), 10, "the relay to meet the outage")
            written = _last_outbox_id(pipeline_db) - before
            assert written >= len(newcomers) and backlog(pipeline_db) == written
            assert len(town.versions(pipeline_db, mid)) == 1
            private.start()
            wait_for(lambda: settled(pipeline_db, mid), 25, "catching up after the outage")
        latest = town.versions(pipeline_db, mid)[-1]
        assert latest.id is not None and "order.placed x10" in latest.reason
        assert set(newcomers) <= town.served_clients(pipeline_db, latest.id)
    finally:
        private.stop()


def _last_outbox_id(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(Outbox.id).order_by(col(Outbox.id).desc())).first() or 0


def _relay_tried(engine: Engine) -> bool:
    with Session(engine) as session:
        rows = session.exec(select(Outbox).where(Outbox.attempts > 0)).all()
    return any("refused" in row.last_error.lower() for row in rows)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_same_event_delivered_three_times_has_one_effect(
    backend: str,
    request: pytest.FixtureRequest,
    queue_redis: str,
    start_worker: StartWorker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = str(request.getfixturevalue(f"{backend.replace('postgresql', 'postgres')}_url"))
    engine = use_database(url, monkeypatch)
    mid = town.meal_day(engine)
    town.plan_now(engine, mid)
    town.cancel(engine, mid, town.client_ids(engine, mid)[0])
    with Session(engine) as session:
        row = session.exec(select(Outbox).order_by(col(Outbox.id).desc())).first()
    assert row is not None and row.task == "replan"  # the cancellation's re-freeze
    worker = start_worker("w1")
    for _ in range(3):
        celery_send(row)
    with relaying(engine):  # the relay sends it a fourth time, and the re-freeze's row
        wait_for(lambda: settled(engine, mid), 20, "the re-plan")
    celery_send(row)  # and once more, long after
    wait_for(lambda: worker.output().count("'duplicate'") >= 2, 10, "the late duplicates")
    assert len(town.versions(engine, mid)) == 2
    engine.dispose()


def test_a_gateway_answering_500_then_200_gets_the_route_once_and_it_is_recorded(
    pipeline_db: Engine,
    queue_redis: str,
    start_worker: StartWorker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATRONAGE_PUBLISH_BACKOFF_S", "0.3")
    mid = town.meal_day(pipeline_db, vans=1)
    town.plan_now(pipeline_db, mid)
    start_worker("w1")
    with servers.gateway("gw-secret", script=[500]) as gw:
        with session_scope(pipeline_db) as session:
            save_target(
                session,
                mid,
                channel="webhook",
                address=f"{gw.url}/viber",
                secrets={"secret": "gw-secret"},
                label="Viber gateway",
            )
            args = {"municipality_id": mid, "day": DAY.isoformat(), "service": "meals"}
            record_event(
                session,
                municipality_id=mid,
                kind="publish_requested",
                key="pub-1",
                day=DAY,
                service="meals",
                tasks=[("publish", args)],
            )
        with relaying(pipeline_db):
            wait_for(lambda: len(gw.state.accepted) == 1, 15, "the second try")
            time.sleep(0.5)
    assert [r.path for r in gw.state.requests] == ["/viber", "/viber"]
    with Session(pipeline_db) as session:
        (pub,) = session.exec(select(Publication)).all()
        alerts = session.exec(select(Alert)).all()
    assert (pub.status, pub.attempts, pub.channel) == ("delivered", 2, "webhook")
    assert alerts == []


def test_two_workers_under_different_names_share_one_queue(
    pipeline_db: Engine,
    queue_redis: str,
    start_worker: StartWorker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATRONAGE_REPLAN_DELAY_S", "0")  # no countdown: plain queue order
    towns = [town.meal_day(pipeline_db, name=f"Town {i}", subscribed=8) for i in range(4)]
    w1, w2 = start_worker("w1"), start_worker("w2")
    with relaying(pipeline_db):
        with session_scope(pipeline_db) as session:
            for mid in towns:
                args = {"municipality_id": mid, "day": DAY.isoformat(), "service": "meals"}
                record_event(
                    session,
                    municipality_id=mid,
                    kind="plan_requested",
                    key="p",
                    day=DAY,
                    service="meals",
                    tasks=[("plan", args)],
                )
        wait_for(lambda: all(settled(pipeline_db, mid) for mid in towns), 20, "four plans")
    assert all(len(town.versions(pipeline_db, mid)) == 1 for mid in towns)
    assert w1.saw(f"{RUN_PLAN}[") and w2.saw(f"{RUN_PLAN}[")
    assert redis.Redis.from_url(queue_redis).llen("patronage") == 0
