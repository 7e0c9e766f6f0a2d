"""A visit that follows a two-caregiver visit: planned with its gap held, or left out with
reason `sync`; and a plan that breaks a rule is never stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

import routing
from routing.validate import hard_violations
from scheduler.models import Municipality, PlanVersion
from scheduler.planning import day as planning_day
from scheduler.planning.day import BrokenPlanError
from scheduler.repositories.plans import routes_of, unassigned_of
from tests.scheduler import care_town
from tests.scheduler.test_care_planning import built, planned


def town(session: Session) -> Municipality:
    """LIFT needs two caregivers at 09:00-10:00; MEAL must start 30-90 min after it."""
    t = care_town.town(session)
    b = care_town.client(session, t, "b", (-0.004, 0.001))
    c = care_town.client(session, t, "c", (0.001, -0.005))
    care_town.caregiver(session, t, "G1")
    care_town.caregiver(session, t, "G2")
    lift = care_town.plan(session, t, "LIFT", b, (time(9), time(10)), duration=45,
                          caregivers_needed=2)  # fmt: skip
    care_town.plan(session, t, "MEAL", c, (time(8), time(12)), after_visit_id=lift.id,
                   min_gap_min=30, max_gap_min=90)  # fmt: skip
    return t


def test_a_visit_after_a_two_caregiver_visit_follows_it_by_its_gap(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        t = town(session)
        jobs = {j.id: j for j in built(session, t).problem.jobs}
        assert jobs["MEAL"].follows == (routing.Follow("LIFT", 1800, 5400),)
        assert jobs["MEAL"].time_windows == ((8 * 3600, 12 * 3600),)  # no widened window
        version = planned(session, t)
        assert t.id is not None and version.id is not None
        starts = {
            stop.job_id: stop.start_s
            for _, stops in routes_of(t.id, version.id, session=session)
            for stop in stops
            if stop.kind == "job"
        }
        left = {u.job_id: u.reason for u in unassigned_of(t.id, version.id, session=session)}
        if "MEAL" in starts:
            assert starts["LIFT"] == starts["LIFT#2"]
            assert 30 * 60 <= starts["MEAL"] - starts["LIFT"] <= 90 * 60
        else:
            assert left == {"LIFT": "sync", "LIFT#2": "sync", "MEAL": "sync"}


def test_a_plan_that_breaks_a_gap_is_not_stored(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The solver's answer with MEAL moved to 19 minutes after LIFT started (while it still
    goes on): plan_day refuses it, names the rule, and the first version stays the only one."""
    real = routing.solve

    def early_meal(problem: routing.Problem, params: routing.SolveParams) -> routing.Solution:
        good = real(problem, params)
        lift = next(s.start for r in good.routes for s in r.steps if s.id == "LIFT")
        assert lift is not None
        routes = tuple(
            replace(r, steps=tuple(
                replace(s, arrival=lift + 1140, start=lift + 1140, departure=lift + 1140 + 900)
                if s.id == "MEAL" else s
                for s in r.steps
            ))
            for r in good.routes
        )  # fmt: skip
        broken = replace(good, routes=routes)
        assert any(v.constraint == "sync" for v in hard_violations(problem, broken))
        return broken

    with Session(sqlite_engine) as session:
        t = town(session)
        first = planned(session, t)
        monkeypatch.setattr(planning_day.routing, "solve", early_meal)
        with pytest.raises(BrokenPlanError, match=r"breaks hard rules \(sync, timing\)"):
            planned(session, t)
        versions = session.exec(select(PlanVersion)).all()
        assert [v.id for v in versions] == [first.id]
