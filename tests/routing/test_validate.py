"""The independent validator: the hand-made plan of care_day.py passes, and each broken copy
of it is rejected for the constraint it breaks."""

from __future__ import annotations

from dataclasses import replace

import pytest

from routing import Job, Problem, Vehicle
from routing.lab.caregen import CareDayConfig, care_day
from routing.solution import Reason, Solution, Step, Unassigned
from routing.validate import validate
from tests.routing import care_day as day
from tests.routing.care_day import ROUTE_A, ROUTE_B, job_step


def _kinds(problem: Problem, solution: Solution) -> set[str]:
    return {v.constraint for v in validate(problem, solution)}


def _messages(problem: Problem, solution: Solution) -> str:
    return "\n".join(str(v) for v in validate(problem, solution))


def _with(steps: tuple[Step, ...], k: int, step: Step) -> tuple[Step, ...]:
    return (*steps[:k], step, *steps[k + 1 :])


def _vehicle(problem: Problem, vid: str, **changes: object) -> Problem:
    vehicles = tuple(replace(v, **changes) if v.id == vid else v for v in problem.vehicles)  # type: ignore[arg-type]
    return replace(problem, vehicles=vehicles)


def _job(problem: Problem, jid: str, **changes: object) -> Problem:
    jobs = tuple(replace(j, **changes) if j.id == jid else j for j in problem.jobs)  # type: ignore[arg-type]
    return replace(problem, jobs=jobs)


def test_the_hand_made_plan_is_valid() -> None:
    assert validate(day.problem(), day.plan()) == []


def test_a_late_start_is_allowed_where_the_end_is_soft() -> None:
    late = _with(ROUTE_B, 5, job_step("shop", 45300, 50000, 53600, late=1400))
    late = _with(late, 6, Step("end", arrival=54200))
    assert validate(day.problem(), day.plan(b=late)) == []


@pytest.mark.parametrize(
    ("a", "b", "constraint", "words"),
    [
        # The wound dressing an hour early: the caregiver leaves at 08:20 instead of 08:50.
        (
            _with(_with(ROUTE_A, 0, Step("start", arrival=30000, departure=30000)), 1,
                  job_step("wound", 30600, 30600, 32400)),
            ROUTE_B, "time_window", "job wound",
        ),
        # The lift not at the same second: b starts a minute later.
        (ROUTE_A, _with(ROUTE_B, 3, job_step("lift-b", 34200, 37860, 39660)), "sync",
         "different seconds"),
        # The meal 70 minutes after the pill, over the 60-minute gap.
        (ROUTE_A, _with(ROUTE_B, 2, job_step("meal", 30900, 34200, 36000)), "sync", "meal starts"),
        # The meal 10 minutes after the pill, under the 30-minute gap.
        (ROUTE_A, _with(ROUTE_B, 2, job_step("meal", 30900, 30900, 32700)), "sync", "meal starts"),
        # Lunch at 11:50, before its window opens.
        (ROUTE_A, _with(ROUTE_B, 4, Step("break", arrival=42600, departure=44400, id="lunch",
                                         start=42600)), "break", "outside"),
        # Lunch left out of a day that runs through its whole window.
        (ROUTE_A, ROUTE_B[:4] + ROUTE_B[5:], "break", "neither in the route nor off duty"),
        # Shopping starts before lunch is over.
        (ROUTE_A, _with(ROUTE_B, 5, job_step("shop", 44700, 44700, 48300)), "timing",
         "before a break ends"),
        # Arriving at the lift before the travel from the wound allows (34200 + 300).
        (_with(ROUTE_A, 2, job_step("lift-a", 34400, 37800, 39600)), ROUTE_B, "timing",
         "earliest 34500"),
        # The wound served twice.
        (ROUTE_A, (*ROUTE_B[:1], job_step("wound", 30000, 32400, 34200), *ROUTE_B[1:]),
         "structure", "served twice"),
    ],
)  # fmt: skip
def test_a_broken_plan_is_rejected(
    a: tuple[Step, ...], b: tuple[Step, ...], constraint: str, words: str
) -> None:
    found = [v for v in validate(day.problem(), day.plan(a, b)) if v.constraint == constraint]
    assert any(words in str(v) for v in found), _messages(day.problem(), day.plan(a, b))


