"""A published day: late changes go out at once, the dispatcher's own re-plan waits for Publish."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from scheduler.db import session_scope
from scheduler.events import record_event
from scheduler.models import PlanVersion
from scheduler.planning import plan_day
from scheduler.planning.runs import DISPATCHER_PLAN, PlanRun, run_plan
from scheduler.repositories.plans import get_plan
from tests.workers import town
from tests.workers.conftest import DAY
from workers.publishing import publish_version


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATRONAGE_SOLVE_TIME_LIMIT_S", "0.5")


def _run(engine: Engine, mid: int) -> PlanRun:
    with session_scope(engine) as session:
        return run_plan(
            session, mid, DAY, "meals", planner=plan_day, time_limit=0.5, replan_time_limit=0.5
        )


def _published(engine: Engine, mid: int) -> int:
    with session_scope(engine) as session:
        plan = get_plan(mid, DAY, "meals", session=session)
        assert plan is not None
        return plan.published_version


def test_the_dispatchers_replan_is_held_and_a_late_change_goes_out(pipeline_db: Engine) -> None:
    mid = town.meal_day(pipeline_db)
    first = town.plan_now(pipeline_db, mid)
    with session_scope(pipeline_db) as session:
        plan = get_plan(mid, DAY, "meals", session=session)
        version = session.get(PlanVersion, first)
        assert plan is not None and version is not None
        publish_version(session, plan, version)
        args = {"municipality_id": mid, "day": DAY.isoformat(), "service": "meals"}
        record_event(
            session,
            municipality_id=mid,
            kind=DISPATCHER_PLAN,
            key="plan:board-click",
            day=DAY,
            service="meals",
            tasks=[("plan", args)],
        )
    held = _run(pipeline_db, mid)
    assert (held.outcome, held.version, held.publish) == ("planned", 2, False)
    assert _published(pipeline_db, mid) == 1
    # A later run with nothing new does not send the held version either.
    assert _run(pipeline_db, mid).publish is False
    _, second = town.versions(pipeline_db, mid)
    assert second.held

    town.cancel(pipeline_db, mid, town.client_ids(pipeline_db, mid)[0])
    late = _run(pipeline_db, mid)
    assert (late.outcome, late.version, late.publish) == ("planned", 3, True)
    assert not town.versions(pipeline_db, mid)[2].held
