"""Two `patronage clock` processes on one database: one relays, the other stands by and takes
over when the first is killed.

Real processes, started as an operator starts them, with the lease's times shortened through
the environment (a two-second lease) so the take-over is seen in seconds. With no Redis
configured each clock's relay runs the tasks it sends (Celery's eager mode), so an event
taken in shows which clock relayed it: the one holding the lease.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.models import ClockLease, Event, Outbox
from tests.workers.conftest import add_municipality, record, use_database
from tests.workers.procs import ClockProcess, wait_for

HOLDING = "holding the clock lease"
STANDING_BY = "standing by"


@pytest.fixture
def clocks_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    engine = use_database(db_url, monkeypatch)
    for name, value in {
        "PATRONAGE_CLOCK_TICK_S": "0.2",
        "PATRONAGE_CLOCK_LEASE_RENEW_S": "0.5",
        "PATRONAGE_CLOCK_LEASE_TTL_S": "2",
        "PATRONAGE_RELAY_INTERVAL_S": "0.05",
    }.items():
        monkeypatch.setenv(name, value)
    yield engine
    engine.dispose()


def _holder(engine: Engine) -> str:
    with Session(engine) as session:
        lease = session.get(ClockLease, "clock")
        return lease.holder if lease else ""


def _all_taken_in(engine: Engine) -> bool:
    """Every event taken in by its task, and its outbox row marked sent."""
    with Session(engine) as session:
        waiting = session.exec(select(Event).where(col(Event.processed_at).is_(None))).all()
        unsent = session.exec(select(Outbox).where(col(Outbox.dispatched_at).is_(None))).all()
        return not waiting and not unsent


def _send_errors(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return [row.last_error for row in session.exec(select(Outbox)).all() if row.attempts]


def test_one_clock_relays_the_other_stands_by_and_takes_over(clocks_db: Engine) -> None:
    mid = add_municipality(clocks_db)
    first = ClockProcess("clock-1", dict(os.environ))
    second = None
    try:
        first.wait_for_line(HOLDING)
        second = ClockProcess("clock-2", dict(os.environ))
        second.wait_for_line(STANDING_BY)
        assert _holder(clocks_db).endswith(f":{first.proc.pid}")
        for i in range(5):
            record(clocks_db, mid, f"while-both-{i}")
        wait_for(lambda: _all_taken_in(clocks_db), 20, "the first clock to relay")
        assert not second.saw(HOLDING)  # it never relayed
        first.kill()  # SIGKILL: the lease is not released, it runs out
        second.wait_for_line(HOLDING, timeout=60)
        assert _holder(clocks_db).endswith(f":{second.proc.pid}")
        for i in range(5):
            record(clocks_db, mid, f"after-{i}")
        wait_for(lambda: _all_taken_in(clocks_db), 20, "the second clock to relay")
        assert _send_errors(clocks_db) == []
        standby = [line for line in second.lines if STANDING_BY in line]
        assert len(standby) == 1, second.output()
        assert "Traceback" not in second.output()
    finally:
        first.stop()
        if second is not None:
            second.stop()
