"""Building the OR-Tools routing model of a problem, and reading routes back out of it.

Layout: node `n < len(layout.jobs)` is the job `problem.jobs[layout.jobs[n]]`; after the jobs
come the depot nodes, one per distinct start or end location (and one "open end" node, no
location, at zero distance from everything, for vehicles that end at their last job).

A van with `max_trips = T` is T routing vehicles in a row, one per trip: trip k+1 starts at the
kitchen no earlier than trip k ends there plus the reload time, and is used only if trip k is.
Trips keep their own capacity and their own ride clock, which is what a reload means.

All data lives on the C++ side (`RegisterTransitMatrix`, `RegisterUnaryTransitVector`): a
Python callback per arc is several times slower, and search time is the product.

Home-care constraints (breaks, sync, preferences, balance) are added by `extend_model` hooks on
the same `Built` object, so each stays a small function over the time dimension and the layout.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
from ortools.constraint_solver import pywrapcp

from routing.problem import Problem

# What leaving a job without a penalty out costs: far above any route (it is "mandatory in
# spirit"), far below int64 overflow even summed over thousands of jobs.
MANDATORY_PENALTY = 10**9


@dataclass(frozen=True)
class TripVehicle:
    """One routing vehicle: trip `trip` (0-based) of the problem's vehicle `van`."""

    van: int
    trip: int
    start_node: int
    end_node: int


@dataclass(frozen=True)
class Layout:
    jobs: tuple[int, ...]
    node_locs: tuple[int | None, ...]
    trips: tuple[TripVehicle, ...]

    @property
    def num_nodes(self) -> int:
        return len(self.node_locs)

    def trips_of(self, van: int) -> list[int]:
        return [r for r, t in enumerate(self.trips) if t.van == van]


def make_layout(problem: Problem, jobs: Sequence[int]) -> Layout:
    node_locs: list[int | None] = [problem.jobs[j].location_index for j in jobs]
    depots: dict[int | None, int] = {}

    def depot(loc: int | None) -> int:
        if loc not in depots:
            depots[loc] = len(node_locs)
            node_locs.append(loc)
        return depots[loc]

    trips = []
    for i, v in enumerate(problem.vehicles):
        start = depot(v.start_index)
        for k in range(v.max_trips):
            # Every trip but the last comes back to the kitchen to load again.
            end = depot(v.end_index) if k == v.max_trips - 1 else start
            trips.append(TripVehicle(van=i, trip=k, start_node=start, end_node=end))
    return Layout(jobs=tuple(jobs), node_locs=tuple(node_locs), trips=tuple(trips))


def node_matrix(
    loc_matrix: Sequence[Sequence[int]], node_locs: Sequence[int | None], add: Sequence[int]
) -> list[list[int]]:
    """The matrix between nodes, plus `add[from]` on every arc (service time at the origin)."""
    size = len(loc_matrix)
    padded = np.zeros((size + 1, size + 1), dtype=np.int64)  # the last row/column: no location
    padded[:size, :size] = np.asarray(loc_matrix, dtype=np.int64).reshape(size, size)
    idx = np.array([size if loc is None else loc for loc in node_locs], dtype=np.int64)
    result = padded[np.ix_(idx, idx)] + np.asarray(add, dtype=np.int64)[:, None]
    result[idx == size, :] = 0  # nothing leaves the open end
    out: list[list[int]] = result.tolist()
    return out


def horizon(problem: Problem) -> int:
    """An upper bound on every time in any feasible route: the capacity of the time dimension."""
    ends = [v.time_window[1] for v in problem.vehicles if v.time_window]
    if ends and len(ends) == len(problem.vehicles):
        return max(ends)
    job_ends = [j.time_windows[-1][1] for j in problem.jobs if j.time_windows]
    longest = max((max(max(row) for row in m.durations) for m in _all_matrices(problem)), default=0)
    services = sum(j.service for j in problem.jobs)
    reloads = sum(v.reload_time * v.max_trips for v in problem.vehicles)
    bound = max([*ends, *job_ends, 0]) + services + reloads
    return bound + longest * (len(problem.jobs) + 2 * len(problem.vehicles) + 1)


def _all_matrices(problem: Problem) -> list[Any]:
    return [m for m in [problem.matrices, *problem.profile_matrices.values()] if m is not None]


@dataclass
class Built:
    """The OR-Tools objects of one model; the manager must outlive the model, so they travel
    together."""

    problem: Problem
    layout: Layout
    manager: Any
    model: Any
    time: Any
    horizon: int
    callbacks: dict[str, dict[str, int]] = field(default_factory=dict)

    def index(self, node: int) -> int:
        return int(self.manager.NodeToIndex(node))

    def trips_of(self, van: int) -> list[int]:
        return self.layout.trips_of(van)


