"""PyVRP's seed: used only for problems it can state whole, and only once the validator passes
its routes; anything else is searched as before."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from routing.lab.bench import check_routes
from routing.params import SolveParams
from routing.peer_seed import expressible, peer_routes
from routing.search import RR_PEER
from routing.solver import solve
from tests.routing.solomon import first, solomon

pytest.importorskip("pyvrp")


def test_a_plain_time_window_problem_gets_valid_routes_serving_every_job() -> None:
    problem = first(solomon("RC101"), 25)
    jobs = tuple(range(len(problem.jobs)))
    routes = peer_routes(problem, jobs, (None,) * len(jobs), 0, time.time() + 0.5)
    assert routes is not None
    served = sorted(j for trips in routes.values() for trip in trips for j in trip)
    assert served == list(jobs)
    assert all(len(trips) == 1 for trips in routes.values())
    named = [[problem.jobs[j].id for j in trips[0]] for trips in routes.values()]
    assert check_routes(problem, named).cost is not None


def test_rules_it_cannot_state_mean_no_seed() -> None:
    problem = first(solomon("RC101"), 25)
    jobs = tuple(range(len(problem.jobs)))
    allowed = (None,) * len(jobs)
    assert expressible(problem, allowed)
    two_trips = replace(problem, vehicles=tuple(replace(v, max_trips=2) for v in problem.vehicles))
    ride = replace(problem, jobs=(replace(problem.jobs[0], max_ride_time=600), *problem.jobs[1:]))
    pinned = replace(problem, pinned={problem.vehicles[0].id: (problem.jobs[0].id,)})
    restricted = ((0,), *allowed[1:])
    assert not expressible(two_trips, allowed)
    assert not expressible(ride, allowed)
    assert not expressible(pinned, allowed)
    assert not expressible(problem, restricted)
    assert peer_routes(two_trips, jobs, allowed, 0, time.time() + 0.5) is None


def test_the_seeded_search_serves_every_job_within_the_limit() -> None:
    problem = solomon("R101")
    started = time.perf_counter()
    solution = solve(problem, SolveParams(time_limit_s=2.0, configs=(RR_PEER,)))
    assert time.perf_counter() - started < 2.0 + 0.35
    assert solution.summary.unassigned == 0
    routes = [list(r.job_ids) for r in solution.routes]
    assert check_routes(problem, routes).unassigned == 0
