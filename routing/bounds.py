"""How many vans the work needs at least: lower bounds no plan can beat, and what binds.

The jobs are split into groups by the vehicles that may serve them (a kitchen's clients and
its vans); a group's vans are taken to be alike (the first stands for all). For each group:

- `time`: every stop's service plus the travel that links the stops to the start (the
  minimum spanning tree of stops and start: the vans' paths together connect them all) must
  fit into the vans' shifts: vans >= (services + MST) / shift.
- `capacity`: trips >= portions / what a trip holds; vans >= trips / trips per van.
- `ride_limit`: every meal of a trip is served within the limit of the trip leaving, so a
  trip's path to its last stop and the services before it take at most the limit; summed over
  trips, services - trips x longest service + MST <= limit x trips.
- `window`: the stops whose windows lie inside one window [a, b] all start there; a van's
  path from its first to its last stop of them takes at most b - a, and the vans' paths are a
  forest with one tree per van, at least the MST of those stops less its (vans - 1) longest
  edges: services - vans x longest service + that <= vans x (b - a).

The group's bound is the largest, and it names the resource that binds; the day's is the sum.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from routing.problem import Job, Problem, Vehicle

__all__ = ["Bound", "Group", "GroupBound", "day_bound", "group_bound", "groups", "mst_edges"]

KINDS = ("time", "capacity", "ride_limit", "window")


@dataclass(frozen=True)
class Group:
    """Jobs served by the same vehicles (indices into the problem)."""

    vans: tuple[int, ...]
    jobs: tuple[int, ...]


@dataclass(frozen=True)
class GroupBound:
    vans: tuple[int, ...]  # the group's vehicles (indices)
    jobs: int
    portions: int
    bound: int  # at least this many vans
    trips: int  # at least this many trips
    binds: str  # one of KINDS
    by_kind: tuple[tuple[str, int], ...]
    # The window that binds (window_start, window_end, its stops) when `binds == "window"`,
    # else the tightest window found.
    window: tuple[int, int, int] | None = None
    # The figures behind the bounds, for words: services + MST, a van's shift, a trip's
    # room, trips a van may make, the tightest ride limit (0: none).
    work_s: int = 0
    shift_s: int = 0
    room: int = 0
    max_trips: int = 1
    limit_s: int = 0


@dataclass(frozen=True)
class Bound:
    vans: int
    trips: int
    groups: tuple[GroupBound, ...]


def groups(problem: Problem) -> list[Group]:
    """Jobs by the vehicles allowed to serve them, in order of first appearance."""
    everyone = tuple(range(len(problem.vehicles)))
    by_vans: dict[tuple[int, ...], list[int]] = {}
    index = {v.id: i for i, v in enumerate(problem.vehicles)}
    for j, job in enumerate(problem.jobs):
        allowed = job.allowed_vehicles
        vans = everyone if allowed is None else tuple(sorted(index[v] for v in allowed))
        by_vans.setdefault(vans, []).append(j)
    return [Group(vans, tuple(jobs)) for vans, jobs in by_vans.items() if vans]


def mst_edges(durations: Sequence[Sequence[int]], nodes: Sequence[int]) -> list[int]:
    """The edge lengths of a minimum spanning tree over these locations (Prim, symmetric
    by taking the shorter direction)."""
    if len(nodes) < 2:
        return []
    best = {n: min(durations[nodes[0]][n], durations[n][nodes[0]]) for n in nodes[1:]}
    edges = []
    while best:
        node = min(best, key=best.__getitem__)
        edges.append(best.pop(node))
        for other in best:
            link = min(durations[node][other], durations[other][node])
            if link < best[other]:
                best[other] = link
    return edges


def _span(van: Vehicle) -> int:
    start, end = van.time_window or (0, 24 * 3600)
    return end - start


def _loc(job: Job) -> int:
    assert job.location_index is not None  # bounds are taken on problems with matrices
    return job.location_index


def group_bound(problem: Problem, group: Group) -> GroupBound:
    van = problem.vehicles[group.vans[0]]
    durations = problem.matrices_for(van.profile).durations
    jobs = [problem.jobs[j] for j in group.jobs]
    start = van.start_index if van.start_index is not None else _loc(jobs[0])
    services = sum(j.service for j in jobs)
    tree = sum(mst_edges(durations, sorted({start, *(_loc(j) for j in jobs)})))
    portions = sum(j.delivery[0] for j in jobs if j.delivery)
    room = van.capacity[0] if van.capacity else 0
    trips = math.ceil(portions / room) if room else 1
    limits = [j.max_ride_time for j in jobs if j.max_ride_time is not None]
    if limits:
        longest = max(j.service for j in jobs)
        trips = max(trips, math.ceil((services + tree) / (min(limits) + longest)))
    by_kind = {
        "time": math.ceil((services + tree) / max(_span(van), 1)),
        "capacity": math.ceil(math.ceil(portions / room) / van.max_trips) if room else 1,
        "ride_limit": math.ceil(trips / van.max_trips) if limits else 1,
    }
    window = _window_bound(durations, jobs)
    by_kind["window"] = window[0]
    binds = max(KINDS, key=lambda k: (by_kind[k], -KINDS.index(k)))
    return GroupBound(
        vans=group.vans,
        jobs=len(jobs),
        portions=portions,
        bound=max(1, by_kind[binds]),
        trips=trips,
        binds=binds,
        by_kind=tuple((k, by_kind[k]) for k in KINDS),
        window=window[1],
        work_s=services + tree,
        shift_s=_span(van),
        room=room,
        max_trips=van.max_trips,
        limit_s=min(limits, default=0),
    )


def _window_bound(
    durations: Sequence[Sequence[int]], jobs: list[Job]
) -> tuple[int, tuple[int, int, int] | None]:
    """The most vans any one window's stops need, with that window and how many stops."""
    best: tuple[int, tuple[int, int, int] | None] = (0, None)
    windows = {(j.time_windows[0][0], j.time_windows[-1][1]) for j in jobs if j.time_windows}
    for a, b in sorted(windows):
        inside = [j for j in jobs if j.time_windows and a <= j.time_windows[0][0]]
        inside = [j for j in inside if j.time_windows[-1][1] <= b]
        edges = sorted(mst_edges(durations, sorted({_loc(j) for j in inside})), reverse=True)
        services, longest = sum(j.service for j in inside), max(j.service for j in inside)
        vans = 1
        while services - vans * longest + sum(edges[vans - 1 :]) > vans * (b - a):
            vans += 1
        if vans > best[0] or (vans == best[0] and best[1] and b - a < best[1][1] - best[1][0]):
            best = (vans, (a, b, len(inside)))
    return best


def day_bound(problem: Problem) -> Bound:
    """The fewest vans (and trips) any plan serving every job needs, group by group."""
    found = tuple(group_bound(problem, g) for g in groups(problem))
    return Bound(sum(g.bound for g in found), sum(g.trips for g in found), found)