# A hook adds one family of constraints to a built model (home care adds its own).
ModelHook = Callable[[Built], None]


def build(
    problem: Problem,
    layout: Layout,
    allowed: Sequence[Sequence[int] | None],
    hooks: Sequence[ModelHook] = (),
) -> Built:
    """The routing model. `allowed[n]` lists the vans that may serve job node n (None: any)."""
    starts = [t.start_node for t in layout.trips]
    ends = [t.end_node for t in layout.trips]
    manager = pywrapcp.RoutingIndexManager(layout.num_nodes, len(layout.trips), starts, ends)
    model = pywrapcp.RoutingModel(manager)
    built = Built(problem, layout, manager, model, None, horizon(problem))
    _register_matrices(built)
    _add_time(built)
    _add_capacity(built)
    _add_jobs(built, allowed)
    _add_trips(built)
    _add_ride_time(built)
    _add_travel_limit(built)
    from routing.care import hooks as care_hooks  # care.py builds on this module's types

    for hook in (*hooks, *care_hooks(problem)):
        hook(built)
    return built


def _register_matrices(b: Built) -> None:
    """One time, cost and travel matrix per profile in use, registered once and shared."""
    p, layout = b.problem, b.layout
    depots = [0] * (layout.num_nodes - len(layout.jobs))
    services = [p.jobs[j].service for j in layout.jobs] + depots
    zeros = [0] * layout.num_nodes
    by_distance = p.objective.minimize == "distance"
    for name in ("time", "cost", "travel"):
        b.callbacks[name] = {}
    for profile in sorted({p.vehicles[t.van].profile for t in layout.trips}):
        m = p.matrices_for(profile)
        time = node_matrix(m.durations, layout.node_locs, services)
        travel = node_matrix(m.durations, layout.node_locs, zeros)
        b.callbacks["time"][profile] = b.model.RegisterTransitMatrix(time)
        b.callbacks["travel"][profile] = b.model.RegisterTransitMatrix(travel)
        if by_distance:
            cost = node_matrix(m.costs_distances, layout.node_locs, zeros)
            b.callbacks["cost"][profile] = b.model.RegisterTransitMatrix(cost)
        else:
            b.callbacks["cost"][profile] = b.callbacks["travel"][profile]
    for r, t in enumerate(layout.trips):
        profile = p.vehicles[t.van].profile
        b.model.SetArcCostEvaluatorOfVehicle(b.callbacks["cost"][profile], r)


def _per_trip(b: Built, name: str) -> list[int]:
    return [b.callbacks[name][b.problem.vehicles[t.van].profile] for t in b.layout.trips]


def _add_time(b: Built) -> None:
    h = b.horizon
    b.model.AddDimensionWithVehicleTransits(_per_trip(b, "time"), h, h, False, "time")
    b.time = b.model.GetDimensionOrDie("time")
    for r, t in enumerate(b.layout.trips):
        lo, hi = b.problem.vehicles[t.van].time_window or (0, h)
        b.time.CumulVar(b.model.Start(r)).SetRange(lo, hi)
        b.time.CumulVar(b.model.End(r)).SetRange(lo, hi)
    for n, j in enumerate(b.layout.jobs):
        job = b.problem.jobs[j]
        if not job.time_windows:
            continue
        index = b.index(n)
        cumul = b.time.CumulVar(index)
        first, last = job.time_windows[0][0], job.time_windows[-1][1]
        if job.late_cost_per_s:
            cumul.SetRange(first, h)
            b.time.SetCumulVarSoftUpperBound(index, last, job.late_cost_per_s)
        else:
            cumul.SetRange(first, last)
        for (_, gap_start), (gap_end, _) in pairwise(job.time_windows):
            cumul.RemoveInterval(gap_start + 1, gap_end - 1)


def _add_capacity(b: Built) -> None:
    p, layout = b.problem, b.layout
    depots = [0] * (layout.num_nodes - len(layout.jobs))
    for d in range(p.dimensions):
        demand = [p.jobs[j].delivery[d] if p.jobs[j].delivery else 0 for j in layout.jobs]
        callback = b.model.RegisterUnaryTransitVector(demand + depots)
        capacities = [p.vehicles[t.van].capacity[d] for t in layout.trips]
        b.model.AddDimensionWithVehicleCapacity(callback, 0, capacities, True, f"load{d}")


