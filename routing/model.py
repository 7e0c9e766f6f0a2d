"""Building the OR-Tools routing model of a problem, and reading routes back out of it.

Layout: node `n < len(layout.jobs)` is the job `problem.jobs[layout.jobs[n]]`; then come the
reload nodes, then the depot nodes, one per distinct start or end location (and one "open end"
node, no location, at zero distance from everything, for vehicles that end at their last job).

Routing vehicle i is the problem's vehicle i. A van with `max_trips = T` has T - 1 optional
reload nodes of its own, copies of its start (the kitchen) in their own disjunctions at no
penalty: where its route passes one, a trip ends and the next begins. Time runs on along the
route as at any stop (the reload time is the node's service), so trips follow each other with
no constraint between vehicles: an earlier model, one routing vehicle per trip tied by
`end(k) + reload <= start(k + 1)`, left local search unable to move anything, and every job
was dropped on real meal days. A reload empties the load (OR-Tools' cvrp_reload example) and
restarts the ride clock; both are constraints at the reload node alone (see `_add_capacity`,
`_add_ride_time`).

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
class RouteVehicle:
    """One routing vehicle: the problem's vehicle `van`, and its reload nodes."""

    van: int
    start_node: int
    end_node: int
    reloads: tuple[int, ...]


@dataclass(frozen=True)
class Layout:
    jobs: tuple[int, ...]
    node_locs: tuple[int | None, ...]
    vehicles: tuple[RouteVehicle, ...]

    @property
    def num_nodes(self) -> int:
        return len(self.node_locs)

    def reload_van(self) -> dict[int, int]:
        """The van of each reload node."""
        return {n: v.van for v in self.vehicles for n in v.reloads}


def make_layout(problem: Problem, jobs: Sequence[int]) -> Layout:
    node_locs: list[int | None] = [problem.jobs[j].location_index for j in jobs]
    reloads = []
    for v in problem.vehicles:
        # Reloads only where there is a kitchen to come back to.
        count = v.max_trips - 1 if v.start_index is not None else 0
        reloads.append(tuple(range(len(node_locs), len(node_locs) + count)))
        node_locs += [v.start_index] * count
    depots: dict[int | None, int] = {}

    def depot(loc: int | None) -> int:
        if loc not in depots:
            depots[loc] = len(node_locs)
            node_locs.append(loc)
        return depots[loc]

    vehicles = tuple(
        RouteVehicle(i, depot(v.start_index), depot(v.end_index), reloads[i])
        for i, v in enumerate(problem.vehicles)
    )
    return Layout(jobs=tuple(jobs), node_locs=tuple(node_locs), vehicles=vehicles)


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
    legs = len(problem.jobs) + sum(v.max_trips + 1 for v in problem.vehicles) + 1
    return bound + longest * legs


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

    def reload_indices(self) -> dict[int, int]:
        """The van of each reload node, by model index."""
        return {self.index(n): van for n, van in self.layout.reload_van().items()}


# A hook adds one family of constraints to a built model (home care adds its own).
ModelHook = Callable[[Built], None]


def build(
    problem: Problem,
    layout: Layout,
    allowed: Sequence[Sequence[int] | None],
    hooks: Sequence[ModelHook] = (),
) -> Built:
    """The routing model. `allowed[n]` lists the vans that may serve job node n (None: any)."""
    starts = [v.start_node for v in layout.vehicles]
    ends = [v.end_node for v in layout.vehicles]
    manager = pywrapcp.RoutingIndexManager(layout.num_nodes, len(layout.vehicles), starts, ends)
    model = pywrapcp.RoutingModel(manager)
    built = Built(problem, layout, manager, model, None, horizon(problem))
    _register_matrices(built)
    _add_time(built)
    _add_capacity(built)
    _add_jobs(built, allowed)
    _add_reloads(built)
    _add_ride_time(built)
    _add_travel_limit(built)
    _add_trip_preference(built)
    for hook in hooks:  # the rules beyond plain routing: routing/constraints.py chooses them
        hook(built)
    return built


def node_services(b: Built) -> list[int]:
    """The time spent at each node: the job's service, the van's reload time, 0 at depots."""
    services = [b.problem.jobs[j].service for j in b.layout.jobs]
    services += [0] * (b.layout.num_nodes - len(services))
    for n, van in b.layout.reload_van().items():
        services[n] = b.problem.vehicles[van].reload_time
    return services


def _register_matrices(b: Built) -> None:
    """One time, cost and travel matrix per profile in use, registered once and shared."""
    p, layout = b.problem, b.layout
    services = node_services(b)
    zeros = [0] * layout.num_nodes
    by_distance = p.objective.minimize == "distance"
    for name in ("time", "cost", "travel"):
        b.callbacks[name] = {}
    for profile in sorted({p.vehicles[v.van].profile for v in layout.vehicles}):
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
    for r, v in enumerate(layout.vehicles):
        b.model.SetArcCostEvaluatorOfVehicle(b.callbacks["cost"][p.vehicles[v.van].profile], r)


