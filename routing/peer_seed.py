"""A first answer from PyVRP for the problems it can state whole, checked before it is used.

OR-Tools stays the model of every rule: PyVRP (a hybrid genetic search, then iterated local
search, in C++) only proposes routes, `routing/validate.py` checks them against the problem, and
the search then reads them into the OR-Tools model as its start (which refuses any route that
breaks a rule of the model) and goes on improving from there. On 1,000 customers OR-Tools'
own first solution took 10-20 s of a minute and the search ended 18-34% above the best-known;
PyVRP is within a few per cent in seconds.

Only the plain part of the problem is stated to PyVRP: vans from a depot and back within their
shift, capacities, one time window per job, service times, fixed costs, one travel profile. A
problem with anything more (trips with reloads, ride limits, breaks, skills, vans restricted per
job, preferences, soft windows, linked visits, pins, a re-plan's routes, balance) gets no seed
and is searched as before: a seed that drops a rule would be a plan the model cannot accept.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from routing.problem import Job, Problem, Vehicle
from routing.schedule import time_route
from routing.solution import Reason, Solution, Summary, Unassigned
from routing.validate import hard_violations

Routes = dict[int, list[list[int]]]  # van -> trips -> problem job indices

# PyVRP's "no limit" for a window's end.
_OPEN = 2**62
# Iterations without a better answer after which PyVRP hands over.
STALL_ITERATIONS = 5_000


@cache
def load() -> Any:
    """The pyvrp module, or None on an install without it (then the search runs as before).
    Imported in the parent before the search forks: a third of a second in each child."""
    try:
        import pyvrp
    except ImportError:
        return None
    return pyvrp


def expressible(problem: Problem, allowed: Sequence[tuple[int, ...] | None]) -> bool:
    """Whether PyVRP can state every rule of the problem for these jobs."""
    plain_problem = (
        not problem.pinned
        and not problem.ordered
        and not problem.initial_routes
        and problem.objective.balance_weight == 0
        and len({v.profile for v in problem.vehicles}) == 1
        and all(a is None for a in allowed)
    )
    return (
        plain_problem
        and all(map(_plain_vehicle, problem.vehicles))
        and (all(_plain_job(job, problem.dimensions) for job in problem.jobs))
    )


def _plain_vehicle(v: Vehicle) -> bool:
    return (
        v.start_index is not None
        and v.end_index is not None
        and v.max_trips == 1
        and not v.breaks
        and v.max_travel_time is None
        and not v.skills
    )


def _plain_job(job: Job, dimensions: int) -> bool:
    return (
        job.location_index is not None
        and len(job.time_windows) <= 1
        and job.late_cost_per_s == 0
        and job.max_ride_time is None
        and job.sync is None
        and not job.follows
        and not job.skills
        and not job.preferred_vehicles
        and job.allowed_vehicles is None
        and job.penalty is None
        and len(job.delivery) in (0, dimensions)
    )


def peer_routes(
    problem: Problem,
    jobs: Sequence[int],
    allowed: Sequence[tuple[int, ...] | None],
    seed: int,
    until: float,
) -> Routes | None:
    """PyVRP's routes for `jobs` (problem job indices), searched until `until` (time.time()),
    when the problem is one it can state and the routes pass the validator; else None."""
    pyvrp = load()
    if pyvrp is None or not jobs or not expressible(problem, allowed):
        return None
    from pyvrp.stop import MaxRuntime, MultipleCriteria, NoImprovement

    data, vans_of_type = _data(pyvrp, problem, jobs)
    budget = until - time.time()
    if budget <= 0:
        return None
    # Stopped early only when it has long stopped improving (a small day): OR-Tools goes on.
    stop = MultipleCriteria([MaxRuntime(budget), NoImprovement(STALL_ITERATIONS)])
    with warnings.catch_warnings():  # its warnings about penalties are advice, not failures
        warnings.simplefilter("ignore")
        result = pyvrp.solve(data, stop=stop, seed=seed, display=False)
    if not result.best.is_feasible():
        return None
    routes: Routes = {}
    for route in result.best.routes():
        free = vans_of_type[route.vehicle_type()]
        # A client activity's idx is its place in the clients list, which is `jobs`' order.
        trip = [jobs[a.idx] for a in route if a.is_client()]
        if free and trip:
            routes[free.pop(0)] = [trip]
    return routes if _valid(problem, routes) else None


def _data(pyvrp: Any, problem: Problem, jobs: Sequence[int]) -> tuple[Any, list[list[int]]]:
    """The problem in PyVRP's terms: one vehicle type per kind of van, with the vans of each."""
    vehicle = problem.vehicles[0]
    m = problem.matrices_for(vehicle.profile)
    by_distance = problem.objective.minimize == "distance"
    # The arc cost OR-Tools minimises (model.py): distance, or travel time.
    cost = np.asarray(m.costs_distances if by_distance else m.durations, dtype=np.int64)
    duration = np.asarray(m.durations, dtype=np.int64)
    ends = (i for v in problem.vehicles for i in (v.start_index, v.end_index) if i is not None)
    depot_locs = sorted(set(ends))
    depot_of = {loc: k for k, loc in enumerate(depot_locs)}
    kinds: dict[tuple[Any, ...], list[int]] = {}
    for van, v in enumerate(problem.vehicles):
        key = (v.start_index, v.end_index, v.capacity, v.time_window, v.fixed_cost)
        kinds.setdefault(key, []).append(van)
    dims = problem.dimensions
    vehicle_types = [
        pyvrp.VehicleType(
            num_available=len(vans),
            capacity=list(cap) or [0] * dims,
            start_depot=depot_of[start],
            end_depot=depot_of[end],
            fixed_cost=fixed,
            tw_early=(window or (0, _OPEN))[0],
            tw_late=(window or (0, _OPEN))[1],
        )
        for (start, end, cap, window, fixed), vans in kinds.items()
    ]
    # A prize above what serving any one job can cost (there and back from the farthest place,
    # and a van's fixed cost): PyVRP leaves a job out only when it cannot be served, as OR-Tools
    # does with its far larger penalty, which would upset PyVRP's own penalty scaling.
    prize = 4 * int(cost.max(initial=0)) + max(v.fixed_cost for v in problem.vehicles) + 1
    clients = [_client(pyvrp, problem.jobs[j], dims, prize) for j in jobs]
    data = pyvrp.ProblemData(
        locations=[pyvrp.Location(x=0.0, y=0.0) for _ in range(len(m.durations))],
        clients=clients,
        depots=[pyvrp.Depot(location=loc) for loc in depot_locs],
        vehicle_types=vehicle_types,
        distance_matrices=[cost],
        duration_matrices=[duration],
    )
    return data, [list(vans) for vans in kinds.values()]


