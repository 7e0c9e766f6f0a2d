"""The clock: jobs in each municipality's time zone, never lost, never fired twice.

The clock's time is injected (`Clock.now`): a test moves it in steps of the clock's tick
instead of waiting, and the workers' tasks run in this process (Celery's eager mode), so a
relay pass is the whole chain down to the effect. A "kill" is an exception no handler of
the product catches (`Killed`, a BaseException), raised once at one step: what was not
committed is gone, as after a SIGKILL, and a new clock (another holder) comes back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy.exc
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.db import session_scope
from scheduler.models import (
    Alert,
    ClockJob,
    DayFreeze,
    Event,
    Municipality,
    Outbox,
    Plan,
    PlanVersion,
    Publication,
    Route,
)
from tests.workers import servers, town
from tests.workers.conftest import DAY, add_municipality, use_database
from workers import clock as clock_module
from workers import relay as relay_module
from workers import tasks as tasks_module
from workers.clock import Clock, make_clock
from workers.embedded import drain
from workers.relay import relay_once
from workers.targets import save_target

SOFIA = ZoneInfo("Europe/Sofia")
TICK = timedelta(seconds=5)


class Killed(BaseException):
    """The process dies here: nothing after it runs, nothing uncommitted stays."""


@dataclass
class FakeTime:
    at: datetime

    def __call__(self) -> datetime:
        return self.at

    def advance(self, by: timedelta = TICK) -> None:
        self.at += by


@pytest.fixture
def clock_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A migrated database (SQLite, and PostgreSQL as integration) the tasks also use."""
    monkeypatch.setenv("PATRONAGE_SOLVE_TIME_LIMIT_S", "0.5")
    engine = use_database(db_url, monkeypatch)
    yield engine
    engine.dispose()


def local(day: date, hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm, ss), tzinfo=SOFIA)


def relay(engine: Engine, clock: Clock) -> int:
    """The clock's relay, as far as it goes (only while the clock holds the lease)."""
    total = 0
    while (sent := relay_once(engine, may_send=clock.lease.held).sent) > 0:
        total += sent
    return total


def run_for(
    engine: Engine, clock: Clock, now: FakeTime, seconds: float, *, relaying: bool = True
) -> None:
    """The clock's loop for `seconds` of clock time: a step and the relay every tick."""
    end = now.at + timedelta(seconds=seconds)
    while now.at < end:
        now.advance()
        clock.step()
        if relaying:
            relay(engine, clock)


def run_until(
    engine: Engine, clock: Clock, now: FakeTime, done: Callable[[], bool], within_s: float
) -> float:
    """Step the clock until `done`; the clock time it took (fails after `within_s`)."""
    start = now.at
    while not done():
        assert now.at - start <= timedelta(seconds=within_s), "not done in time"
        now.advance()
        clock.step()
        relay(engine, clock)
    return (now.at - start).total_seconds()


def jobs(engine: Engine) -> list[ClockJob]:
    with Session(engine) as session:
        return list(session.exec(select(ClockJob).order_by(col(ClockJob.id))).all())


def count(engine: Engine, model: Any, *where: Any) -> int:
    with Session(engine) as session:
        return len(session.exec(select(model).where(*where)).all())


def meal_versions(engine: Engine) -> int:
    plans = select(Plan.id).where(Plan.service == "meals")
    return count(engine, PlanVersion, col(PlanVersion.plan_id).in_(plans))


def set_cutoff(engine: Engine, mid: int, at: time, days_before: int = 1) -> None:
    with session_scope(engine) as session:
        row = session.get(Municipality, mid)
        assert row is not None
        row.cutoff_time, row.cutoff_days_before = at, days_before


# --- timing ------------------------------------------------------------------------------------