def _add_jobs(b: Built, allowed: Sequence[Sequence[int] | None]) -> None:
    """Every job in a disjunction, so that an answer always exists; vans restricted."""
    for n, j in enumerate(b.layout.jobs):
        job = b.problem.jobs[j]
        index = b.index(n)
        penalty = MANDATORY_PENALTY if job.penalty is None else job.penalty
        b.model.AddDisjunction([index], penalty)
        vans = allowed[n]
        if vans is not None:
            # SetAllowedVehiclesForIndex is broken in 9.15's Python wrapper; -1 keeps it droppable.
            trips = [r for van in vans for r in b.trips_of(van)]
            b.model.VehicleVar(index).SetValues([*trips, -1])


def _add_trips(b: Built) -> None:
    solver = b.model.solver()
    for i, vehicle in enumerate(b.problem.vehicles):
        trips = b.trips_of(i)
        b.model.SetFixedCostOfVehicle(vehicle.fixed_cost, trips[0])
        for r, nxt in pairwise(trips):
            end, start = b.time.CumulVar(b.model.End(r)), b.time.CumulVar(b.model.Start(nxt))
            solver.Add(end + vehicle.reload_time <= start)
            # Trip k+1 only after trip k: no two equivalent answers with trips swapped.
            solver.Add(b.model.ActiveVehicleVar(nxt) <= b.model.ActiveVehicleVar(r))
    _pin(b)


def _pin(b: Built) -> None:
    """Pinned jobs open their vehicle's first trip, in the given order."""
    node_of = {j: n for n, j in enumerate(b.layout.jobs)}
    job_index = {job.id: i for i, job in enumerate(b.problem.jobs)}
    for i, vehicle in enumerate(b.problem.vehicles):
        # A pinned job the pre-checks left out of the model cannot be served by anyone.
        pinned = [node_of.get(job_index[jid]) for jid in b.problem.pinned.get(vehicle.id, ())]
        chain = [b.model.Start(b.trips_of(i)[0]), *(b.index(n) for n in pinned if n is not None)]
        for a, c in pairwise(chain):
            b.model.NextVar(a).SetValue(c)


def _add_ride_time(b: Built) -> None:
    """Ride time: a dimension with the time's transits whose slack is the time's slack, so its
    cumul is exactly the time since the trip left the kitchen, capped per job."""
    caps = [(n, b.problem.jobs[j].max_ride_time) for n, j in enumerate(b.layout.jobs)]
    caps = [(n, cap) for n, cap in caps if cap is not None]
    if not caps:
        return
    h = b.horizon
    b.model.AddDimensionWithVehicleTransits(_per_trip(b, "time"), h, h, True, "ride")
    ride = b.model.GetDimensionOrDie("ride")
    solver = b.model.solver()
    for index in range(b.model.Size()):
        solver.Add(ride.SlackVar(index) == b.time.SlackVar(index))
    for n, cap in caps:
        ride.CumulVar(b.index(n)).SetMax(cap)
    for r in range(len(b.layout.trips)):
        # Leave as late as possible: waiting in the van is what makes rides long.
        b.model.AddVariableMaximizedByFinalizer(b.time.CumulVar(b.model.Start(r)))


def _add_travel_limit(b: Built) -> None:
    limits = [v.max_travel_time for v in b.problem.vehicles]
    if all(limit is None for limit in limits):
        return
    h = b.horizon
    caps = [min(h, limits[t.van] or h) for t in b.layout.trips]
    b.model.AddDimensionWithVehicleTransitAndCapacity(
        _per_trip(b, "travel"), 0, caps, True, "travel"
    )
    travel = b.model.GetDimensionOrDie("travel")
    solver = b.model.solver()
    for i, limit in enumerate(limits):
        trips = b.trips_of(i)
        if limit is not None and len(trips) > 1:
            solver.Add(solver.Sum([travel.CumulVar(b.model.End(r)) for r in trips]) <= limit)


def initial_routes(b: Built, routes: Mapping[int, Sequence[Sequence[int]]]) -> list[list[int]]:
    """Routes per routing vehicle, as model indices, from job indices per (van, trip)."""
    node_of = {j: n for n, j in enumerate(b.layout.jobs)}
    out: list[list[int]] = [[] for _ in b.layout.trips]
    for van, trips in routes.items():
        rs = b.trips_of(van)
        for k, trip in enumerate(trips[: len(rs)]):
            out[rs[k]] = [b.index(node_of[j]) for j in trip if j in node_of]
    return out


def read_routes(b: Built, assignment: Any) -> list[list[int]]:
    """The problem's job indices on each routing vehicle of a solution."""
    routes = []
    for r in range(len(b.layout.trips)):
        jobs, index = [], assignment.Value(b.model.NextVar(b.model.Start(r)))
        while not b.model.IsEnd(index):
            jobs.append(b.layout.jobs[b.manager.IndexToNode(index)])
            index = assignment.Value(b.model.NextVar(index))
        routes.append(jobs)
    return routes
