"""Solving care days with sync groups: place groups whole, improve, then the exact model.

Why not the exact model alone (care.add_sync, measured in docs/benchmarks.md): equal time
cumuls on two routes are checked only when OR-Tools commits a move, after its per-route filters
have accepted it, so most moves around a two-caregiver visit are built, propagated and thrown
away. On the generated 200-visit day at 30 s it found no first solution on one day in five and,
on the others, plans hours late in total with fewer preferred caregivers.

So the day is solved in steps:
1. care_insert builds a feasible first plan: visits few caregivers can make, then every group
   whole (all parts at one second on different caregivers, or the linked part inside its gap)
   together with the preferred visits in window order, then the rest by regret.
2. care_lns improves it by ruin and recreate, moving groups whole in time as well as place
   (two searches side by side when there are two cores), for most of the budget.
3. OR-Tools on the exact sync model (care/exact.py) starts from the plan of step 2 for the
   rest of the budget: it may move parts between caregivers, and a linked part in time together
   with its partner (the plan holds each part at the second step 2 gave it). Its routes are
   timed by the sync fixpoint (care/sync.py). With two searches in step 2, its second search
   starts from the other search's plan: from one plan both most often end at one local optimum,
   and the worse plan of step 2 is at times the better one after it (HHCRSP at 10 s, 20 seeds:
   100_1 1.019 of the best published against 1.030, better on 16 of 20; docs/benchmarks.md).
4. Groups served in part are taken out whole, and reasons are given against the original
   problem. If OR-Tools returns less than the plan of step 2 (fewer visits, or a higher cost
   with the latest visit's lateness counted once more, as the search counts it; no answer at
   all within a short budget on a loaded machine), or routes that validate.py faults, that
   plan stands, timed with each part at its second.

Step 3 was OR-Tools on the problem with each part fixed to its second and without sync; on the
four larger published instances (docs/benchmarks.md, HHCRSP) the exact model from the plan
ends 0.7% nearer the best known on average.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace

from routing.care.build import WORST_LATE, Builder, job_routes
from routing.care.exact import bare_route, exact_search
from routing.care.insert import first_plan, sync_groups
from routing.care.lns import improve
from routing.care.sync import pinned
from routing.care.timing import retime_solution
from routing.problem import Problem
from routing.reasons import eligibility, explain_dropped
from routing.search import Routes
from routing.solution import Cause, Reason, Solution, Summary, Unassigned, Why, why
from routing.validate import hard_violations

# Step 3, called as search(problem, plans to start from (the better first), seed, seconds).
Search = Callable[[Problem, Sequence[Routes], int, float], Solution]
BUILD_SHARE = 0.2  # at most this share of the budget for the first plan
# The first plan is improved until this share of the budget, then OR-Tools: on the 200-visit
# day ruin and recreate still gains after a minute, OR-Tools on fixed times about 1%.
LNS_SHARE = 0.75
AFTER_S_PER_JOB = 0.0005


def fixed_problem(problem: Problem, b: Builder) -> Problem:
    """The problem with each placed sync part at its second and without sync, to time the
    search's plan on; parts of groups that could not be placed are left out."""
    jobs = []
    pinned = {jid for route in problem.pinned.values() for jid in route}
    for j, job in enumerate(problem.jobs):
        if j not in b.links.tie_of:
            jobs.append(job)
        elif job.id in pinned and j not in b.fixed:
            jobs.append(replace(job, sync=None, follows=()))  # under way: it keeps its place
        elif j in b.fixed:
            t = b.fixed[j]
            fixed = replace(job, time_windows=((t, t),), late_cost_per_s=0, sync=None, follows=())
            jobs.append(fixed)
    return replace(problem, jobs=tuple(jobs))


def has_sync(problem: Problem) -> bool:
    return any(job.sync is not None or job.follows for job in problem.jobs)


def without_lone_sync(problem: Problem) -> Problem:
    """The format accepts a group of one job (FORMAT.md's own example has one); with no other
    part to meet or follow it is an ordinary job, so its `sync` is dropped before solving."""
    sizes = Counter(job.sync.group for job in problem.jobs if job.sync is not None)
    if all(n > 1 for n in sizes.values()):
        return problem
    jobs = tuple(
        replace(job, sync=None) if job.sync is not None and sizes[job.sync.group] == 1 else job
        for job in problem.jobs
    )
    return replace(problem, jobs=jobs)


