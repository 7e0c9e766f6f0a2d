"""A re-plan whose answer breaks a hard rule: nothing is stored or published, the dispatcher
gets an alert naming the rule, and the last good version stays."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

import routing
from scheduler.models import Alert
from scheduler.planning import day as planning_day
from tests.workers import town
from workers.embedded import drain


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATRONAGE_SOLVE_TIME_LIMIT_S", "0.5")


def test_a_plan_that_breaks_a_rule_is_not_stored_and_raises_an_alert(
    pipeline_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    mid = town.meal_day(pipeline_db)
    town.plan_now(pipeline_db, mid)
    town.cancel(pipeline_db, mid, town.client_ids(pipeline_db, mid)[0])
    real = routing.solve

    def too_early(problem: routing.Problem, params: routing.SolveParams) -> routing.Solution:
        """The real answer with its first stop served an hour before its window opens."""
        good = real(problem, params)
        route = good.routes[0]
        k, first = next((k, s) for k, s in enumerate(route.steps) if s.type == "job")
        assert first.start is not None and first.arrival is not None
        moved = replace(first, start=first.start - 3600, arrival=first.arrival - 3600)
        steps = (*route.steps[:k], moved, *route.steps[k + 1 :])
        return replace(good, routes=(replace(route, steps=steps), *good.routes[1:]))

    monkeypatch.setattr(planning_day.routing, "solve", too_early)
    # The cancellation alone would be re-planned without a search (routing/standing.py).
    monkeypatch.setattr(planning_day, "as_they_stand", lambda *_: None)
    drain(pipeline_db)
    assert len(town.versions(pipeline_db, mid)) == 1
    with Session(pipeline_db) as session:
        (alert,) = session.exec(select(Alert)).all()
    assert alert.kind == "plan_failed" and "breaks hard rules (" in alert.message
    assert "time_window" in alert.message or "timing" in alert.message
