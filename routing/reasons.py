"""Why a job is unassigned: checks before the search, and an analysis of what it left out.

Reasons are tried in a fixed order and the first that explains a job is reported:
`no_vehicle` (no vehicle may serve it at all: its `allowed_vehicles` rule them all out), then
`skills`, `time_window`, `capacity`, `max_ride_time`, `sync`, `shift`, and `cost` only when no
constraint explains it (serving it would cost more than its penalty, or the search found no
room it could prove).

Before the search each check narrows the vehicles that could serve the job on its own (a direct
trip from the start); when none is left the job never enters the model, and its reason is the
check that removed the last vehicle. A job the search left out is tried in every place of every
route of the answer: if some place breaks no constraint the reason is `cost`; otherwise it is
the first reason that, alone, stands in the way of some place.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from routing.links import links
from routing.problem import Job, Problem, Vehicle
from routing.schedule import HORIZON, earliest_start, time_route
from routing.solution import Cause, Reason, Why, why

__all__ = [
    "CONSTRAINT_ORDER",
    "Eligibility",
    "Reason",
    "Why",
    "eligibility",
    "explain_dropped",
]

# The order reasons are tried in after no_vehicle; cost comes last.
CONSTRAINT_ORDER: tuple[Reason, ...] = (
    Reason.skills,
    Reason.time_window,
    Reason.capacity,
    Reason.max_ride_time,
    Reason.sync,
    Reason.shift,
)


@dataclass(frozen=True)
class Eligibility:
    """The vehicles (indices) that pass every check for a job, or why none does."""

    vans: tuple[int, ...]
    reason: Reason | None
    why: Why | None = None  # the cause with its numbers when no vehicle is left


def _travel(problem: Problem, v: Vehicle, a: int | None, b: int | None) -> int:
    if a is None or b is None:
        return 0
    return problem.matrices_for(v.profile).durations[a][b]


def _skills(problem: Problem, v: Vehicle, job: Job) -> bool:
    return job.skills <= v.skills


def _arrival(problem: Problem, v: Vehicle, job: Job) -> tuple[int, int]:
    """(service start, seconds late) for the vehicle going straight there at its shift start."""
    opens = (v.time_window or (0, HORIZON))[0]
    return earliest_start(job, opens + _travel(problem, v, v.start_index, job.location_index))


def _time_window(problem: Problem, v: Vehicle, job: Job) -> bool:
    _, late = _arrival(problem, v, job)
    return late == 0 or job.late_cost_per_s > 0


def _capacity(problem: Problem, v: Vehicle, job: Job) -> bool:
    return all(d <= c for d, c in zip(job.delivery, v.capacity, strict=False))


def _ride(problem: Problem, v: Vehicle, job: Job) -> bool:
    direct = _travel(problem, v, v.start_index, job.location_index)
    return job.max_ride_time is None or direct <= job.max_ride_time


def _shift(problem: Problem, v: Vehicle, job: Job) -> bool:
    begin, _ = _arrival(problem, v, job)
    back = _travel(problem, v, job.location_index, v.end_index)
    there = _travel(problem, v, v.start_index, job.location_index)
    closes = (v.time_window or (0, HORIZON))[1]
    if v.max_travel_time is not None and there + back > v.max_travel_time:
        return False
    return begin + job.service + back <= closes


Check = Callable[[Problem, Vehicle, Job], bool]
_CHECKS: tuple[tuple[Reason, Check], ...] = (
    (Reason.skills, _skills),
    (Reason.time_window, _time_window),
    (Reason.capacity, _capacity),
    (Reason.max_ride_time, _ride),
    (Reason.shift, _shift),
)


def _signature(v: Vehicle) -> tuple[object, ...]:
    """Vehicles alike in everything a check looks at get one answer (fleets are uniform)."""
    return (
        v.start_index,
        v.end_index,
        v.time_window,
        v.capacity,
        v.skills,
        v.profile,
        v.max_travel_time,
    )


def eligibility(problem: Problem) -> list[Eligibility]:
    """For each job, the vehicles that could serve it alone, or the reason none can."""
    results = []
    signatures = [_signature(v) for v in problem.vehicles]
    for job in problem.jobs:
        allowed = job.allowed_vehicles
        vans = [i for i, v in enumerate(problem.vehicles) if allowed is None or v.id in allowed]
        reason = None if vans else Reason.no_vehicle
        cause = None if vans else why(Cause.no_vehicle)
        for check_reason, check in _CHECKS:
            if reason is not None:
                break
            passed: dict[tuple[object, ...], bool] = {}  # one answer per kind of vehicle
            for i in vans:
                if signatures[i] not in passed:
                    passed[signatures[i]] = check(problem, problem.vehicles[i], job)
            before = [problem.vehicles[i] for i in vans]
            vans = [i for i in vans if passed[signatures[i]]]
            if not vans:
                reason, cause = check_reason, alone(problem, check_reason, before, job)
        results.append(Eligibility(tuple(vans), reason, cause))
    return _sync_groups(problem, results)


def _sync_groups(problem: Problem, results: list[Eligibility]) -> list[Eligibility]:
    """The jobs of a tie (a sync group, linked visits) are served all or none: one impossible
    job takes the whole tie out."""
    tie_of = links(problem).tie_of
    broken = {tie_of[j] for j, r in enumerate(results) if j in tie_of and r.reason is not None}
    return [
        Eligibility((), Reason.sync, why(Cause.sync))
        if tie_of.get(j) in broken and r.reason is None
        else r
        for j, r in enumerate(results)
    ]


def insertions(trips: list[list[Job]], job: Job, max_trips: int) -> list[list[list[Job]]]:
    """Every way to put the job into these trips, including a trip of its own."""
    options = []
    for k, trip in enumerate(trips):
        for p in range(len(trip) + 1):
            options.append([*trips[:k], [*trip[:p], job, *trip[p:]], *trips[k + 1 :]])
    if len(trips) < max_trips:
        for k in range(len(trips) + 1):
            options.append([*trips[:k], [job], *trips[k:]])
    return options


def explain_dropped(
    problem: Problem,
    routes: dict[int, list[list[Job]]],
    job: Job,
    vans: Sequence[int],
    deadline: float,
) -> Why:
    """Why the search left this job out of these routes (van -> trips of jobs)."""
    alone_: set[Reason] = set()
    fewest: tuple[int, list[Reason]] | None = None
    for van in vans:
        vehicle = problem.vehicles[van]
        for trips in insertions(routes.get(van, []), job, vehicle.max_trips):
            broken = time_route(problem, vehicle, trips, with_steps=False).violations
            if not broken:
                return crowded(problem, routes, job, vans, Reason.cost)
            ordered = [r for r in CONSTRAINT_ORDER if r in broken]
            if len(ordered) == 1:
                alone_.add(ordered[0])
            if fewest is None or len(ordered) < fewest[0]:
                fewest = (len(ordered), ordered)
            if time.time() > deadline:
                break
    reason = next((r for r in CONSTRAINT_ORDER if r in alone_), None)
    if reason is None:
        reason = fewest[1][0] if fewest else Reason.cost
    return crowded(problem, routes, job, vans, reason)


def window_of(job: Job) -> tuple[int, int]:
    """From the opening of its first window to the close of its last."""
    if not job.time_windows:
        return (0, HORIZON)
    return job.time_windows[0][0], job.time_windows[-1][1]


def _hours(v: Vehicle) -> tuple[int, int]:
    return v.time_window or (0, HORIZON)


def alone(problem: Problem, reason: Reason, vehicles: Sequence[Vehicle], job: Job) -> Why:
    """The numbers behind a check that no vehicle passes even with the job as its only stop:
    the best any of these vehicles could do against the job's own limit."""
    lo, hi = window_of(job)
    direct = [_travel(problem, v, v.start_index, job.location_index) for v in vehicles]
    shifts = [_hours(v) for v in vehicles]
    if reason is Reason.skills:
        have = frozenset[str]().union(*(v.skills for v in vehicles))
        return why(Cause.no_skill, skills=", ".join(sorted(job.skills - have)))
    if reason in (Reason.time_window, Reason.shift) and (
        all(a > hi for a, _ in shifts) or all(b < lo for _, b in shifts)
    ):
        return why(
            Cause.off_shift,
            window_start=lo,
            window_end=hi,
            shift_start_at=min(a for a, _ in shifts),
            shift_end_at=max(b for _, b in shifts),
        )
    if reason is Reason.time_window:
        earliest = min(a + t for (a, _), t in zip(shifts, direct, strict=True))
        return why(
            Cause.unreachable,
            earliest_at=earliest,
            window_start=lo,
            window_end=hi,
            travel_s=min(direct),
        )
    if reason is Reason.capacity:
        d = next(
            (
                d
                for d, need in enumerate(job.delivery)
                if need > max(v.capacity[d] for v in vehicles)
            ),
            0,
        )
        room = max((v.capacity[d] for v in vehicles if v.capacity), default=0)
        return why(Cause.too_big, demand=job.delivery[d] if job.delivery else 0, capacity=room)
    if reason is Reason.max_ride_time:
        return why(Cause.ride_too_long, shortest_s=min(direct), limit_s=job.max_ride_time or 0)
    if reason is Reason.shift:
        back = min(
            _arrival(problem, v, job)[0]
            + job.service
            + _travel(problem, v, job.location_index, v.end_index)
            for v in vehicles
        )
        return why(Cause.shift_too_short, back_at=back, shift_end_at=max(b for _, b in shifts))
    return why(Cause.no_vehicle if reason is Reason.no_vehicle else Cause.sync)