def solve_synced(
    problem: Problem, time_limit: float, seed: int, search: Search = exact_search
) -> Solution:
    """The whole care pipeline for a problem (with matrices) that has sync groups; `search`
    is step 3."""
    started = time.time()
    checks = eligibility(problem)
    vans = [c.vans if c.reason is None else () for c in checks]
    b = first_plan(problem, vans, started + BUILD_SHARE * time_limit)
    other = improve(b, seed, started + LNS_SHARE * time_limit)
    # Kept for timing the answer and the plan and explaining what is left out (0.2 s at 342).
    remaining = max(0.1, time_limit - (time.time() - started) - AFTER_S_PER_JOB * len(problem.jobs))
    plans = [b.job_routes()] + ([job_routes(other[0])] if other else [])
    starts = [{van: [list(jobs)] for van, jobs in plan.items()} for plan in plans]
    answer = _whole_groups(problem, search(problem, starts, seed, remaining))
    own = retime_solution(problem, _plan_of(problem, b), timing=fixed_problem(problem, b))
    # OR-Tools starts from the plan but may return less (no answer at all within a short
    # budget on a loaded machine), or routes whose parts no timing brings together: the
    # plan itself then stands.
    if hard_violations(problem, answer) or _rank(problem, own) > _rank(problem, answer):
        answer = own
    singles = [() if j in b.links.tie_of else v for j, v in enumerate(vans)]
    answer = replace(answer, unassigned=_explained(problem, answer, singles, started + time_limit))
    reasons = {u.id: u for u in answer.unassigned}
    unassigned = []
    for j, (job, check) in enumerate(zip(problem.jobs, checks, strict=True)):
        if job.id in answer.assigned:
            continue
        if check.reason is not None:
            unassigned.append(Unassigned(job.id, check.reason, check.why))
        elif j in b.links.tie_of:
            unassigned.append(Unassigned(job.id, Reason.sync, why(Cause.sync)))
        else:
            unassigned.append(reasons.get(job.id, Unassigned(job.id, Reason.cost)))
    summary = replace(
        answer.summary,
        unassigned=len(unassigned),
        solve_time_s=round(time.time() - started, 3),
    )
    return replace(answer, summary=summary, unassigned=tuple(unassigned))


def _rank(problem: Problem, solution: Solution) -> tuple[int, int]:
    """More visits served, then the lower cost with the latest visit's lateness once more, as
    the care search ranks its plans."""
    late_cost = {job.id: job.late_cost_per_s for job in problem.jobs}
    worst = max(
        (
            (s.late or 0) * late_cost[s.id]
            for r in solution.routes
            for s in r.steps
            if s.type == "job" and s.id
        ),
        default=0,
    )
    return len(solution.assigned), -(solution.summary.cost + WORST_LATE * worst)


def _explained(
    problem: Problem, answer: Solution, vans: list[tuple[int, ...]], deadline: float
) -> tuple[Unassigned, ...]:
    """Why each visit the answer leaves out is out (those with `vans`: the singles), as the
    engine explains its own: against its routes, each sync part held to its second there."""
    held = pinned(
        problem,
        {
            s.id: s.start
            for r in answer.routes
            for s in r.steps
            if s.type == "job" and s.id and s.start is not None
        },
    )
    van_of = {v.id: i for i, v in enumerate(problem.vehicles)}
    routes = {van_of[r.vehicle]: [[held.job(jid) for jid in r.job_ids]] for r in answer.routes}
    return tuple(
        _dropped(job.id, explain_dropped(held, routes, job, vans[j], deadline))
        for j, job in enumerate(held.jobs)
        if job.id not in answer.assigned and vans[j]
    )


def _plan_of(problem: Problem, b: Builder) -> Solution:
    """The search's plan as a solution of routes in order, to be timed."""
    routes = tuple(
        bare_route(problem.vehicles[van].id, [problem.jobs[j] for j in jobs])
        for van, jobs in b.job_routes().items()
    )
    return Solution(Summary(0, 0, 0, 0, 0, 0, 0.0), routes, ())


def _whole_groups(problem: Problem, answer: Solution) -> Solution:
    """Take out the served parts of any group that is not served whole."""
    served = answer.assigned
    partial = {
        problem.jobs[j].id
        for members in sync_groups(problem).values()
        if any(problem.jobs[j].id not in served for j in members)
        for j in members
    }
    if not partial & served:
        return answer
    routes = tuple(
        replace(r, steps=tuple(s for s in r.steps if s.type != "job" or s.id not in partial))
        for r in answer.routes
    )
    return replace(answer, routes=routes)


def _dropped(job_id: str, cause: Why) -> Unassigned:
    return Unassigned(job_id, cause.reason, cause)