def _client(pyvrp: Any, job: Job, dims: int, prize: int) -> Any:
    early, late = job.time_windows[0] if job.time_windows else (0, _OPEN)
    # Optional, so that a day with more meals than room gets an answer (some left out).
    return pyvrp.Client(
        location=job.location_index,
        delivery=list(job.delivery) or [0] * dims,
        service_duration=job.service,
        tw_early=early,
        tw_late=late,
        prize=prize,
        required=False,
    )


def _valid(problem: Problem, routes: Routes) -> bool:
    """Whether the routes, timed by schedule.py, break no hard rule of validate.py."""
    timed = [
        time_route(problem, problem.vehicles[van], [[problem.jobs[j] for j in t] for t in trips])
        for van, trips in sorted(routes.items())
    ]
    if not all(t.feasible for t in timed):
        return False
    served = {j for trips in routes.values() for t in trips for j in t}
    unassigned = tuple(
        Unassigned(job.id, Reason.cost) for i, job in enumerate(problem.jobs) if i not in served
    )
    summary = Summary(
        cost=sum(t.cost for t in timed),
        distance=sum(t.route.distance for t in timed),
        duration=sum(t.route.duration for t in timed),
        late=sum(t.late for t in timed),
        routes=len(timed),
        unassigned=len(unassigned),
        solve_time_s=0.0,
    )
    solution = Solution(summary, tuple(t.route for t in timed), unassigned)
    return not hard_violations(problem, solution)
