"""Solving care days with sync groups: place groups whole, improve, fix their times, search.

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
3. Each placed part gets its start as a one-second window and loses its sync: the parts are
   now plain jobs whose times agree by construction, and a part cannot share a caregiver with
   its partner (one person cannot start two visits at the same second). OR-Tools starts from
   the plan of step 2 and may move parts between caregivers, and everything around them.
4. The answer is re-timed with breaks (care_timing), groups served in part are taken out whole,
   and reasons are given against the original problem. If OR-Tools returns less than the
   plan of step 2 (no answer at all within a short budget on a loaded machine), that plan
   stands.
The price of step 3 is that OR-Tools keeps each group at the second step 2 gave it.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from routing.care.build import Builder
from routing.care.insert import first_plan, sync_groups
from routing.care.lns import improve
from routing.care.timing import retime_solution
from routing.problem import Problem
from routing.reasons import eligibility, explain_dropped
from routing.solution import Cause, Reason, Route, Solution, Step, Summary, Unassigned, Why, why

Inner = Callable[..., Solution]
BUILD_SHARE = 0.2  # at most this share of the budget for the first plan
# The first plan is improved until this share of the budget, then OR-Tools: on the 200-visit
# day ruin and recreate still gains after a minute, OR-Tools on fixed times about 1%.
LNS_SHARE = 0.75


def fixed_problem(problem: Problem, b: Builder) -> tuple[Problem, set[str]]:
    """The problem with each placed sync part at its second and without sync; parts of groups
    that could not be placed are left out (returned by id)."""
    jobs, left_out = [], set()
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
        else:
            left_out.add(job.id)
    start = {
        problem.vehicles[van].id: tuple(problem.jobs[j].id for j in route)
        for van, route in b.job_routes().items()
    }
    return replace(problem, jobs=tuple(jobs), initial_routes=start), left_out


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


def solve_synced(problem: Problem, time_limit: float, seed: int, inner: Inner) -> Solution:
    """The whole care pipeline for a problem (with matrices) that has sync groups; `inner` is
    the engine's solve for a problem without them, called as inner(problem, time_limit=s)."""
    started = time.time()
    checks = eligibility(problem)
    vans = [c.vans if c.reason is None else () for c in checks]
    b = first_plan(problem, vans, started + BUILD_SHARE * time_limit)
    improve(b, seed, started + LNS_SHARE * time_limit)
    fixed, left_out = fixed_problem(problem, b)
    remaining = max(0.1, time_limit - (time.time() - started))
    answer = inner(fixed, time_limit=remaining)
    answer = retime_solution(problem, _whole_groups(problem, answer), timing=fixed)
    # OR-Tools starts from the plan but may return less (no answer at all within a short
    # budget on a loaded machine): the plan itself then stands.
    own = retime_solution(problem, _plan_of(problem, b), timing=fixed)
    if (len(own.assigned), -own.summary.cost) > (len(answer.assigned), -answer.summary.cost):
        answer = replace(own, unassigned=_explained(fixed, b, vans, started + time_limit))
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
    del left_out  # listed above, as sync
    summary = replace(
        answer.summary,
        unassigned=len(unassigned),
        solve_time_s=round(time.time() - started, 3),
    )
    return replace(answer, summary=summary, unassigned=tuple(unassigned))


def _explained(
    fixed: Problem, b: Builder, vans: list[tuple[int, ...]], deadline: float
) -> tuple[Unassigned, ...]:
    """Why each single visit the plan leaves out is out, as the engine explains its own."""
    # `fixed` leaves out the parts of groups not placed: jobs are matched by id, not index.
    by_id = {job.id: job for job in fixed.jobs}
    ids = [job.id for job in b.problem.jobs]
    routes = {van: [[by_id[ids[j]] for j in jobs]] for van, jobs in b.job_routes().items()}
    placed, index = b.placed, {jid: j for j, jid in enumerate(ids)}
    return tuple(
        _dropped(job.id, explain_dropped(fixed, routes, job, vans[index[job.id]], deadline))
        for job in fixed.jobs
        if index[job.id] not in placed and vans[index[job.id]]
    )


def _plan_of(problem: Problem, b: Builder) -> Solution:
    """The search's plan as a solution of routes in order, to be timed."""
    routes = tuple(
        Route(
            problem.vehicles[van].id,
            (
                Step("start", arrival=0),
                *(Step("job", arrival=0, id=problem.jobs[j].id, start=0) for j in jobs),
                Step("end", arrival=0),
            ),
        )
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