def per_vehicle(b: Built, name: str) -> list[int]:
    """The registered callback `name` ("time", "cost", "travel") of each routing vehicle."""
    return [b.callbacks[name][b.problem.vehicles[v.van].profile] for v in b.layout.vehicles]


def _add_time(b: Built) -> None:
    h = b.horizon
    b.model.AddDimensionWithVehicleTransits(per_vehicle(b, "time"), h, h, False, "time")
    b.time = b.model.GetDimensionOrDie("time")
    for r, v in enumerate(b.layout.vehicles):
        lo, hi = b.problem.vehicles[v.van].time_window or (0, h)
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
    """One dimension per capacity: the load delivered since the last (re)load.

    A reload node's demand is minus the van's capacity, and its slack (up to the capacity)
    lets the load after it be anything from 0 up: the next trip starts empty-handed at worst.
    Everywhere else the slack is 0, so a trip never carries more than the capacity.
    """
    p, layout = b.problem, b.layout
    reloads = b.reload_indices()
    for d in range(p.dimensions):
        demand = [p.jobs[j].delivery[d] if p.jobs[j].delivery else 0 for j in layout.jobs]
        demand += [0] * (layout.num_nodes - len(demand))
        for n, van in layout.reload_van().items():
            demand[n] = -p.vehicles[van].capacity[d]
        callback = b.model.RegisterUnaryTransitVector(demand)
        capacities = [p.vehicles[v.van].capacity[d] for v in layout.vehicles]
        slack = max(capacities) if reloads else 0
        b.model.AddDimensionWithVehicleCapacity(callback, slack, capacities, True, f"load{d}")
        if not reloads:
            continue
        load = b.model.GetDimensionOrDie(f"load{d}")
        for index in range(b.model.Size()):
            owner = reloads.get(index)
            top = 0 if owner is None else p.vehicles[owner].capacity[d]
            load.SlackVar(index).SetRange(0, top)


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
            b.model.VehicleVar(index).SetValues([*vans, -1])


def _add_reloads(b: Built) -> None:
    """Reload nodes are free to use or not, each on its own van only; fixed costs; pins."""
    for index, van in b.reload_indices().items():
        b.model.AddDisjunction([index], 0)
        b.model.VehicleVar(index).SetValues([van, -1])
    _forbid_empty_trips(b)
    for r, v in enumerate(b.layout.vehicles):
        b.model.SetFixedCostOfVehicle(b.problem.vehicles[v.van].fixed_cost, r)
    _pin(b)


def _pin(b: Built) -> None:
    """Pinned jobs open their vehicle's route (its first trip), in the given order."""
    node_of = {j: n for n, j in enumerate(b.layout.jobs)}
    job_index = {job.id: i for i, job in enumerate(b.problem.jobs)}
    for i, vehicle in enumerate(b.problem.vehicles):
        # A pinned job the pre-checks left out of the model cannot be served by anyone.
        pinned = [node_of.get(job_index[jid]) for jid in b.problem.pinned.get(vehicle.id, ())]
        chain = [b.model.Start(i), *(b.index(n) for n in pinned if n is not None)]
        for a, c in pairwise(chain):
            b.model.NextVar(a).SetValue(c)


def _add_ride_time(b: Built) -> None:
    """Ride time: a dimension whose cumul at a job is exactly the time since its trip left the
    kitchen, capped per job. Every constraint is local to one node.

    Its transits are the time's, and its slack at a job is the time's slack (waiting in the van
    is riding). At a vehicle's start the slack is 0: waiting at the kitchen is leaving later, so
    the clock starts at the first stop minus the drive there. A reload node R restarts it: its
    transits are lowered by `reset` (above any ride cumul), and its slack makes
    cumul(R) + slack(R) = reset - reload time, so the cumul at the stop after R is the drive
    from the kitchen alone, whatever the van did before or waited at the kitchen.
    """
    caps = [(n, b.problem.jobs[j].max_ride_time) for n, j in enumerate(b.layout.jobs)]
    caps = [(n, cap) for n, cap in caps if cap is not None]
    if not caps:
        return
    h, services = b.horizon, node_services(b)
    reset = h + max(services, default=0) + 1
    reload_van = b.layout.reload_van()
    offsets = [s - reset if n in reload_van else s for n, s in enumerate(services)]
    callbacks = {}
    for profile in b.callbacks["time"]:
        m = b.problem.matrices_for(profile)
        matrix = node_matrix(m.durations, b.layout.node_locs, offsets)
        callbacks[profile] = b.model.RegisterTransitMatrix(matrix)
    transits = [callbacks[b.problem.vehicles[v.van].profile] for v in b.layout.vehicles]
    b.model.AddDimensionWithVehicleTransits(transits, reset, reset, True, "ride")
    ride = b.model.GetDimensionOrDie("ride")
    solver = b.model.solver()
    reloads = b.reload_indices()
    for index in range(b.model.Size()):
        if b.model.IsStart(index):
            ride.SlackVar(index).SetValue(0)
        elif index in reloads:
            service = b.problem.vehicles[reloads[index]].reload_time
            solver.Add(ride.SlackVar(index) + ride.CumulVar(index) == reset - service)
        else:
            solver.Add(ride.SlackVar(index) == b.time.SlackVar(index))
    for n, cap in caps:
        ride.CumulVar(b.index(n)).SetMax(cap)


