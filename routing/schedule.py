"""Timing a vehicle's route, and checking it, from the problem alone.

This is the independent check of every answer: whatever the search says, routes are re-timed
and re-costed here, on the problem's own integer matrices, and any broken constraint is named.
The unassigned-reason analysis uses it too, to try a left-out job in every place.

Each trip leaves the kitchen as early as it can, delayed only by as much as the van would
otherwise wait on the way (and never so late that a later window is missed). The route then
ends as early as it can, and every hot meal has the shortest ride this order of stops allows:
a later departure never makes a ride longer, and once no waiting is left it makes none shorter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from routing.problem import Job, Problem, Vehicle
from routing.solution import Reason, Route, Step, StepType

NEVER = -(10**18)  # "no feasible time": later than nothing
HORIZON = 10**12  # the shift of a vehicle without a time window


@dataclass(frozen=True)
class TimedRoute:
    route: Route
    cost: int
    late: int
    violations: frozenset[Reason]

    @property
    def feasible(self) -> bool:
        return not self.violations


def latest_start(job: Job, t: int) -> int:
    """The latest service start no later than `t` inside one of the job's windows."""
    if not job.time_windows:
        return t
    best = NEVER
    for lo, hi in job.time_windows:
        if lo <= t:
            best = max(best, min(hi, t))
    return best


def earliest_start(job: Job, arrival: int) -> tuple[int, int]:
    """(service start, seconds late) for a vehicle arriving at `arrival`."""
    for lo, hi in job.time_windows:
        if arrival <= hi:
            return max(arrival, lo), 0
    if not job.time_windows:
        return arrival, 0
    return arrival, arrival - job.time_windows[-1][1]


def _loc(job: Job) -> int:
    assert job.location_index is not None  # the solver works on problems with matrices
    return job.location_index


def _latest_departures(
    durations: Sequence[Sequence[int]], vehicle: Vehicle, trips: Sequence[Sequence[Job]]
) -> list[int]:
    """The latest departure of each trip from the start that keeps every later window."""
    start = vehicle.start_index
    assert start is not None
    t = (vehicle.time_window or (0, HORIZON))[1]
    departures = [0] * len(trips)
    for k in reversed(range(len(trips))):
        nxt = vehicle.end_index if k == len(trips) - 1 else start
        for job in reversed(trips[k]):
            travel = 0 if nxt is None else durations[_loc(job)][nxt]
            t = latest_start(job, t - travel - job.service)
            nxt = _loc(job)
        departures[k] = t - durations[start][_loc(trips[k][0])]
        t = departures[k] - vehicle.reload_time
    return departures


def _waiting(
    durations: Sequence[Sequence[int]], start: int, trip: Sequence[Job], departure: int
) -> int:
    """Seconds the vehicle would wait for windows on this trip, leaving at `departure`."""
    t, loc, waited = departure, start, 0
    for job in trip:
        arrival = t + durations[loc][_loc(job)]
        begin, _ = earliest_start(job, arrival)
        waited += begin - arrival
        t, loc = begin + job.service, _loc(job)
    return waited


def _departure(
    durations: Sequence[Sequence[int]], start: int, trip: Sequence[Job], ready: int, latest: int
) -> int:
    return ready + max(0, min(_waiting(durations, start, trip, ready), latest - ready))


def _load(trip: Sequence[Job], dims: int) -> tuple[int, ...]:
    return tuple(sum(j.delivery[d] for j in trip if j.delivery) for d in range(dims))


def time_route(
    problem: Problem, vehicle: Vehicle, trips: Sequence[Sequence[Job]], *, with_steps: bool = True
) -> TimedRoute:
    """Time, cost and check a vehicle's trips (each a sequence of jobs) as one route.

    `with_steps=False` skips building the steps, for callers that only want the check."""
    trips = [t for t in trips if t]
    matrices = problem.matrices_for(vehicle.profile)
    durations, distances = matrices.durations, matrices.costs_distances
    start = vehicle.start_index
    assert start is not None
    open_, close = vehicle.time_window or (0, HORIZON)
    latest = _latest_departures(durations, vehicle, trips) if trips else []
    dims = problem.dimensions
    violations: set[Reason] = set()
    steps: list[Step] = []

    def emit(kind: StepType, **kwargs: Any) -> None:
        if with_steps:
            steps.append(Step(kind, **kwargs))

    loc, time, travel, distance, late_total, late_cost = start, open_, 0, 0, 0, 0
    for k, trip in enumerate(trips):
        load = _load(trip, dims)
        if any(load[d] > vehicle.capacity[d] for d in range(dims)):
            violations.add(Reason.capacity)
        if k == 0:
            time = _departure(durations, start, trip, open_, latest[0])
            emit("start", arrival=time, departure=time, load=load)
        else:
            arrival = time + durations[loc][start]
            travel += durations[loc][start]
            distance += distances[loc][start]
            time = _departure(durations, start, trip, arrival + vehicle.reload_time, latest[k])
            emit("reload", arrival=arrival, departure=time, load=load)
            loc = start
        departed = time
        for job in trip:
            arrival = time + durations[loc][_loc(job)]
            travel += durations[loc][_loc(job)]
            distance += distances[loc][_loc(job)]
            begin, late = earliest_start(job, arrival)
            if late and not job.late_cost_per_s:
                violations.add(Reason.time_window)
            if job.max_ride_time is not None and begin - departed > job.max_ride_time:
                violations.add(Reason.max_ride_time)
            late_total += late
            late_cost += late * job.late_cost_per_s
            time = begin + job.service
            emit(
                "job",
                arrival=arrival,
                departure=time,
                id=job.id,
                start=begin,
                late=late,
                trip=k + 1,
            )
            loc = _loc(job)
    if not trips:
        emit("start", arrival=open_, departure=open_, load=(0,) * dims)
    end = vehicle.end_index
    if end is not None:
        travel += durations[loc][end]
        distance += distances[loc][end]
        time += durations[loc][end]
    emit("end", arrival=time)
    if time > close or (vehicle.max_travel_time is not None and travel > vehicle.max_travel_time):
        violations.add(Reason.shift)
    cost = _route_cost(problem, vehicle, trips, distance if _by_distance(problem) else travel)
    route = Route(vehicle=vehicle.id, steps=tuple(steps), distance=distance, duration=travel)
    return TimedRoute(route, cost + late_cost, late_total, frozenset(violations))


def _by_distance(problem: Problem) -> bool:
    return problem.objective.minimize == "distance"


def _route_cost(
    problem: Problem, vehicle: Vehicle, trips: Sequence[Sequence[Job]], travel_cost: int
) -> int:
    if not trips:
        return 0
    preference = sum(
        j.preference_cost
        for trip in trips
        for j in trip
        if j.preferred_vehicles and vehicle.id not in j.preferred_vehicles
    )
    return travel_cost + vehicle.fixed_cost + preference
