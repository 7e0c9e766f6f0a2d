"""The timetable and the independent check of a route, on routes a person can time by hand."""

from __future__ import annotations

from typing import Any

from routing import Job, Problem, Reason
from routing.params import SolveParams
from routing.schedule import earliest_start, latest_start, time_route
from routing.solver import solve
from tests.routing.line import ELEVEN, line, meal, van

NOON = 12 * 3600


def _problem(*jobs: Job, **vehicle: Any) -> Problem:
    return Problem(vehicles=(van("van-1", **vehicle),), jobs=jobs, matrices=line([0, 1, 2, 5]))


def test_window_arithmetic() -> None:
    job = meal("a", 1, time_windows=((100, 200), (400, 500)))
    assert earliest_start(job, 50) == (100, 0)
    assert earliest_start(job, 250) == (400, 0)  # too late for the first window: wait
    assert earliest_start(job, 600) == (600, 100)  # after the last window: late
    assert latest_start(job, 450) == 450 and latest_start(job, 300) == 200
    assert latest_start(job, 50) < 0


def test_the_second_window_is_used_when_the_first_is_missed() -> None:
    late_morning = ((ELEVEN, ELEVEN + 60), (NOON, NOON + 600))
    a, b = meal("a", 2), meal("b", 1, time_windows=late_morning)
    timed = time_route(_problem(a, b), van("van-1"), [[a, b]])
    steps = {s.id: s for s in timed.route.steps if s.type == "job"}
    assert timed.feasible and steps["b"].start == NOON
    # Leaving at 11:00 it would wait 53 min at b's door; it leaves 53 min later instead, and
    # reaches b (2 km out, 1 min at a, 1 km back) just at noon.
    assert timed.route.steps[0].departure == NOON - 60 - 120 - 240


def test_a_soft_window_costs_per_second_late() -> None:
    a = meal("a", 3, time_windows=((ELEVEN, ELEVEN + 300),), late_cost_per_s=2)
    timed = time_route(_problem(a), van("van-1"), [[a]])
    assert timed.feasible and timed.late == 600 - 300  # 5 km at 120 s/km
    assert timed.cost == 10_000 + 2 * 300


def test_a_hard_window_missed_is_a_time_window_violation() -> None:
    a = meal("a", 3, time_windows=((ELEVEN, ELEVEN + 300),))
    assert time_route(_problem(a), van("van-1"), [[a]]).violations == {Reason.time_window}


def test_a_vehicle_without_an_end_finishes_at_its_last_stop() -> None:
    a = meal("a", 3)
    problem = _problem(a, end_index=None)
    timed = time_route(problem, problem.vehicles[0], [[a]])
    assert timed.route.distance == 5_000 and timed.route.steps[-1].arrival == ELEVEN + 600 + 60
    solution = solve(problem, SolveParams(time_limit_s=0.5))
    assert solution.summary.distance == 5_000


def test_travel_time_limit_is_a_shift_reason() -> None:
    a = meal("a", 3)  # 10 min there, 10 back
    assert _reason(_problem(a, max_travel_time=900), "a") == Reason.shift


def test_travel_time_limit_spans_all_trips() -> None:
    """Two trips of 4 min each fit 10 min of driving; a third would not, so one meal waits.
    Both a full trip and the driving limit stand in its way: the first in order is named."""
    jobs = (meal("a", 1), meal("b", 1), meal("c", 1))
    problem = _problem(*jobs, capacity=1, max_trips=3, max_travel_time=600)
    solution = solve(problem, SolveParams(time_limit_s=1.0))
    assert solution.summary.duration == 480 and len(solution.unassigned) == 1
    assert solution.unassigned[0].reason == Reason.capacity


def _reason(problem: Problem, job_id: str) -> Reason:
    return {u.id: u.reason for u in solve(problem, SolveParams(time_limit_s=0.5)).unassigned}[
        job_id
    ]
