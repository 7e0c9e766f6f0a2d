"""The home-care day as a routing problem, solved by the real solver and stored as a plan.

The town: five clients a few hundred metres apart, three caregivers. G1 and G2 do personal
care and housework (G2 walks), G3 is a nurse on a short shift (08:00-12:00, 180 minutes).
WASH prefers G2; LIFT needs two people at once; MEAL follows MED by 30 to 60 minutes; NEED
asks for a nurse who also does housework, whom nobody is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from routing.exchange import read_problem
from scheduler.intake.cutoff import freeze_day
from scheduler.intake.orders import Actor
from scheduler.intake.visit_requests import VisitIn, carry_meal, request_visit
from scheduler.lab.bench_care import markdown, run_care_bench
from scheduler.models import Municipality, PlanVersion, TravelMode
from scheduler.planning import plan_day
from scheduler.planning.care import build_care
from scheduler.planning.care_export import care_version_to_dict
from scheduler.planning.registry import BuiltProblem, PlanContext
from scheduler.repositories.plans import routes_of, unassigned_of
from tests.scheduler import care_town, meal_town

DAY = date(2025, 6, 3)  # a Tuesday
NIGHT_BEFORE = datetime(2025, 6, 2, 18, 0, tzinfo=UTC)
LIMIT = 2.0


def town(session: Session) -> Municipality:
    town = care_town.town(session)
    a = care_town.client(session, town, "a", (0.003, 0.002))
    b = care_town.client(session, town, "b", (-0.004, 0.001))
    c = care_town.client(session, town, "c", (0.001, -0.005))
    d = care_town.client(session, town, "d", (-0.002, -0.003))
    care_town.caregiver(session, town, "G1")
    care_town.caregiver(session, town, "G2", mode=TravelMode.foot)
    care_town.caregiver(session, town, "G3", skills=("nurse",), shift=(time(8), time(12)),
                        max_minutes=180)  # fmt: skip
    care_town.plan(session, town, "WASH", a, (time(8), time(9)), skills=["personal_care"],
                   preferred_caregivers=["G2"])  # fmt: skip
    care_town.plan(session, town, "LIFT", b, (time(9), time(10)), duration=45,
                   skills=["personal_care"], caregivers_needed=2)  # fmt: skip
    med = care_town.plan(session, town, "MED", c, (time(8), time(8, 30)), duration=15,
                         skills=["nurse"])  # fmt: skip
    care_town.plan(session, town, "MEAL", c, (time(8, 30), time(10)), after_visit_id=med.id,
                   min_gap_min=30, max_gap_min=60, tasks="Help with breakfast")  # fmt: skip
    care_town.plan(session, town, "NEED", d, (time(10), time(11)), skills=["nurse", "household"])
    return town


def built(session: Session, town: Municipality) -> BuiltProblem:
    assert town.id is not None
    freeze = freeze_day(town.id, DAY, "care", session=session)
    return build_care(PlanContext(session, town, DAY, freeze, NIGHT_BEFORE))


def planned(session: Session, town: Municipality) -> PlanVersion:
    assert town.id is not None
    freeze_day(town.id, DAY, "care", session=session)
    return plan_day(town.id, DAY, "care", session=session, time_limit=LIMIT, now=NIGHT_BEFORE)


def test_caregivers_become_vehicles_with_mode_shift_skills_and_lunch(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        problem = built(session, town(session)).problem
        g1, g2, g3 = (problem.vehicle(g) for g in ("G1", "G2", "G3"))
        assert (g1.profile, g2.profile, g3.profile) == ("car", "foot", "car")
        assert g1.time_window == (8 * 3600, 16 * 3600) and g1.end == g1.start
        assert g3.time_window == (8 * 3600, 11 * 3600)  # 180 minutes after 08:00
        assert g3.skills == frozenset({"nurse"})
        assert [(b.time_windows, b.service) for b in g1.breaks] == [
            (((12 * 3600, 14 * 3600),), 1800)
        ]
        assert g3.breaks == ()  # the short shift ends before lunch
        assert problem.objective.minimize == "duration"


def test_visits_become_jobs_with_pairs_links_and_preferences(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        result = built(session, town(session))
        jobs = {j.id: j for j in result.problem.jobs}
        assert set(jobs) == {"WASH", "LIFT", "LIFT#2", "MED", "MEAL", "NEED"}
        lift, lift2 = jobs["LIFT"], jobs["LIFT#2"]
        assert lift.sync == lift2.sync and lift.sync is not None
        assert lift.sync.type == "simultaneous" and lift.service == 45 * 60
        med, meal = jobs["MED"].sync, jobs["MEAL"].sync
        assert med is not None and meal is not None and med.group == meal.group
        assert (med.order, meal.order, meal.min_gap, meal.max_gap) == (1, 2, 1800, 3600)
        assert jobs["WASH"].preferred_vehicles == ("G2",) and jobs["WASH"].preference_cost > 0
        assert jobs["NEED"].skills == frozenset({"nurse", "household"})
        assert jobs["MED"].time_windows == ((8 * 3600, 8 * 3600 + 1800),)
        refs = result.jobs
        assert refs["LIFT#2"].visit_id == refs["LIFT"].visit_id is not None
        assert result.kept == {}  # nothing checked in: nothing to keep


def test_plan_respects_skills_and_explains_the_unassigned_in_words(engine: Engine) -> None:
    with Session(engine) as session:
        t = town(session)
        version = planned(session, t)
        session.commit()
        assert t.id is not None and version.id is not None
        skills = {"G1": {"personal_care", "household"}, "G2": {"personal_care", "household"},
                  "G3": {"nurse"}}  # fmt: skip
        needs = {"WASH": {"personal_care"}, "LIFT": {"personal_care"},
                 "LIFT#2": {"personal_care"}, "MED": {"nurse"}, "MEAL": set()}  # fmt: skip
        for route, stops in routes_of(t.id, version.id, session=session):
            assert route.caregiver_id is not None
            for stop in stops:
                if stop.kind == "job":
                    assert needs[stop.job_id or ""] <= skills[route.resource]
                    assert stop.visit_id is not None and stop.client_id is not None
        left = unassigned_of(t.id, version.id, session=session)
        assert [(u.job_id, u.reason) for u in left] == [("NEED", "skills")]
        assert "No caregiver on duty has the skills" in left[0].explanation
        assert "household, nurse" in left[0].explanation


def test_a_two_person_visit_is_stored_with_both_caregivers_at_the_same_start(
    sqlite_engine: Engine,
) -> None:
    with Session(sqlite_engine) as session:
        t = town(session)
        version = planned(session, t)
        assert t.id is not None and version.id is not None
        lift = [
            (route.resource, stop.start_s)
            for route, stops in routes_of(t.id, version.id, session=session)
            for stop in stops
            if stop.job_id in ("LIFT", "LIFT#2")
        ]
        assert len(lift) == 2
        (first, start1), (second, start2) = lift
        assert first != second and start1 == start2
        assert 9 * 3600 <= start1 <= 10 * 3600


def test_a_linked_visit_starts_within_its_gap_after_the_first(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        t = town(session)
        version = planned(session, t)
        assert t.id is not None and version.id is not None
        starts = {
            stop.job_id: stop.start_s
            for _, stops in routes_of(t.id, version.id, session=session)
            for stop in stops
            if stop.kind == "job"
        }
        assert 30 * 60 <= starts["MEAL"] - starts["MED"] <= 60 * 60


def test_export_names_caregivers_and_visits_with_clock_times(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        t = town(session)
        version = planned(session, t)
        assert t.id is not None
        data = care_version_to_dict(t.id, version, session=session)
        assert {r["vehicle"] for r in data["routes"]} <= {"G1", "G2", "G3"}
        jobs = [s for r in data["routes"] for s in r["steps"] if s["type"] == "job"]
        ids = sorted(s["id"] for s in jobs)
        assert ids == ["LIFT", "LIFT", "MEAL", "MED", "WASH"]
        assert sorted(s["part"] for s in jobs if s["id"] == "LIFT") == [1, 2]
        assert all("part" not in s for s in jobs if s["id"] != "LIFT")
        for step in jobs:
            assert (
                step["eta"] == f"{step['arrival'] // 3600:02d}:{step['arrival'] % 3600 // 60:02d}"
            )
        assert [(u["id"], u["reason"]) for u in data["unassigned"]] == [("NEED", "skills")]


def test_no_caregiver_on_duty_leaves_every_visit_unassigned_with_a_reason(
    sqlite_engine: Engine,
) -> None:
    with Session(sqlite_engine) as session:
        t = town(session)
        saturday = date(2025, 6, 7)
        care_town.plan(session, t, "WEEKEND", care_town.client(session, t, "e"),
                       (time(9), time(11)), weekdays="Sat")  # fmt: skip
        assert t.id is not None
        freeze_day(t.id, saturday, "care", session=session)
        version = plan_day(t.id, saturday, "care", session=session, time_limit=LIMIT,
                           now=NIGHT_BEFORE)  # fmt: skip
        assert version.id is not None
        left = unassigned_of(t.id, version.id, session=session)
        assert [(u.job_id, u.reason) for u in left] == [("WEEKEND", "no_vehicle")]
        assert "No caregiver is on duty" in left[0].explanation


@pytest.mark.parametrize("preferred", ["G1", "G2"])
def test_continuity_the_preferred_caregiver_makes_the_visit(
    sqlite_engine: Engine, preferred: str
) -> None:
    with Session(sqlite_engine) as session:
        t = care_town.town(session)
        care_town.caregiver(session, t, "G1")
        care_town.caregiver(session, t, "G2")
        who = care_town.client(session, t, "a")
        care_town.plan(session, t, "WASH", who, (time(9), time(10)),
                       preferred_caregivers=[preferred])  # fmt: skip
        version = planned(session, t)
        assert t.id is not None and version.id is not None
        ((route, _),) = routes_of(t.id, version.id, session=session)
        assert route.resource == preferred


def test_a_lunch_carried_on_a_visit_leaves_the_vans(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        t = meal_town.town(session, "Maribor", timezone="Europe/Ljubljana", country="SI")
        t.caregivers_carry_meals = True
        kitchen = meal_town.kitchen(session, t)
        meal_town.van(session, t, kitchen)
        m1 = meal_town.client(session, t, kitchen, "m1")
        meal_town.client(session, t, kitchen, "m2", offset=(-0.003, 0.001))
        care_town.caregiver(session, t, "G1")
        assert t.id is not None and m1.id is not None
        early = Actor("office", now=NIGHT_BEFORE - timedelta(days=1))
        data = VisitIn(external_id="HELP", client_id=m1.id, window_start=time(10),
                       window_end=time(12, 30), duration_min=30)  # fmt: skip
        visit = request_visit(t.id, DAY, data, session=session, by=early)
        carry_meal(t.id, visit.id or 0, session=session, by=early)
        for service in ("meals", "care"):
            freeze_day(t.id, DAY, service, session=session)
        meals = plan_day(t.id, DAY, "meals", session=session, time_limit=LIMIT, now=NIGHT_BEFORE)
        care = plan_day(t.id, DAY, "care", session=session, time_limit=LIMIT, now=NIGHT_BEFORE)
        assert meals.id is not None and care.id is not None
        vans = [s.job_id for _, stops in routes_of(t.id, meals.id, session=session)
                for s in stops if s.kind == "job"]  # fmt: skip
        assert vans == ["m2"] and unassigned_of(t.id, meals.id, session=session) == []
        ((_, stops),) = routes_of(t.id, care.id, session=session)
        help_stop = next(s for s in stops if s.job_id == "HELP")
        assert 11 * 3600 <= help_stop.start_s <= 12 * 3600 + 30 * 60  # inside the lunch window


def test_the_benchmark_runs_end_to_end_on_a_small_town(tmp_path: Path) -> None:
    day_file = tmp_path / "day.json"
    result = run_care_bench(tmp_path, visits=12, caregivers=4, time_limit=1.5, problem_out=day_file)
    assert result.visits >= 12 and result.caregivers >= 1
    written = read_problem(day_file)  # the day as planned, for routing/lab/care_capacity.py
    assert len(written.jobs) == result.jobs and len(written.vehicles) == result.caregivers
    assert result.served + result.unassigned == result.visits and result.served > 0
    assert result.violations == []  # every hard constraint, as routing/validate.py checks them
    assert result.freeze_s > 0 and result.plan_s > 0
    assert result.day.weekday() == 0
    row = markdown(result, "test machine")
    assert row.startswith(f"| {result.day} | {result.visits} visits") and "test machine" in row