def _in_window(
    problem: Problem, routes: dict[int, list[list[Job]]], vans: Sequence[int], lo: int, hi: int
) -> tuple[int, int]:
    """The stops of these vans whose windows meet [lo, hi], and the van time they take: each
    one's service and the drive to it from the stop (or kitchen) before it."""
    served = busy = 0
    for van in vans:
        vehicle = problem.vehicles[van]
        for trip in routes.get(van, []):
            before = vehicle.start_index
            for other in trip:
                if window_of(other)[0] < hi and window_of(other)[1] > lo:
                    served += 1
                    busy += other.service + _travel(problem, vehicle, before, other.location_index)
                before = other.location_index
    return served, busy


def crowded(
    problem: Problem,
    routes: dict[int, list[list[Job]]],
    job: Job,
    vans: Sequence[int],
    reason: Reason,
) -> Why:
    """The numbers behind a job that each of its vans could serve alone but the answer's
    routes have no room for: what they do in its window, how full their trips are."""
    lo, hi = window_of(job)
    trips = [trip for van in vans for trip in routes.get(van, [])]
    if reason is Reason.time_window:
        served, busy = _in_window(problem, routes, vans, lo, hi)
        return why(
            Cause.window_full,
            window_start=lo,
            window_end=hi,
            served=served,
            vans=len(vans),
            busy_s=busy,
        )
    if reason is Reason.capacity:
        capacity = max((problem.vehicles[v].capacity[0] for v in vans), default=0)
        loads = [sum(o.delivery[0] for o in trip if o.delivery) for trip in trips]
        return why(
            Cause.boxes_full,
            demand=job.delivery[0] if job.delivery else 0,
            capacity=capacity,
            free=max((capacity - load for load in loads), default=capacity),
            trips=len(trips),
        )
    if reason is Reason.max_ride_time:
        shortest = min(
            _travel(
                problem, problem.vehicles[v], problem.vehicles[v].start_index, job.location_index
            )
            for v in vans
        )
        return why(Cause.ride_full, shortest_s=shortest, limit_s=job.max_ride_time or 0)
    if reason is Reason.shift:
        ends = max(_hours(problem.vehicles[v])[1] for v in vans)
        return why(Cause.shifts_full, vans=len(vans), shift_end_at=ends)
    if reason is Reason.sync:
        return why(Cause.sync)
    return why(Cause.cost, window_start=lo, window_end=hi)
