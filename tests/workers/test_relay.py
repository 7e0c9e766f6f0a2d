"""The relay: id order, nothing lost while the broker is down, one bad row holds only its date."""

from __future__ import annotations

import json
from datetime import timedelta

import kombu.exceptions
import pytest
import redis
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.models import Outbox
from tests.workers.conftest import DAY, add_municipality, record
from tests.workers.procs import wait_for
from workers.celery_app import QUEUE
from workers.relay import Relay, backlog, celery_send, relay_once


class Broker:
    """A send function that records what it sends and can be switched off like Redis."""

    def __init__(self) -> None:
        self.sent: list[int] = []
        self.down = False
        self.refuse: set[int] = set()  # outbox ids this broker rejects for their own reason

    def __call__(self, row: Outbox) -> None:
        if self.down:
            raise kombu.exceptions.OperationalError("Error 111 connecting. Connection refused.")
        assert row.id is not None
        if row.id in self.refuse:
            raise ValueError("cannot serialize")
        self.sent.append(row.id)


def _outbox(engine: Engine) -> list[Outbox]:
    with Session(engine) as session:
        return list(session.exec(select(Outbox).order_by(col(Outbox.id))).all())


def test_rows_go_out_in_id_order_and_are_marked(pipeline_db: Engine, municipality_id: int) -> None:
    ids = [record(pipeline_db, municipality_id, f"k{i}") for i in range(5)]
    broker = Broker()
    result = relay_once(pipeline_db, broker)
    assert result.sent == 5 and not result.broker_down
    assert broker.sent == [row.id for row in _outbox(pipeline_db)]
    assert all(row.dispatched_at is not None for row in _outbox(pipeline_db))
    assert relay_once(pipeline_db, broker).sent == 0  # nothing twice
    assert [row.event_id for row in _outbox(pipeline_db)] == ids


def test_broker_down_stops_the_pass_and_later_rows_do_not_overtake(
    pipeline_db: Engine, municipality_id: int
) -> None:
    for i in range(3):
        record(pipeline_db, municipality_id, f"early{i}")
    broker = Broker()
    relay_once(pipeline_db, broker)
    broker.down = True
    for i in range(4):
        record(pipeline_db, municipality_id, f"late{i}")
    result = relay_once(pipeline_db, broker)
    assert result.broker_down and result.sent == 0 and "refused" in result.error
    assert backlog(pipeline_db) == 4
    first_waiting = next(r for r in _outbox(pipeline_db) if r.dispatched_at is None)
    assert first_waiting.attempts == 1 and "OperationalError" in first_waiting.last_error
    broker.down = False
    assert relay_once(pipeline_db, broker).sent == 4
    assert broker.sent == sorted(broker.sent) and len(broker.sent) == 7
    assert backlog(pipeline_db) == 0


def test_a_row_that_cannot_be_sent_holds_back_only_its_own_date(pipeline_db: Engine) -> None:
    varna, ruse = add_municipality(pipeline_db, "Varna"), add_municipality(pipeline_db, "Ruse")
    bad = record(pipeline_db, varna, "a")
    after_bad = record(pipeline_db, varna, "b")
    other_day = record(pipeline_db, varna, "c", day=DAY + timedelta(days=1))
    other_town = record(pipeline_db, ruse, "d")
    rows = {row.event_id: row.id or 0 for row in _outbox(pipeline_db)}
    broker = Broker()
    broker.refuse = {rows[bad]}
    result = relay_once(pipeline_db, broker)
    assert broker.sent == [rows[other_day], rows[other_town]]
    assert result.skipped == 2 and not result.broker_down
    assert {r.id for r in _outbox(pipeline_db) if r.dispatched_at is None} == {
        rows[bad],
        rows[after_bad],
    }


def test_the_relay_loop_waits_out_an_outage_and_catches_up(
    pipeline_db: Engine, municipality_id: int
) -> None:
    broker = Broker()
    broker.down = True
    relay = Relay(pipeline_db, broker, interval_s=0.02, max_backoff_s=0.1).start()
    try:
        for i in range(10):
            record(pipeline_db, municipality_id, f"k{i}")
        wait_for(lambda: _outbox(pipeline_db)[0].attempts >= 2, 5, "a few failed tries")
        assert broker.sent == []
        broker.down = False
        wait_for(lambda: backlog(pipeline_db) == 0, 5, "the relay to catch up")
    finally:
        relay.stop()
    assert broker.sent == [row.id for row in _outbox(pipeline_db)]


@pytest.mark.integration
def test_rows_land_on_the_redis_queue_in_order(
    pipeline_db: Engine, municipality_id: int, queue_redis: str
) -> None:
    for i in range(20):
        record(pipeline_db, municipality_id, f"k{i}", task="plan")
    record(pipeline_db, municipality_id, "x", task="no-such-task")
    assert relay_once(pipeline_db, celery_send).sent == 21
    queued = redis.Redis.from_url(queue_redis).lrange(QUEUE, 0, -1)
    # LPUSH onto the list, consumers pop from the other end: the oldest is last here.
    headers = [json.loads(m)["headers"] for m in reversed(queued)]
    assert [h["id"] for h in headers] == [f"outbox-{row.id}" for row in _outbox(pipeline_db)]
    assert [h["task"] for h in headers] == ["patronage.plan"] * 20 + ["patronage.event"]
