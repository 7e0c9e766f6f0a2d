"""Jobs held on a vehicle in a given relative order: FORMAT.md's `ordered` (a dispatcher's pins).

`pinned` puts jobs at the head of a route (what a driver already carries); `ordered` only says
"on this vehicle, A before B", and lets the search place every other job before, between or
after them. In the model each listed job may use its vehicle only (or be left out), and for
each pair in a row of the list the time cumul of the first is strictly below the second's when
both are served. Time only grows along a route (reloads included), so on one vehicle that is
route order; strictly, so that two stops at one place with no service time cannot swap.
A job left out frees its neighbours: the constraint holds only while both are served.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from routing.model import Built, ModelHook
from routing.problem import Problem

Routes = dict[int, list[list[int]]]  # van -> trips -> problem job indices


def hooks(problem: Problem) -> Sequence[ModelHook]:
    return (add_order,) if any(problem.ordered.values()) else ()


def add_order(b: Built) -> None:
    solver = b.model.solver()
    node_of = {j: n for n, j in enumerate(b.layout.jobs)}
    job_index = {job.id: i for i, job in enumerate(b.problem.jobs)}
    big = b.horizon + 1  # above any difference of two time cumuls
    for van, vehicle in enumerate(b.problem.vehicles):
        listed = [node_of.get(job_index[jid]) for jid in b.problem.ordered.get(vehicle.id, ())]
        # A job the pre-checks left out of the model is not in the chain.
        chain = [b.index(n) for n in listed if n is not None]
        for index in chain:
            b.model.VehicleVar(index).SetValues([van, -1])
        for first, then in pairwise(chain):
            both = solver.Min(b.model.ActiveVar(first), b.model.ActiveVar(then))
            earlier = b.time.CumulVar(first) + 1
            solver.Add(earlier <= b.time.CumulVar(then) + big * (1 - both))


def in_order(problem: Problem, routes: Routes) -> Routes:
    """The routes with each vehicle's ordered jobs put in their order, in the places they hold
    there (a first answer found without the order, such as the slotted one, starts the real
    search only if it keeps the order). Ordered jobs on another vehicle are left out."""
    index = {job.id: i for i, job in enumerate(problem.jobs)}
    owner = {
        index[jid]: van
        for van, v in enumerate(problem.vehicles)
        for jid in problem.ordered.get(v.id, ())
    }
    out: Routes = {}
    for van, trips in routes.items():
        kept = [[j for j in trip if owner.get(j, van) == van] for trip in trips]
        wanted = [index[jid] for jid in problem.ordered.get(problem.vehicles[van].id, ())]
        queue = [j for j in wanted if any(j in trip for trip in kept)]
        out[van] = [[queue.pop(0) if j in owner else j for j in trip] for trip in kept]
    return out
