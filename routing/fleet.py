"""The fewest vans that serve every job, found by the search, group by group (bounds.py).

A group's vans are alike, so a fleet of k is the group's first van copied k times (ids
`<first>` then `<first>+1`, ...). The search starts from the fleet the group has (at least its
lower bound) with a fixed cost per van, so the solver itself leaves vans it can spare unused;
from the vans it used it then tries one fewer at a time while every job is still served, or,
when the start leaves jobs out, one more at a time up to `most`. Each try is one solve at a
short budget: a fleet the search did not manage is "not found", not proven impossible, and
the bound says how far the answer can be from the best.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from routing.bounds import Group, GroupBound, group_bound
from routing.params import SolveParams
from routing.problem import Job, Problem, Vehicle
from routing.solution import Solution
from routing.solver import solve

__all__ = [
    "GroupFleet",
    "day_fleet",
    "fewest_vans",
    "fleet_of",
    "solve_day",
    "sub_problem",
    "trips_of",
]

# Far above a route's cost (metres or seconds of a day), far below a job's penalty (model.py).
FIXED_COST_PER_VAN = 10**6

Note = Callable[[str], None]


@dataclass(frozen=True)
class GroupFleet:
    bound: GroupBound
    vans: int | None  # the fewest found serving every job; None: not found up to `most`
    trips: int  # trips of that answer
    distance: int  # metres of that answer
    tries: tuple[tuple[int, int], ...]  # (vans, jobs left out) of each solve, in order
    solution: Solution | None  # the answer with `vans`


def fleet_of(problem: Problem, vans: tuple[int, ...], k: int, **changes: object) -> list[Vehicle]:
    """k vans like the group's first (its own vans first, then copies), with `changes`."""
    own = [problem.vehicles[i] for i in vans][:k]
    first = problem.vehicles[vans[0]]
    copies = [replace(first, id=f"{first.id}+{n}") for n in range(1, k - len(own) + 1)]
    return [replace(v, **changes) if changes else v for v in own + copies]  # type: ignore[arg-type]


def sub_problem(
    problem: Problem,
    group: Group,
    fleet: list[Vehicle],
    *,
    seed: Solution | None = None,
    wider_s: int = 0,
) -> Problem:
    """The group's jobs alone with this fleet (any of its vans may serve any of its jobs),
    every last window `wider_s` later, started from `seed`'s routes less its smallest."""
    jobs = tuple(
        replace(
            problem.jobs[j], allowed_vehicles=None, time_windows=_wider(problem.jobs[j], wider_s)
        )
        for j in group.jobs
    )
    routes, trips = _seeded(seed, fleet)
    return replace(
        problem,
        vehicles=tuple(fleet),
        jobs=jobs,
        initial_routes=routes,
        initial_trips=trips,
        pinned={},
        ordered={},
    )


def _seeded(
    seed: Solution | None, fleet: list[Vehicle]
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[int, ...]]]:
    """A fleet starts from the answer of another: with fewer vans, without its routes of
    fewest stops, so the search has only those stops to place (fleet reduction)."""
    if seed is None:
        return {}, {}
    used = sorted((r for r in seed.routes if r.job_ids), key=lambda r: len(r.job_ids))
    kept = used[max(len(used) - len(fleet), 0) :]
    routes: dict[str, tuple[str, ...]] = {}
    trips: dict[str, tuple[int, ...]] = {}
    for van, route in zip(fleet, kept, strict=False):
        routes[van.id] = route.job_ids
        trips[van.id] = tuple(k for k, trip in enumerate(route.trips, 1) for _ in trip)
    return routes, trips


def _solve(problem: Problem, budget: float, seed: int) -> Solution:
    # A search that has found nothing when its budget ends may take up to the budget again
    # for a first answer: "every job left out" would read as "this fleet cannot".
    return solve(problem, SolveParams(time_limit_s=budget, seed=seed, first_answer_grace_s=budget))


def _used(solution: Solution) -> int:
    return sum(1 for r in solution.routes if r.job_ids)


def _trips(solution: Solution) -> int:
    return sum(len([t for t in r.trips if t]) for r in solution.routes)


def fewest_vans(
    problem: Problem,
    group: Group,
    *,
    budget: float,
    most: int | None = None,
    seed: int = 0,
    note: Note = lambda _: None,
) -> GroupFleet:
    """The fewest of the group's vans (copies beyond its own) that serve all its jobs."""
    bound = group_bound(problem, group)
    most = most or max(len(group.vans), bound.bound) * 2
    tries: list[tuple[int, int]] = []
    best: tuple[int, Solution] | None = None

    def attempt(k: int, fixed: bool, start: Solution | None = None) -> Solution:
        fleet = fleet_of(
            problem, group.vans, k, **({"fixed_cost": FIXED_COST_PER_VAN} if fixed else {})
        )
        solution = _solve(sub_problem(problem, group, fleet, seed=start), budget, seed)
        tries.append((k, len(solution.unassigned)))
        note(f"{k} vans: {len(solution.unassigned)} left out")
        return solution

    k = min(max(len(group.vans), bound.bound), most)
    first = attempt(k, fixed=True)
    while first.unassigned and k < most:  # not enough: one more at a time
        k += 1
        first = attempt(k, fixed=True)
    if not first.unassigned:
        best = (max(_used(first), 1), first)
        k = best[0] - 1
        while k >= bound.bound:  # the solver spared vans: try one fewer while all are served
            solution = attempt(k, fixed=False, start=best[1])
            if solution.unassigned:
                break
            best = (k, solution)
            k -= 1
    if best is None:
        return GroupFleet(bound, None, 0, 0, tuple(tries), None)
    vans, solution = best
    return GroupFleet(
        bound, vans, _trips(solution), solution.summary.distance, tuple(tries), solution
    )


def day_fleet(
    problem: Problem,
    found: list[tuple[Group, int]],
    *,
    van_changes: dict[str, object] | None = None,
    wider_s: int = 0,
) -> Problem:
    """The whole day with `k` vans per group (copies of its first van), the vans changed by
    `van_changes`, and every job's last window `wider_s` later."""
    vehicles: list[Vehicle] = []
    jobs = list(problem.jobs)
    for group, k in found:
        fleet = fleet_of(problem, group.vans, k, **(van_changes or {}))
        ids = tuple(v.id for v in fleet)
        vehicles += fleet
        for j in group.jobs:
            jobs[j] = replace(jobs[j], allowed_vehicles=ids, time_windows=_wider(jobs[j], wider_s))
    return replace(
        problem,
        vehicles=tuple(vehicles),
        jobs=tuple(jobs),
        initial_routes={},
        initial_trips={},
        pinned={},
        ordered={},
    )


def _wider(job: Job, seconds: int) -> tuple[tuple[int, int], ...]:
    if not seconds or not job.time_windows:
        return job.time_windows
    *rest, (a, b) = job.time_windows
    return (*rest, (a, b + seconds))


def solve_day(problem: Problem, budget: float, seed: int = 0) -> Solution:
    return _solve(problem, budget, seed)


def trips_of(solution: Solution) -> int:
    return _trips(solution)
