"""OR-Tools on the exact sync model, timed with every sync rule by the fixpoint of care/sync.py.

The model (care/constraints.py `add_sync`) states each group as it is: equal start cumuls on
different caregivers for a visit for two, gap inequalities for a linked pair, all parts or none.
Started from scratch it is slow to find anything on a loaded day (care/solve.py says why);
started from the care search's plan it may move a linked part in time together with its
partner, which the plan's own timing (each part held to one second) cannot.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

from routing.care.sync import pinned, synced_starts
from routing.care.timing import retime_solution
from routing.problem import Job, Problem
from routing.reasons import eligibility
from routing.search import GLS, ILS, Routes, Task, portfolio, processes
from routing.seed import with_pins
from routing.solution import Reason, Route, Solution, Step, Summary, Unassigned

# Of the budget, the share the searches may use; the rest times the routes and reports.
SEARCH_SHARE = 0.95


def exact_search(problem: Problem, starts: Sequence[Routes], seed: int, limit: float) -> Solution:
    """The engine's own searches side by side on the exact model (problem with matrices) for
    `limit` seconds, the k-th from the k-th of `starts` (van -> trips of problem job indices;
    {}: from nothing), or from the last when there are fewer. From one plan both end at the
    same local optimum most often (HHCRSP: GLS and ILS equal in 7 of 8 runs), so a second plan
    is worth more than a second search of the first."""
    started = time.time()
    checks = eligibility(problem)
    jobs = tuple(i for i, c in enumerate(checks) if c.reason is None)
    allowed = with_pins(problem, jobs, tuple(checks[i].vans for i in jobs))
    deadline = started + SEARCH_SHARE * limit
    margin = 0.05 + 0.03 * limit
    configs = (GLS, ILS)[: processes()]
    plans = [starts[min(k, len(starts) - 1)] for k in range(len(configs))]
    tasks = [
        Task(problem, jobs, allowed, plan, config, seed + k, deadline, margin)
        for k, (config, plan) in enumerate(zip(configs, plans, strict=True))
    ]
    found = [o for o in portfolio(tasks) if o.routes is not None and o.objective is not None]
    best = min(found, key=lambda o: o.objective or 0).routes if found else None
    routes = {
        van: [problem.jobs[j] for trip in trips for j in trip]
        for van, trips in (best or {}).items()
        if any(trips)
    }
    answer = timed(problem, routes)
    summary = replace(answer.summary, solve_time_s=round(time.time() - started, 3))
    return replace(answer, summary=summary)


def timed(problem: Problem, routes: dict[int, list[Job]]) -> Solution:
    """Routes of visits in order timed with their breaks and every sync part at the second
    the fixpoint finds. If it finds none, each part starts at its own earliest and
    validate.py counts what that breaks; jobs on no route are unassigned (reasons: the
    caller's)."""
    starts = synced_starts(problem, routes) or {}
    on_routes = {j.id for jobs in routes.values() for j in jobs}
    plan = Solution(
        summary=Summary(0, 0, 0, 0, 0, 0, 0.0),
        routes=tuple(bare_route(problem.vehicles[v].id, jobs) for v, jobs in routes.items()),
        unassigned=tuple(
            Unassigned(j.id, Reason.cost) for j in problem.jobs if j.id not in on_routes
        ),
    )
    return retime_solution(problem, plan, timing=pinned(problem, starts))


def bare_route(vehicle: str, jobs: Sequence[Job]) -> Route:
    """A route of jobs in order, to be timed."""
    steps = [Step("job", arrival=0, id=j.id, start=0) for j in jobs]
    return Route(vehicle, (Step("start", arrival=0), *steps, Step("end", arrival=0)))