def test_each_municipality_is_timed_in_its_own_zone(clock_db: Engine) -> None:
    kyoto = add_municipality(clock_db, "Kyoto", timezone="Asia/Tokyo", cutoff_time=time(9, 0))
    pasadena = add_municipality(clock_db, "Pasadena", timezone="America/Los_Angeles")
    day = date(2026, 3, 2)
    now = FakeTime(datetime.combine(day, time(23, 50), tzinfo=UTC))  # 08:50 in Kyoto
    clock = make_clock(clock_db, holder="a", now=now)
    clock.step()  # the first clock ever: jobs fall due from now on
    run_for(clock_db, clock, now, 15 * 60, relaying=False)  # Kyoto's 09:00, not Pasadena
    (job,) = jobs(clock_db)
    assert (job.municipality_id, job.action, job.service) == (kyoto, "cutoff", "")
    assert job.day == date(2026, 3, 3)  # Kyoto's date, a day ahead of UTC's
    assert job.due_at == datetime(2026, 3, 3, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    now.at = datetime(2026, 3, 3, 13, 59, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    run_for(clock_db, clock, now, 60, relaying=False)
    cutoffs = [j for j in jobs(clock_db) if (j.municipality_id, j.action) == (pasadena, "cutoff")]
    assert [(j.action, j.day) for j in cutoffs] == [("cutoff", date(2026, 3, 3))]


def test_a_clock_down_for_a_day_and_a_half_runs_each_job_once(clock_db: Engine) -> None:
    add_municipality(clock_db, cutoff_time=time(14, 0))
    now = FakeTime(local(date(2026, 3, 2), 12, 0))
    clock = make_clock(clock_db, holder="a", now=now)
    clock.step()
    now.at = local(date(2026, 3, 4), 0, 30)  # down since: two cut-offs, mornings, publishes
    back = make_clock(clock_db, holder="b", now=now)
    run_for(clock_db, back, now, 60, relaying=False)
    ran = [(j.action, j.service, j.day) for j in jobs(clock_db)]
    assert sorted(ran) == sorted(
        [
            ("cutoff", "", date(2026, 3, 3)),
            ("morning", "meals", date(2026, 3, 3)),
            ("morning", "care", date(2026, 3, 3)),
            ("publish", "meals", date(2026, 3, 3)),
            ("publish", "care", date(2026, 3, 3)),
        ]
    )  # the latest time of each, once: not the first day's, not once per missed minute
    assert count(clock_db, Event, col(Event.kind) == "cutoff.reached") == 1


# --- faults at each step of a cut-off, a morning plan and a publish ----------------------------


class Scenario:
    """One action of the clock on the pipeline's day, with what counts as its effect."""

    def __init__(self, engine: Engine, action: str) -> None:
        self.engine, self.action = engine, action
        self.mid = town.meal_day(engine, subscribed=6, frozen=action == "publish")
        if action == "cutoff":
            set_cutoff(engine, self.mid, time(14, 0))
            self.due = local(DAY - timedelta(days=1), 14, 0)
        elif action == "morning":
            self.due = local(DAY, 6, 0)
        else:
            town.plan_now(engine, self.mid)
            self.due = local(DAY, 9, 30)
        drain(engine)  # what the set-up asked for is done before the clock starts
        self.versions = meal_versions(engine)

    def job(self) -> ClockJob:
        service = "" if self.action == "cutoff" else "meals"
        (job,) = [j for j in jobs(self.engine) if (j.action, j.service) == (self.action, service)]
        return job

    def done(self) -> bool:
        return any(j.done_at is not None for j in jobs(self.engine) if j.action == self.action)

    def assert_once(self, ntfy: Any | None = None) -> None:
        """The job's effect happened, once."""
        freezes = count(self.engine, DayFreeze, col(DayFreeze.service) == "meals")
        assert freezes == 1
        if self.action == "morning":  # the freeze asked for the plan, which ran once
            assert meal_versions(self.engine) == 1
        if self.action == "publish":
            assert meal_versions(self.engine) == self.versions
            routes = count(self.engine, Route)
            sent = len(ntfy.state.topics.get("dispatch-all", [])) if ntfy else 0
            assert count(self.engine, Publication) == sent == routes >= 1


class CrashOnce:
    """Wraps a function: the first call does its work, then the process is killed."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real, self.armed = real, True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        result = self.real(*args, **kwargs)
        if self.armed:
            self.armed = False
            raise Killed(self.real.__name__)
        return result


def drop_connection_at_job_commit(engine: Engine, times: int) -> None:
    """The database connection fails at the commit of the clock's next `times` job runs."""
    real = clock_module._job_event
    armed = {"commit": 0}

    def job_event(*args: Any, **kwargs: Any) -> Any:
        armed["commit"] = 1 if times > 0 else 0
        return real(*args, **kwargs)

    def on_commit(_conn: Any) -> None:
        nonlocal times
        if armed["commit"]:
            armed["commit"], times = 0, times - 1
            raise sqlalchemy.exc.OperationalError("COMMIT", None, ConnectionError("dropped"))

    clock_module._job_event = job_event  # type: ignore[assignment]
    event.listen(engine, "commit", on_commit)


STEPS = {
    # the clock, killed: writing the job's row; recording its event and outbox row; after
    # the relay sent the message (the task ran) but before it marked the row sent.
    "open": (clock_module.rows, "open_job"),
    "record": (clock_module, "record_event"),
    "relay": (relay_module, "mark_dispatched"),
    # the worker, killed in the transaction of the effect (its message comes again).
    "effect": (tasks_module, "close_job"),
}


@pytest.mark.parametrize("action", ["cutoff", "morning", "publish"])
@pytest.mark.parametrize("step", [*STEPS, "connection"])
def test_a_job_fires_once_whatever_step_it_is_killed_at(
    clock_db: Engine, action: str, step: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = Scenario(clock_db, action)
    with servers.ntfy() as ntfy:
        with session_scope(clock_db) as session:
            save_target(session, scenario.mid, channel="ntfy", address=f"{ntfy.url}/dispatch-all")
        now = FakeTime(scenario.due - timedelta(seconds=58))
        first = make_clock(clock_db, holder="first", now=now)
        first.step()
        if step == "connection":
            monkeypatch.setattr(clock_module, "_job_event", clock_module._job_event)  # undone
            drop_connection_at_job_commit(clock_db, times=1)
        else:
            owner, name = STEPS[step]
            monkeypatch.setattr(owner, name, CrashOnce(getattr(owner, name)))
        with pytest.raises(Killed) if step != "connection" else nullcontext():
            run_for(clock_db, first, now, 60)  # the job falls due in this minute
        # Back: a new clock process, or the same one when only the connection dropped.
        back = first if step == "connection" else make_clock(clock_db, holder="back", now=now)
        took = run_until(clock_db, back, now, scenario.done, within_s=60)
        run_for(clock_db, back, now, 3 * 60)  # sweeps find nothing more to do
        assert took <= 60
        scenario.assert_once(ntfy)
    job = scenario.job()
    assert job.done_at is not None and job.failures <= 1
    assert count(clock_db, Alert, col(Alert.kind) == "clock_failed") == 0


def test_a_job_that_fails_twice_raises_an_alert_naming_it(
    clock_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = Scenario(clock_db, "cutoff")
    monkeypatch.setattr(clock_module, "_job_event", clock_module._job_event)
    drop_connection_at_job_commit(clock_db, times=2)
    now = FakeTime(scenario.due - timedelta(seconds=58))
    clock = make_clock(clock_db, holder="a", now=now)
    clock.step()
    run_until(clock_db, clock, now, scenario.done, within_s=3 * 60)
    job = scenario.job()
    assert job.failures == 2  # the two tries rolled back with their commit; the third held
    with Session(clock_db) as session:
        (alert,) = session.exec(select(Alert)).all()
    assert (alert.municipality_id, alert.kind, alert.severity) == (
        scenario.mid,
        "clock_failed",
        "error",
    )
    day = (DAY - timedelta(days=1)).isoformat()
    assert f"The clock's cutoff of {day} failed 2 times" in alert.message
    assert "OperationalError" in alert.message and "dropped" in alert.message
    assert count(clock_db, DayFreeze, col(DayFreeze.service) == "meals") == 1


def test_a_job_whose_effect_never_comes_raises_an_alert_once(clock_db: Engine) -> None:
    scenario = Scenario(clock_db, "cutoff")
    now = FakeTime(scenario.due - timedelta(seconds=58))
    clock = make_clock(clock_db, holder="a", now=now)
    clock.step()
    run_for(clock_db, clock, now, 8 * 60, relaying=False)  # no relay: no worker ever runs it
    job = scenario.job()
    assert job.done_at is None and job.attempts >= 8  # asked for again all along
    with Session(clock_db) as session:
        (alert,) = session.exec(select(Alert)).all()  # once, not once per run
    assert "not done 5 minutes after it fell due" in alert.message
    assert job.alerted_at is not None and job.alerted_at - job.due_at <= timedelta(minutes=7)
    run_for(clock_db, clock, now, 60)  # the relay (and its worker) back: done, no second alert
    assert scenario.job().done_at is not None
    scenario.assert_once()
    assert count(clock_db, Alert) == 1


def test_a_lost_message_is_asked_for_again(clock_db: Engine) -> None:
    scenario = Scenario(clock_db, "cutoff")
    now = FakeTime(scenario.due - timedelta(seconds=58))
    clock = make_clock(clock_db, holder="a", now=now)
    clock.step()
    while not jobs(clock_db):
        now.advance()
        clock.step()
    with session_scope(clock_db) as session:  # Redis restarted empty: the message is gone
        for row in session.exec(select(Outbox)).all():
            row.dispatched_at = now.at
            session.add(row)
    took = run_until(clock_db, clock, now, scenario.done, within_s=60)
    assert took <= 60
    scenario.assert_once()


# --- two clocks ----------------------------------------------------------------------------------


def test_two_clocks_one_relays_and_the_other_takes_over_when_it_dies(
    clock_db: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    mid = add_municipality(clock_db)
    now = FakeTime(local(date(2026, 3, 2), 10, 0))
    a = make_clock(clock_db, holder="a", now=now)
    b = make_clock(clock_db, holder="b", now=now)
    sent: dict[str, list[int]] = {"a": [], "b": []}

    def relay_of(name: str, clock: Clock) -> None:
        relay_once(clock_db, lambda row: sent[name].append(row.id or 0), may_send=clock.lease.held)

    caplog.set_level(logging.INFO, logger="workers.lease")
    for i in range(20):  # both running for 100 s of clock time
        _outbox_row(clock_db, mid, f"first-{i}")
        now.advance()
        a.step()
        b.step()
        relay_of("a", a)
        relay_of("b", b)
        assert not (a.lease.held() and b.lease.held())
    assert len(sent["a"]) == 20 and sent["b"] == []
    standby = [r for r in caplog.records if "standing by" in r.getMessage()]
    assert len(standby) == 1 and standby[0].getMessage().startswith("standing by: clock a ")
    assert not any(r.exc_info for r in caplog.records)
    # a dies: b relays within a minute, and never while a could still count itself holder
    died = now.at
    for i in range(12):
        _outbox_row(clock_db, mid, f"second-{i}")
        now.advance()
        b.step()
        assert not (a.lease.held() and b.lease.held())
        relay_of("b", b)
    assert b.lease.held() and now.at - died <= timedelta(seconds=60)
    assert len(sent["a"]) == 20 and len(sent["b"]) == 12  # every row once, none twice


def _outbox_row(engine: Engine, mid: int, key: str) -> None:
    from tests.workers.conftest import record

    record(engine, mid, key)


def test_a_clock_stopped_cleanly_hands_over_at_once(clock_db: Engine) -> None:
    now = FakeTime(local(date(2026, 3, 2), 10, 0))
    a = make_clock(clock_db, holder="a", now=now)
    b = make_clock(clock_db, holder="b", now=now)
    a.step()
    b.step()
    assert a.lease.held() and not b.lease.held()
    a.lease.release()  # SIGTERM: run_clock releases the lease on its way out
    assert not a.lease.held()
    run_for(clock_db, b, now, 15)  # its next renewal
    assert b.lease.held()
