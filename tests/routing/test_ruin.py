"""Ruin and recreate (routing/ruin.py): what a ruin takes out, and that the search built on it
keeps every job served, never ruins a pinned job, repeats itself for a seed and holds the limit."""

from __future__ import annotations

import random
import time
from dataclasses import replace

from routing import Problem
from routing.constraints import model_hooks
from routing.lab.bench import check_routes
from routing.model import build, make_layout
from routing.params import SolveParams
from routing.ruin import MAX_STRING, MAX_TRIPS, Routes, nearest, ruin, search
from routing.search import RR, Task, parameters, portfolio
from routing.solver import solve
from tests.routing.line import two_vans_six_meals
from tests.routing.solomon import first, solomon


def test_nearest_lists_the_other_jobs_by_travel_time() -> None:
    # Meals at -1..-4 km (jobs 0-3) and +1, +2 km (jobs 4, 5) on one road.
    problem = two_vans_six_meals()
    b = build(problem, make_layout(problem, range(6)), [None] * 6, model_hooks(problem))
    near = nearest(b)
    assert near[0] == [1, 2, 4, 3, 5]  # -1 km: -2, then -3 and +1 (a tie the job order breaks)
    assert near[5] == [4, 0, 1, 2, 3]  # +2 km: +1, -1, -2, -3, -4 km
    assert all(j not in near[j] for j in near)


def test_a_ruin_takes_strings_from_a_few_trips_and_never_a_fixed_job() -> None:
    routes = {0: [[0, 1, 2, 3, 4, 5, 6, 7]], 1: [[8, 9, 10], [11, 12]], 2: [[13, 14, 15]]}
    near = {j: [k for k in range(16) if k != j] for j in range(16)}
    for seed in range(50):
        removed = ruin(routes, near, random.Random(seed), fixed={3, 9})
        assert removed and not removed & {3, 9}
        trips = [trip for trips in routes.values() for trip in trips if set(trip) & removed]
        assert len(trips) <= MAX_TRIPS
        for trip in trips:
            at = [i for i, j in enumerate(trip) if j in removed]
            # One string per trip: contiguous but for a fixed job inside it.
            assert at[-1] - at[0] + 1 - len(at) <= sum(j in {3, 9} for j in trip)
            assert len(at) <= MAX_STRING


def test_the_same_seed_ruins_the_same_jobs() -> None:
    routes = {0: [[0, 1, 2, 3]], 1: [[4, 5, 6]]}
    near = {j: [k for k in range(7) if k != j] for j in range(7)}
    runs = [[sorted(ruin(routes, near, random.Random(4), set())) for _ in range(5)] for _ in (1, 2)]
    assert runs[0] == runs[1]


def test_ruin_and_recreate_serves_everyone_feasibly() -> None:
    problem = first(solomon("RC101"), 25)
    solution = solve(problem, SolveParams(time_limit_s=1.5, seed=3, configs=(RR,)))
    checked = check_routes(problem, [list(r.job_ids) for r in solution.routes])
    assert checked.cost is not None, checked.problem
    assert checked.unassigned == 0 and solution.unassigned == ()
    assert checked.cost == solution.summary.distance


def _iterate(problem: Problem, seed: int, iterations: int) -> tuple[int, Routes, list[int]]:
    b = build(
        problem,
        make_layout(problem, range(len(problem.jobs))),
        [None] * len(problem.jobs),
        model_hooks(problem),
    )
    params = parameters(RR, 5.0)
    b.model.CloseModelWithParameters(params)
    first = b.model.SolveWithParameters(params)
    bests: list[int] = []
    far = time.time() + 60.0
    cost, routes = search(
        b, params, first, seed, far, set(), lambda c, _: bests.append(c), iterations
    )
    assert bests == sorted(bests, reverse=True) and (not bests or bests[-1] == cost)
    assert cost <= first.ObjectiveValue()
    return cost, routes, bests


def test_the_same_seed_takes_the_same_path() -> None:
    """The temperature follows the iteration count, not the clock: same seed, same iterations,
    same routes (and the same bests on the way), however loaded the machine."""
    problem = first(solomon("RC101"), 25)
    assert _iterate(problem, 3, 60) == _iterate(problem, 3, 60)


def test_ruin_and_recreate_keeps_pinned_jobs_first_in_their_order() -> None:
    """The driver already carries w3 then w1 (no ride limit: that order would break it)."""
    problem = replace(two_vans_six_meals(), pinned={"van-1": ("w3", "w1")})
    problem = replace(problem, jobs=tuple(replace(j, max_ride_time=None) for j in problem.jobs))
    solution = solve(problem, SolveParams(time_limit_s=1.0, configs=(RR,)))
    route = solution.route_of("van-1")
    assert route is not None and route.job_ids[:2] == ("w3", "w1")
    assert set(route.job_ids) == {"w1", "w2", "w3", "w4"} and solution.summary.unassigned == 0


def test_ruin_and_recreate_ends_by_its_deadline_with_its_best_answer() -> None:
    problem = solomon("R101")
    jobs = tuple(range(len(problem.jobs)))
    deadline = time.time() + 1.5
    task = Task(problem, jobs, (None,) * len(jobs), {}, RR, 0, deadline, margin_s=0.05)
    started = time.perf_counter()
    (outcome,) = portfolio([task])
    assert time.perf_counter() - started < 1.5 + 0.35
    assert outcome.routes is not None and outcome.error is None
    served = sum(len(trip) for trips in outcome.routes.values() for trip in trips)
    assert served == len(jobs)
