"""`solve`: the one entry point. A problem in, a solution out, always.

The steps: turn coordinates into matrices (travel provider), check each job alone (reasons.py)
so that impossible jobs never enter the model, search within the time limit (search.py), then
re-time and re-cost every route independently (schedule.py) and explain what was left out.

`SolveParams.time_limit_s` is the wall-clock budget of the whole call, held by ending the
search processes; what comes back after it is only the re-timing of routes and the reasons,
which are cheap and themselves stop looking once the budget is spent.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

from routing.care.solve import has_sync, solve_synced, without_lone_sync
from routing.care.timing import needs_care_timing, retime_solution
from routing.fill import FILL_SHARE, fill, wants_fill
from routing.order import in_order
from routing.params import DEFAULT_TIME_LIMIT_S, SolveParams
from routing.parts import solve_parts, split, wants_parts
from routing.peer_seed import expressible
from routing.problem import Job, Problem
from routing.reasons import Eligibility, eligibility, explain_dropped
from routing.schedule import TimedRoute, time_route
from routing.search import DEFAULT_PLAN, Outcome, Routes, Task, idle_cores, processes, run_plan
from routing.seed import start_routes, with_pins
from routing.slots import joined, slotted, wants_slots
from routing.solution import Route, Solution, Summary, Unassigned
from routing.travel import with_matrices

# The share of the search spent on the slotted problem when vans make several trips: it finds
# its answer in a second or two of a 20 s budget, and the real model needs the rest to improve.
SLOT_SHARE = 0.25


def solve(problem: Problem, params: SolveParams | None = None) -> Solution:
    """Routes for the problem within the parameters' time limit (routing/params.py). The limit
    is hard unless the parameters allow a first-answer grace."""
    params = params or SolveParams()
    started = time.time()
    limit = params.time_limit_s or problem.options.time_limit_s or DEFAULT_TIME_LIMIT_S
    seed = params.seed if params.seed is not None else problem.options.seed or 0
    problem = without_lone_sync(with_matrices(problem, params.travel))
    parts = split(problem) if wants_parts(problem) else [problem]
    if len(parts) > 1:  # kitchens that share no van: one search each (parts.py)

        def one(part: Problem, seconds: float, width: int | None) -> Solution:
            inner = replace(params, time_limit_s=seconds, seed=seed, travel=None, width=width)
            return solve(part, inner)

        return solve_parts(problem, parts, started + limit, one, params.width or processes())
    if has_sync(problem):  # groups are placed whole first: care/solve.py
        return solve_synced(problem, limit, seed)
    deadline = started + limit
    checks = eligibility(problem)
    outcome = _search(problem, checks, deadline, seed, params)
    routes = _job_routes(problem, outcome.routes or {})
    timed, repaired = _timed(problem, routes)
    del repaired  # they are not in any route now, so they are explained like the rest
    if wants_fill(problem) and fill(problem, routes, _left_out(problem, checks, routes), deadline):
        timed, _ = _timed(problem, routes)
    unassigned = _unassigned(problem, checks, routes, deadline)
    solution = assembled(timed, unassigned, time.time() - started)
    # Breaks get their place and steps, balance its cost: care/timing.py.
    return retime_solution(problem, solution) if needs_care_timing(problem) else solution


def _reserve(limit: float, jobs: int, filling: bool) -> float:
    """Time kept after the search to re-time routes, fill gaps (fill.py) and explain what was
    left out."""
    return min(0.25 * limit, 0.05 + 0.01 * limit + 0.0005 * jobs) + FILL_SHARE * limit * filling


def _search(
    problem: Problem, checks: list[Eligibility], deadline: float, seed: int, params: SolveParams
) -> Outcome:
    jobs = tuple(i for i, c in enumerate(checks) if c.reason is None)
    if not jobs or not problem.vehicles:
        return Outcome()
    everyone = tuple(range(len(problem.vehicles)))
    allowed = tuple(None if checks[i].vans == everyone else checks[i].vans for i in jobs)
    allowed = with_pins(problem, jobs, allowed)
    plan = params.plan
    width = len(params.configs) if params.configs else params.width or min(2, processes())
    seeded = any(c.start_from == "pyvrp" for c in plan[0].configs)
    if seeded and not params.configs and expressible(problem, allowed):
        # Two PyVRP seeds side by side only on two idle cores: sharing a core, each got half
        # and the pair ended worse than one alone (R1_10_1 at 60 s, load 4-5 on 2 cores: 6.8%
        # against 4.3%; Solomon 0.16% against 0.11%).
        width = min(width, idle_cores())
    limit = deadline - time.time()
    search_deadline = deadline - _reserve(limit, len(jobs), wants_fill(problem))
    # A start OR-Tools accepts (seed.py), with a dispatcher's ordered jobs in their order.
    start = in_order(problem, start_routes(problem, set(jobs)))
    grace_s = params.first_answer_grace_s
    base = Task(problem, jobs, allowed, start, plan[0].configs[0], seed, 0, 0, grace_s)
    if wants_slots(problem):  # vans with several trips: a first answer from slots (slots.py)
        until = time.time() + SLOT_SHARE * (search_deadline - time.time())
        base = replace(base, start=_slot_start(base, until, width))
    best, _ = run_plan(plan, base, search_deadline, width)
    return best


def _slot_start(base: Task, deadline: float, width: int) -> Routes:
    """Routes per van and trip from the search of the slotted problem until `deadline`."""
    problem, van_of = slotted(base.problem)
    slots_of = {van: tuple(s for s, v in enumerate(van_of) if v == van) for van in set(van_of)}
    allowed = tuple(
        None if vans is None else tuple(s for van in vans for s in slots_of[van])
        for vans in base.allowed
    )
    task = replace(base, problem=problem, allowed=allowed, start={})
    best, _ = run_plan(DEFAULT_PLAN, task, deadline, width)
    return in_order(base.problem, joined(best.routes or {}, van_of))


def _left_out(
    problem: Problem, checks: list[Eligibility], routes: dict[int, list[list[Job]]]
) -> list[tuple[int, tuple[int, ...]]]:
    """Jobs the search could have served but left out, with the vans they may use."""
    served = {job.id for trips in routes.values() for trip in trips for job in trip}
    return [
        (i, c.vans)
        for i, (job, c) in enumerate(zip(problem.jobs, checks, strict=True))
        if c.reason is None and job.id not in served and job.sync is None
    ]


def _job_routes(problem: Problem, routes: Routes) -> dict[int, list[list[Job]]]:
    return {
        van: [[problem.jobs[j] for j in trip] for trip in trips if trip]
        for van, trips in routes.items()
        if any(trips)
    }


def _timed(
    problem: Problem, routes: dict[int, list[list[Job]]]
) -> tuple[list[TimedRoute], list[Job]]:
    """Each route timed and checked; a route that fails the check loses jobs from its end
    until it passes (a safety net: the model and the check describe the same constraints)."""
    timed, removed = [], []
    for van in sorted(routes):
        vehicle = problem.vehicles[van]
        trips = routes[van]
        result = time_route(problem, vehicle, trips)
        while not result.feasible and trips:
            removed.append(trips[-1].pop())
            trips = [t for t in trips if t]
            result = time_route(problem, vehicle, trips)
        routes[van] = trips
        if trips:
            timed.append(result)
    return timed, removed


def _unassigned(
    problem: Problem,
    checks: list[Eligibility],
    routes: dict[int, list[list[Job]]],
    deadline: float,
) -> list[Unassigned]:
    served = {job.id for trips in routes.values() for trip in trips for job in trip}
    out = []
    for job, check in zip(problem.jobs, checks, strict=True):
        if job.id in served:
            continue
        if check.reason is not None:
            out.append(Unassigned(job.id, check.reason, check.why))
            continue
        cause = explain_dropped(problem, routes, job, check.vans, deadline)
        out.append(Unassigned(job.id, cause.reason, cause))
    return out


def assembled(
    timed: Sequence[TimedRoute], unassigned: Sequence[Unassigned], seconds: float
) -> Solution:
    """The solution of timed routes and what was left out, with its summary."""
    routes: tuple[Route, ...] = tuple(t.route for t in timed)
    summary = Summary(
        cost=sum(t.cost for t in timed),
        distance=sum(r.distance for r in routes),
        duration=sum(r.duration for r in routes),
        late=sum(t.late for t in timed),
        routes=len(routes),
        unassigned=len(unassigned),
        solve_time_s=round(seconds, 3),
    )
    return Solution(summary=summary, routes=routes, unassigned=tuple(unassigned))
