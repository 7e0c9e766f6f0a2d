"""Ruin and recreate around OR-Tools' local search (the "RR" search of search.py).

Each iteration removes a few strings of nearby jobs from the current routes (after Christiaens
and Vanden Berghe's SISR: a seed job, then strings from the trips of its nearest neighbours),
and lets OR-Tools put them back: the routes are read into the model with those jobs left out
(every job is in a disjunction, so that is a valid answer) and a greedy descent from there
inserts them (make-active operators, pushed by the high penalty of a left-out job) and tidies
the routes. A worse answer is still taken as the current one with a simulated-annealing chance,
the best is kept.

Measured here (Solomon, 10 s, one process, seven instances; search.py has the figures): guided
local search stalls at 4.2% above the best-known on average, this loop reaches 2.1-2.2% with
50-150 iterations a run.

The descent uses only the cheap operators (`LIGHT`): with the default set less the insertion LNS
operators the loop made fewer iterations and ended worse in three of four runs (RC105 and R201,
with and without annealing, one 10 s run each; R201 with annealing was the exception). Ruins of
up to 4 trips, strings of up to 15 jobs, or twice the temperature did no better on RC103 RC107
R207 RC105 (mean gap 4.7-5.0% against 4.5%, one run each).

The trajectory depends only on the seed and the problem: the temperature falls with the
iteration count, not the clock, so a slower machine makes fewer of the same iterations.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import numpy as np

from routing.model import Built, initial_routes, read_routes

Routes = dict[int, list[list[int]]]  # van -> trips -> problem job indices

_OFF = (
    "use_global_cheapest_insertion_path_lns",
    "use_local_cheapest_insertion_path_lns",
    "use_relocate_path_global_cheapest_insertion_insert_unperformed",
    "use_global_cheapest_insertion_visit_types_lns",
    "use_local_cheapest_insertion_visit_types_lns",
    "use_lin_kernighan",
    "use_relocate_expensive_chain",
    "use_make_chain_inactive",
    "use_swap_active_chain",
    "use_shortest_path_swap_active",
    "use_shortest_path_two_opt",
    "use_relocate_subtrip",
    "use_exchange_subtrip",
    "use_exchange_pair",
    "use_light_relocate_pair",
    "use_relocate_pair",
)
# The descent's operators: the default set without those above (the model has no pickup and
# delivery pairs, so the pair operators only cost their scan).
LIGHT: tuple[tuple[str, Any], ...] = tuple(
    (f"local_search_operators.{name}", False) for name in _OFF
)

NEAREST = 40  # neighbours kept per job: a seed's strings come from the trips of the first few
MAX_STRING = 10  # jobs removed from one trip at most (SISR's L_max)
MAX_TRIPS = 3  # trips a ruin touches at most
# Temperature: a share of the first answer's average arc cost (about 70 on Solomon, scaled by 10,
# near the 100 tried on RC105 and R201, where it beat only taking improvements), falling a
# hundredfold over COOLING iterations and staying there.
START_SHARE = 0.5
COOLING = 250


def nearest(b: Built, count: int = NEAREST) -> dict[int, list[int]]:
    """For each job of the model, the other jobs of the model by travel time from it."""
    jobs = list(b.layout.jobs)
    profile = b.problem.vehicles[b.layout.vehicles[0].van].profile
    matrix = np.asarray(b.problem.matrices_for(profile).durations, dtype=np.int64)
    locs = [b.problem.jobs[j].location_index for j in jobs]
    # A job without a location (none after the travel provider) is far from everything.
    idx = np.array([0 if loc is None else loc for loc in locs], dtype=np.int64)
    times = matrix[np.ix_(idx, idx)].astype(np.float64)
    missing = np.array([loc is None for loc in locs])
    times[missing, :] = np.inf
    times[:, missing] = np.inf
    np.fill_diagonal(times, np.inf)
    keep = min(count, max(0, len(jobs) - 1))
    order = np.argsort(times, axis=1, kind="stable")[:, :keep]
    return {jobs[i]: [jobs[k] for k in row] for i, row in enumerate(order.tolist())}


def ruin(
    routes: Routes, near: dict[int, list[int]], rng: random.Random, fixed: set[int]
) -> set[int]:
    """The jobs to take out: strings around a random served job and its nearest neighbours."""
    where = {
        job: (van, k)
        for van, trips in routes.items()
        for k, trip in enumerate(trips)
        for job in trip
        if job not in fixed
    }
    if not where:
        return set()
    seed = rng.choice(sorted(where))
    wanted = rng.randint(1, MAX_TRIPS)
    removed: set[int] = set()
    touched: set[tuple[int, int]] = set()
    for job in [seed, *near.get(seed, ())]:
        if job in removed or job not in where or where[job] in touched:
            continue
        van, k = where[job]
        touched.add((van, k))
        trip = routes[van][k]
        length = rng.randint(1, min(MAX_STRING, len(trip)))
        at = trip.index(job)
        first = max(0, min(at - rng.randrange(length), len(trip) - length))
        removed.update(j for j in trip[first : first + length] if j not in fixed)
        if len(touched) >= wanted:
            break
    return removed


def arc_cost(b: Built, routes: Routes) -> tuple[int, int]:
    """The arc cost of routes in the model and their number of arcs."""
    total, arcs = 0, 0
    for van, nodes in enumerate(initial_routes(b, routes)):
        if not nodes:
            continue
        path = [b.model.Start(van), *nodes, b.model.End(van)]
        for a, c in pairwise(path):
            total += b.model.GetArcCostForVehicle(a, c, van)
            arcs += 1
    return total, arcs


def search(
    b: Built,
    params: Any,
    solution: Any,
    seed: int,
    stop_at: float,
    fixed: set[int],
    on_best: Callable[[int, Routes], None],
    iterations: int | None = None,
) -> tuple[int, Routes]:
    """Ruin and recreate from `solution` (a local optimum) until `stop_at` (time.time()) or,
    if given, that many iterations."""
    rng = random.Random(seed)
    near = nearest(b)
    current = read_routes(b, solution.Value)
    current_cost = best_cost = int(solution.ObjectiveValue())
    best = current
    total, arcs = arc_cost(b, current)
    start = START_SHARE * total / max(1, arcs)
    k = 0
    while time.time() < stop_at and (iterations is None or k < iterations):
        temperature = start * 0.01 ** min(1.0, k / COOLING)
        k += 1
        removed = ruin(current, near, rng, fixed)
        if not removed:
            break
        trips = {v: [[j for j in t if j not in removed] for t in ts] for v, ts in current.items()}
        assignment = b.model.ReadAssignmentFromRoutes(initial_routes(b, trips), True)
        if assignment is None:
            continue
        params.time_limit.FromMilliseconds(max(1, int((stop_at - time.time()) * 1000)))
        found = b.model.SolveFromAssignmentWithParameters(assignment, params)
        if found is None:
            continue
        cost = int(found.ObjectiveValue())
        if cost < current_cost - temperature * math.log(1.0 - rng.random()):
            current, current_cost = read_routes(b, found.Value), cost
            if cost < best_cost:
                best, best_cost = current, cost
                on_best(cost, best)
    return best_cost, best


def pinned_jobs(b: Built) -> set[int]:
    """Problem job indices that are pinned to a van: never ruined (the driver carries them)."""
    index = {job.id: i for i, job in enumerate(b.problem.jobs)}
    return {index[jid] for ids in b.problem.pinned.values() for jid in ids if jid in index}