def test_a_caregiver_without_the_skill_is_rejected() -> None:
    problem = _vehicle(day.problem(), "a", skills=frozenset())
    assert "skills" in _kinds(problem, day.plan())


def test_a_vehicle_that_is_not_allowed_is_rejected() -> None:
    problem = _job(day.problem(), "shop", allowed_vehicles=("a",))
    assert "allowed_vehicles" in _kinds(problem, day.plan())


def test_both_parts_of_a_two_person_visit_on_one_vehicle_are_rejected() -> None:
    b = ROUTE_B[:3] + ROUTE_B[4:]  # b leaves lift-b to a, which cannot start both at 10:30
    a = (*ROUTE_A[:3], job_step("lift-b", 39600, 39600, 41400), Step("end", arrival=42300))
    assert "one vehicle serves two parts" in _messages(day.problem(), day.plan(a, b))


def test_a_two_person_visit_served_in_part_is_rejected() -> None:
    b = ROUTE_B[:3] + ROUTE_B[4:]
    solution = day.plan(b=b)
    solution = replace(
        solution,
        unassigned=(Unassigned("lift-b", Reason.sync),),
        summary=replace(solution.summary, unassigned=1),
    )
    assert "served in part" in _messages(day.problem(), solution)


def test_a_job_neither_served_nor_unassigned_is_rejected() -> None:
    assert "neither served nor unassigned" in _messages(day.problem(), day.plan(a=()))


def test_shift_travel_ride_and_trip_limits_are_checked() -> None:
    short = _vehicle(day.problem(), "a", time_window=(8 * 3600, 40000))
    assert "shift" in _kinds(short, day.plan())
    slow = _vehicle(day.problem(), "a", max_travel_time=1000)  # a travels 600 + 300 + 900
    assert "max_travel_time" in _kinds(slow, day.plan())
    hot = _job(day.problem(), "pill", max_ride_time=300)  # reached 600 s after leaving
    assert "max_ride_time" in _kinds(hot, day.plan())
    reload = Step("reload", arrival=31500, departure=31500)
    meal, lift = job_step("meal", 32100, 32100, 33900), job_step("lift-b", 34500, 37800, 39600)
    b = (*ROUTE_B[:2], reload, meal, lift, *ROUTE_B[4:])
    assert _kinds(day.problem(), day.plan(b=b)) == {"max_trips"}


def test_capacity_is_checked_per_trip() -> None:
    base = day.problem()
    vehicles = tuple(replace(v, capacity=(1,)) for v in base.vehicles)
    jobs = tuple(replace(j, delivery=(1,)) for j in base.jobs)
    assert "capacity" in _kinds(replace(base, vehicles=vehicles, jobs=jobs), day.plan())


def test_pinned_order_is_checked() -> None:
    problem = replace(day.problem(), pinned={"b": ("meal", "pill")})
    assert "pinned" in _kinds(problem, day.plan())
    assert validate(replace(day.problem(), pinned={"b": ("pill",)}), day.plan()) == []


def test_a_wrong_late_count_is_a_report_violation_not_a_hard_one() -> None:
    b = _with(ROUTE_B, 5, job_step("shop", 45300, 46800, 50400, late=5))
    found = validate(day.problem(), day.plan(b=b))
    assert found and not any(v.hard for v in found)


def test_unknown_vehicles_and_jobs_are_rejected() -> None:
    problem = replace(
        day.problem(),
        vehicles=(*day.problem().vehicles, Vehicle("c", start_index=0)),
        jobs=(*day.problem().jobs, Job("extra", location_index=1)),
    )
    assert "neither served nor unassigned" in _messages(problem, day.plan())
    renamed = replace(day.plan(), routes=(replace(day.plan().routes[0], vehicle="zz"),))
    assert "vehicle zz" in _messages(day.problem(), renamed)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_generators_hidden_plans_are_valid(seed: int) -> None:
    generated = care_day(CareDayConfig(visits=80, caregivers=10, seed=seed))
    assert validate(generated.problem, generated.plan) == []