def seeded_trips(problem: Problem) -> dict[int, tuple[int, int]]:
    """(van, trip from 0) of each seeded job that prefers the van it is seeded on: it prefers
    that trip too (FORMAT `initial_trips`). Trip numbers are ranked, so gaps do not count."""
    index = {job.id: i for i, job in enumerate(problem.jobs)}
    out: dict[int, tuple[int, int]] = {}
    for van, vehicle in enumerate(problem.vehicles):
        route = problem.initial_routes.get(vehicle.id, ())
        trips = problem.initial_trips.get(vehicle.id, ())
        rank = {t: k for k, t in enumerate(sorted(set(trips)))}
        for jid, trip in zip(route, trips, strict=False):
            job = problem.jobs[index[jid]]
            if vehicle.id in job.preferred_vehicles and job.preference_cost:
                out[index[jid]] = (van, min(rank[trip], vehicle.max_trips - 1))
    return out


def _add_trip_preference(b: Built) -> None:
    """A job served on another trip than its seeded one costs its preference cost per trip
    of difference. Without it a re-plan slid a reload a few stops along and every stop in
    between changed trip: a different box in the kitchen, the same work for the driver."""
    wanted = seeded_trips(b.problem)
    reloads = b.reload_indices()
    if not wanted or not reloads:
        return
    counts = [0] * b.layout.num_nodes
    for n in b.layout.reload_van():
        counts[n] = 1
    callback = b.model.RegisterUnaryTransitVector(counts)
    most = max(v.max_trips for v in b.problem.vehicles)
    b.model.AddDimension(callback, 0, most, True, "trip")
    trip = b.model.GetDimensionOrDie("trip")
    node_of = {j: n for n, j in enumerate(b.layout.jobs)}
    for j, (_, k) in wanted.items():
        if j not in node_of:
            continue  # not in the model (it cannot be served at all)
        index, cost = b.index(node_of[j]), b.problem.jobs[j].preference_cost
        trip.SetCumulVarSoftUpperBound(index, k, cost)
        trip.SetCumulVarSoftLowerBound(index, k, cost)


def _add_travel_limit(b: Built) -> None:
    limits = [b.problem.vehicles[v.van].max_travel_time for v in b.layout.vehicles]
    if all(limit is None for limit in limits):
        return
    h = b.horizon
    caps = [min(h, limit or h) for limit in limits]
    b.model.AddDimensionWithVehicleTransitAndCapacity(
        per_vehicle(b, "travel"), 0, caps, True, "travel"
    )


def initial_routes(b: Built, routes: Mapping[int, Sequence[Sequence[int]]]) -> list[list[int]]:
    """Routes per routing vehicle, as model indices, from job indices per van and trip: a
    reload node between trips (trips beyond the van's reloads join the last one)."""
    node_of = {j: n for n, j in enumerate(b.layout.jobs)}
    out: list[list[int]] = [[] for _ in b.layout.vehicles]
    for van, trips in routes.items():
        reloads = list(b.layout.vehicles[van].reloads)
        for k, trip in enumerate(t for t in trips if t):
            if k and reloads:
                out[van].append(b.index(reloads.pop(0)))
            out[van] += [b.index(node_of[j]) for j in trip if j in node_of]
    return out


def read_routes(b: Built, value: Callable[[Any], int]) -> dict[int, list[list[int]]]:
    """The problem's job indices on each van's trips in a solution; `value(var)` reads it
    (`assignment.Value` of a solution, or the variables' own values in a callback).
    Trips without a job (reloads in a row) are left out."""
    routes: dict[int, list[list[int]]] = {}
    n_jobs = len(b.layout.jobs)
    for r, v in enumerate(b.layout.vehicles):
        trips: list[list[int]] = [[]]
        index = value(b.model.NextVar(b.model.Start(r)))
        while not b.model.IsEnd(index):
            node = b.manager.IndexToNode(index)
            if node < n_jobs:
                trips[-1].append(b.layout.jobs[node])
            elif trips[-1]:
                trips.append([])  # a reload node: the next trip
            index = value(b.model.NextVar(index))
        routes[v.van] = [t for t in trips if t]
    return routes


def _forbid_empty_trips(b: Built) -> None:
    """No arc that makes an empty trip: start to reload, reload to reload. An empty trip never
    helps (a van leaves loaded), and without these arcs a greedy first solution cannot spend
    every reload at the kitchen before the first stop (the arcs are free). Reload to end stays:
    path cheapest arc closes every partial route through it."""
    for r, v in enumerate(b.layout.vehicles):
        if not v.reloads:
            continue
        indices = [b.index(n) for n in v.reloads]
        b.model.NextVar(b.model.Start(r)).RemoveValues(indices)
        for index in indices:
            b.model.NextVar(index).RemoveValues([i for i in indices if i != index])
