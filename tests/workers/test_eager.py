"""The whole chain in one process (no Redis: Celery's eager mode), as the demo runs it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.db import session_scope
from scheduler.events import record_event
from scheduler.models import (
    Alert,
    DayFreeze,
    Event,
    Municipality,
    Outbox,
    PlanVersion,
    Publication,
    Route,
)
from tests.workers import servers, town
from tests.workers.conftest import DAY
from workers.celery_app import RUN_PLAN, get_app
from workers.clock import record_clock_event
from workers.embedded import drain
from workers.relay import relay_once
from workers.targets import save_target


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATRONAGE_SOLVE_TIME_LIMIT_S", "0.5")


def _unprocessed(engine: Engine) -> list[Event]:
    with Session(engine) as session:
        return list(session.exec(select(Event).where(col(Event.processed_at).is_(None))).all())


def test_late_cancellations_give_one_replan_without_the_cancelled(pipeline_db: Engine) -> None:
    mid = town.meal_day(pipeline_db)
    town.plan_now(pipeline_db, mid)
    gone = town.client_ids(pipeline_db, mid)[:5]
    for client_id in gone:
        town.cancel(pipeline_db, mid, client_id)
    assert drain(pipeline_db) >= 5  # at least one row per cancellation (its re-freeze)
    _, second = town.versions(pipeline_db, mid)
    assert second.reason.startswith("re-plan: ") and "order.cancelled x5" in second.reason
    assert not town.served_clients(pipeline_db, second.id) & set(gone)  # type: ignore[arg-type]
    assert len(town.served_clients(pipeline_db, second.id)) == 7  # type: ignore[arg-type]
    assert all(not e.kind.startswith("day.frozen") for e in _unprocessed(pipeline_db))


def test_the_cutoff_freezes_and_plans_through_the_outbox(pipeline_db: Engine) -> None:
    mid = town.meal_day(pipeline_db, subscribed=6, frozen=False)
    with session_scope(pipeline_db) as session:
        municipality = session.get(Municipality, mid)
        assert municipality is not None
        municipality.cutoff_days_before = 1
    noon_before = datetime.combine(DAY - timedelta(days=1), time(12, 0), tzinfo=UTC)
    with session_scope(pipeline_db) as session:
        event = record_clock_event(session, mid, "cutoff", "", now=noon_before)
        assert event is not None and event.day == DAY
    drain(pipeline_db)
    (version,) = town.versions(pipeline_db, mid)
    assert version.id is not None and version.reason == "initial"
    assert len(town.served_clients(pipeline_db, version.id)) == 6
    with Session(pipeline_db) as session:
        (freeze,) = session.exec(select(DayFreeze).where(DayFreeze.service == "meals")).all()
    assert (freeze.day, freeze.item_count) == (DAY, 6)


def test_the_same_event_three_times_plans_once(pipeline_db: Engine) -> None:
    mid = town.meal_day(pipeline_db)
    town.plan_now(pipeline_db, mid)
    town.cancel(pipeline_db, mid, town.client_ids(pipeline_db, mid)[0])
    with Session(pipeline_db) as session:
        row = session.exec(select(Outbox).order_by(col(Outbox.id).desc())).first()
    assert row is not None and row.task == "replan"  # the cancellation's re-freeze
    task = get_app().tasks["patronage.replan"]
    outcomes = [task.apply(kwargs=row.args).get() for _ in range(3)]
    assert outcomes == ["scheduled", "duplicate", "duplicate"]
    assert len(town.versions(pipeline_db, mid)) == 2
    drain(pipeline_db)  # the relay delivering it once more, and the re-freeze's own row
    assert len(town.versions(pipeline_db, mid)) == 2


def test_publishing_sends_each_route_to_the_topic(pipeline_db: Engine) -> None:
    mid = town.meal_day(pipeline_db, vans=2)
    version_id = town.plan_now(pipeline_db, mid)
    with servers.ntfy() as srv:
        with session_scope(pipeline_db) as session:
            save_target(session, mid, channel="ntfy", address=f"{srv.url}/dispatch-all")
            args = {"municipality_id": mid, "day": DAY.isoformat(), "service": "meals"}
            record_event(
                session,
                municipality_id=mid,
                kind="publish_requested",
                key="p1",
                day=DAY,
                service="meals",
                tasks=[("publish", args)],
            )
        drain(pipeline_db)
        messages = srv.state.topics["dispatch-all"]
    with Session(pipeline_db) as session:
        pubs = session.exec(select(Publication)).all()
        routes = session.exec(select(Route).where(Route.plan_version_id == version_id)).all()
    assert len(messages) == len(pubs) == len(routes) >= 1
    assert {p.status for p in pubs} == {"delivered"}
    assert {m["click"] for m in messages} == {
        f"http://127.0.0.1:8000/phone/routes/{r.id}" for r in routes
    }
    assert relay_once(pipeline_db).sent == 0


def test_publishing_a_day_without_a_plan_alerts_the_dispatcher(pipeline_db: Engine) -> None:
    mid = town.meal_day(pipeline_db)
    with session_scope(pipeline_db) as session:
        # The clock's publish run on the day after DAY (DAY itself is frozen, hence planned).
        morning = datetime.combine(DAY + timedelta(days=1), time(8, 0), tzinfo=UTC)
        record_clock_event(session, mid, "publish", "meals", now=morning)
    drain(pipeline_db)
    with Session(pipeline_db) as session:
        (alert,) = session.exec(select(Alert)).all()
    assert alert.kind == "publish_skipped" and "no meals plan" in alert.message


def test_a_solve_over_its_time_limit_keeps_the_last_plan_and_tells_the_dispatcher(
    pipeline_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from celery.exceptions import SoftTimeLimitExceeded

    from workers import tasks

    mid = town.meal_day(pipeline_db)
    town.plan_now(pipeline_db, mid)
    town.cancel(pipeline_db, mid, town.client_ids(pipeline_db, mid)[0])

    def overrun(*args: object, **kwargs: object) -> None:
        raise SoftTimeLimitExceeded()  # what Celery raises in the task at the soft limit

    monkeypatch.setattr(tasks, "plan_day", overrun)
    drain(pipeline_db)
    assert len(town.versions(pipeline_db, mid)) == 1
    with Session(pipeline_db) as session:
        (alert,) = session.exec(select(Alert)).all()
    assert alert.kind == "plan_failed" and "time limit" in alert.message
    assert all(not e.kind.startswith("day.frozen") for e in _unprocessed(pipeline_db))


def test_a_version_stored_but_never_sent_goes_out_with_the_next_run(pipeline_db: Engine) -> None:
    from scheduler.planning import plan_day
    from scheduler.planning.runs import run_plan
    from scheduler.repositories.plans import get_plan
    from workers.publishing import publish_version

    mid = town.meal_day(pipeline_db)
    first = town.plan_now(pipeline_db, mid)
    with servers.ntfy() as srv:
        with session_scope(pipeline_db) as session:
            save_target(session, mid, channel="ntfy", address=f"{srv.url}/all")
            plan = get_plan(mid, DAY, "meals", session=session)
            version = session.get(PlanVersion, first)
            assert plan is not None and version is not None
            publish_version(session, plan, version)  # v1 is on the phones (no send here)
        town.cancel(pipeline_db, mid, town.client_ids(pipeline_db, mid)[0])
        with session_scope(pipeline_db) as session:  # v2 stored; the worker "dies" here
            run_plan(
                session, mid, DAY, "meals", planner=plan_day, time_limit=0.5, replan_time_limit=0.5
            )
        drain(pipeline_db)  # the requests are duplicates now: nothing is scheduled
        args = {"municipality_id": mid, "day": DAY.isoformat(), "service": "meals"}
        # The run's own message, redelivered (acknowledged late), finds nothing new to plan...
        assert get_app().tasks[RUN_PLAN].apply(kwargs=args).get() == "nothing_new"
        sent = srv.state.topics.get("all", [])
    with Session(pipeline_db) as session:
        plan = get_plan(mid, DAY, "meals", session=session)
    assert plan is not None and plan.published_version == plan.current_version == 2
    assert sent and all(m["tags"][-1] == "v2" for m in sent)  # ...but sends what was missed


def test_a_breakdown_replans_the_published_day_and_sends_it_at_once(pipeline_db: Engine) -> None:
    from scheduler.intake.breakdowns import record_breakdown
    from scheduler.intake.day_changes import Actor
    from scheduler.models import Role, Vehicle
    from scheduler.repositories.plans import get_plan, routes_of
    from workers.publishing import publish_version

    mid = town.meal_day(pipeline_db)
    first = town.plan_now(pipeline_db, mid)
    with session_scope(pipeline_db) as session:
        plan = get_plan(mid, DAY, "meals", session=session)
        version = session.get(PlanVersion, first)
        assert plan is not None and version is not None
        publish_version(session, plan, version)
        van = session.exec(select(Vehicle).where(Vehicle.external_id == "V1")).one()
        assert van.id is not None
        by = Actor("maria", Role.dispatcher)
        record_breakdown(mid, DAY, van.id, time(8, 0), by=by, session=session)
    drain(pipeline_db)
    with Session(pipeline_db) as session:
        plan = get_plan(mid, DAY, "meals", session=session)
        assert plan is not None and plan.published_version == plan.current_version == 2
        second = town.versions(pipeline_db, mid)[1]
        assert "vehicle.broke_down V1" in second.reason
        assert second.id is not None
        resources = {r.resource for r, _ in routes_of(mid, second.id, session=session)}
    assert "V1" not in resources  # out from before its shift: it serves nothing that day
    assert (
        len(town.served_clients(pipeline_db, second.id)) + int(second.summary["unassigned"]) == 12
    )
