"""Timing routes whose sync parts are not fixed yet: a fixpoint of earliest starts.

Given each caregiver's visits in order (from the exact OR-Tools model, or any other source),
every start only ever moves later: a route pushes its visits after travel and breaks, a group
pushes its parts to the latest part's second (simultaneous) or after the first by the minimum
gap, and pulls the first up to the maximum gap (sequential). Repeating until nothing moves gives
the earliest starts that satisfy all of that at once, if any do; then the parts are fixed to
those seconds and every route is timed alone with its breaks (care_timing.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from routing.care.timing import Timed, time_care_route
from routing.links import links
from routing.problem import Job, Problem

ROUNDS = 200  # a fixpoint needs few; more means a cycle that only pushes (no answer)


def _starts(
    problem: Problem, van: int, jobs: Sequence[Job], floor: dict[str, int]
) -> dict[str, int]:
    """Earliest starts along one route, each no earlier than its floor; breaks as placed by a
    timing of the route alone (they only add their length before the visit they precede)."""
    pinned = replace(problem, jobs=tuple(_at_least(j, floor.get(j.id)) for j in problem.jobs))
    timed = time_care_route(pinned, problem.vehicles[van], [pinned.job(j.id) for j in jobs])
    out = {s.id: s.start for s in timed.steps if s.type == "job" and s.id and s.start is not None}
    return out if timed.feasible else {j.id: floor.get(j.id, 0) for j in jobs} | out


def _at_least(job: Job, t: int | None) -> Job:
    """The job with its windows cut to start no earlier than t."""
    if t is None:
        return job
    windows = tuple((max(lo, t), hi) for lo, hi in job.time_windows if hi >= t)
    # Past its windows only a start at t remains; validate.py judges whether that is late.
    return replace(job, time_windows=windows or ((t, t),))


def synced_starts(problem: Problem, routes: dict[int, list[Job]]) -> dict[str, int] | None:
    """The earliest starts of every routed job with all sync constraints met, or None."""
    floor: dict[str, int] = {}
    routed = {j.id for jobs in routes.values() for j in jobs}
    found = links(problem)
    ids = [job.id for job in problem.jobs]
    together = [[ids[j] for j in unit if ids[j] in routed] for unit in found.together]
    gaps = [
        (ids[g.first], ids[g.then], g.low, g.high)
        for g in found.gaps
        if ids[g.first] in routed and ids[g.then] in routed
    ]
    for _ in range(ROUNDS):
        starts: dict[str, int] = {}
        for van, jobs in routes.items():
            starts |= _starts(problem, van, jobs, floor)
        pushed = _push(together, gaps, starts)
        if all(starts.get(jid, 0) >= t for jid, t in pushed.items()):
            return starts
        floor = {jid: max(floor.get(jid, 0), t) for jid, t in (starts | pushed).items()}
    return None


def _push(
    together: list[list[str]], gaps: list[tuple[str, str, int, int | None]], starts: dict[str, int]
) -> dict[str, int]:
    """Where the rules want their jobs: never earlier than they are."""
    want = dict(starts)
    for unit in together:
        if unit:
            latest = max(starts[j] for j in unit)
            for j in unit:
                want[j] = latest
    for first, then, low, high in gaps:
        want[then] = max(want[then], want[first] + low)
        if high is not None:
            want[first] = max(want[first], want[then] - high)
    return want


def pinned(problem: Problem, starts: dict[str, int]) -> Problem:
    """The problem with every sync part that has a start held to that second, without sync."""
    followed = {f.job for j in problem.jobs for f in j.follows}
    return replace(
        problem,
        jobs=tuple(
            replace(
                j,
                time_windows=((starts[j.id], starts[j.id]),),
                late_cost_per_s=0,
                sync=None,
                follows=(),
            )
            if j.id in starts and (j.sync is not None or j.follows or j.id in followed)
            else j
            for j in problem.jobs
        ),
    )


def time_synced(problem: Problem, routes: dict[int, list[Job]]) -> dict[int, Timed] | None:
    """Each route timed with every sync part at its synced second, or None if none exists."""
    starts = synced_starts(problem, routes)
    if starts is None:
        return None
    fixed = pinned(problem, starts)
    return {
        van: time_care_route(fixed, problem.vehicles[van], [fixed.job(j.id) for j in jobs])
        for van, jobs in routes.items()
    }
