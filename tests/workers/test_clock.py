"""The clock: jobs in each municipality's time zone, kept across restarts, never fired twice."""

from __future__ import annotations

import time as clock_time
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.models import Event, Municipality, Outbox
from tests.workers.conftest import add_municipality
from tests.workers.procs import wait_for
from workers.clock import build_scheduler, start_clock, sync_jobs
from workers.settings import WorkerSettings, get_worker_settings


def _next_local(at: time, zone: str) -> datetime:
    tz = ZoneInfo(zone)
    now = datetime.now(tz)
    candidate = datetime.combine(now.date(), at, tzinfo=tz)
    return candidate if candidate > now else datetime.combine(now.date() + timedelta(1), at, tz)


def _cutoff_events(engine: Engine) -> list[Event]:
    with Session(engine) as session:
        return list(session.exec(select(Event).where(Event.kind == "cutoff.reached")).all())


def _in_seconds(zone: str, seconds: float) -> time:
    return (datetime.now(ZoneInfo(zone)) + timedelta(seconds=seconds)).time().replace(microsecond=0)


def test_each_municipality_is_timed_in_its_own_zone(pipeline_db: Engine, sqlite_url: str) -> None:
    tokyo = add_municipality(
        pipeline_db, "Kyoto", timezone="Asia/Tokyo", cutoff_days_before=0, cutoff_time=time(9, 0)
    )
    la = add_municipality(pipeline_db, "Pasadena", timezone="America/Los_Angeles")
    ws = WorkerSettings()
    scheduler = build_scheduler(sqlite_url, ws)
    scheduler.start(paused=True)
    try:
        report = sync_jobs(scheduler, pipeline_db, ws)
        assert (report.added, report.changed, report.removed) == (10, 0, 0)
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert jobs[f"cutoff:{tokyo}"].next_run_time == _next_local(time(9), "Asia/Tokyo")
        assert jobs[f"cutoff:{la}"].next_run_time == _next_local(time(14), "America/Los_Angeles")
        publish = jobs[f"publish:{la}:meals"].next_run_time
        assert publish == _next_local(ws.clock_publish_meals, "America/Los_Angeles")
        # A changed cut-off moves the job; nothing else is touched.
        with Session(pipeline_db) as session:
            row = session.get(Municipality, la)
            assert row is not None
            row.cutoff_time = time(11, 30)
            session.add(row)
            session.commit()
        assert sync_jobs(scheduler, pipeline_db, ws).changed == 1
        moved = scheduler.get_job(f"cutoff:{la}")
        assert moved.next_run_time == _next_local(time(11, 30), "America/Los_Angeles")
    finally:
        scheduler.shutdown()


def test_a_restart_keeps_the_jobs_and_does_not_fire_again(pipeline_db: Engine) -> None:
    zone = "Pacific/Kiritimati"  # UTC+14: its date is not the machine's
    mid = add_municipality(pipeline_db, timezone=zone, cutoff_time=_in_seconds(zone, 2))
    scheduler = start_clock()
    try:
        wait_for(lambda: len(_cutoff_events(pipeline_db)) == 1, 8, "the cut-off to fire")
    finally:
        scheduler.shutdown()
    (event,) = _cutoff_events(pipeline_db)
    assert event.day == datetime.now(ZoneInfo(zone)).date() + timedelta(days=1)
    again = start_clock()
    try:
        job = again.get_job(f"cutoff:{mid}")
        assert job.next_run_time > datetime.now(UTC) + timedelta(hours=23)
        assert len(again.get_jobs(jobstore="default")) == 5  # found, not added a second time
        clock_time.sleep(1.5)
    finally:
        again.shutdown()
    assert len(_cutoff_events(pipeline_db)) == 1
    with Session(pipeline_db) as session:
        (row,) = session.exec(select(Outbox).where(Outbox.task == "cutoff")).all()
    assert row.args == {"municipality_id": mid, "day": event.day.isoformat(), "event_id": event.id}


def test_a_run_missed_while_the_clock_was_down_fires_once_when_it_is_back(
    pipeline_db: Engine, sqlite_url: str
) -> None:
    zone = "Europe/Ljubljana"
    # Far enough ahead that the set-up below ends before it even on a loaded machine (else
    # the job is stored for tomorrow and there is no missed run to test).
    due_at = datetime.now(ZoneInfo(zone)) + timedelta(seconds=4)
    due = due_at.time().replace(microsecond=0)
    add_municipality(pipeline_db, "Maribor", timezone=zone, cutoff_time=due)
    ws = get_worker_settings()
    down: BackgroundScheduler = build_scheduler(sqlite_url, ws)
    down.start(paused=True)
    sync_jobs(down, pipeline_db, ws)  # stored, then the clock "crashes" before the time
    stored = [j.next_run_time for j in down.get_jobs() if j.next_run_time is not None]
    down.shutdown()
    assert any(run.time() == due for run in stored), stored
    wait_for(lambda: datetime.now(ZoneInfo(zone)) > due_at, 10, "the cut-off time")
    clock_time.sleep(1)
    assert _cutoff_events(pipeline_db) == []
    back = start_clock()
    try:
        wait_for(lambda: len(_cutoff_events(pipeline_db)) == 1, 20, "the missed cut-off")
        clock_time.sleep(1)
    finally:
        back.shutdown()
    assert len(_cutoff_events(pipeline_db)) == 1
