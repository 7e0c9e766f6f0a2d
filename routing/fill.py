"""After the search of a meal day: put in each left-out meal that fits where the routes stand.

On a day of vans with several trips and hot-meal rides, the search ended with meals left out
that fit as the routes stood: the unassigned explanation found a place for them (reason
`cost`). Guided local search spends its last seconds among penalised moves, and an insertion
that breaks a ride limit until the stops around it are reordered is never tried whole. So,
in the time kept after the search, each left-out meal goes to its cheapest place that keeps
its van's whole route feasible (the same check as every answer: schedule.py).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from routing.problem import Job, Problem
from routing.reasons import insertions
from routing.schedule import time_route

Routes = dict[int, list[list[Job]]]  # van -> trips -> jobs

# The share of the budget kept for this after the search: a place for one meal among 14 vans
# of 45 stops is about 600 route checks, some 30 ms here.
FILL_SHARE = 0.05


def wants_fill(problem: Problem) -> bool:
    """Vans with several trips and meals with a ride limit: where the search leaves such gaps."""
    return any(v.max_trips > 1 for v in problem.vehicles) and any(
        j.max_ride_time is not None for j in problem.jobs
    )


def fill(
    problem: Problem, routes: Routes, left_out: Sequence[tuple[int, Sequence[int]]], deadline: float
) -> list[int]:
    """Insert each (job, vans it may use) at its cheapest feasible place, until `deadline`;
    `routes` change in place. The jobs inserted."""
    inserted = []
    # A dispatcher's ordered job is placed by the search alone, which keeps its order.
    ordered = {jid for jobs in problem.ordered.values() for jid in jobs}
    for j, vans in left_out:
        if time.time() > deadline:
            break
        if problem.jobs[j].id in ordered:
            continue
        job, best = problem.jobs[j], None
        for van in vans:
            vehicle = problem.vehicles[van]
            trips = routes.get(van, [])
            before = time_route(problem, vehicle, trips, with_steps=False).cost if trips else 0
            for option in insertions(trips, job, vehicle.max_trips):
                timed = time_route(problem, vehicle, option, with_steps=False)
                if timed.feasible and (best is None or timed.cost - before < best[0]):
                    best = (timed.cost - before, van, option)
        if best is not None:
            routes[best[1]] = best[2]
            inserted.append(j)
    return inserted
