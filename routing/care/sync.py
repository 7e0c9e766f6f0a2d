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
from itertools import pairwise

from routing.care.timing import Timed, time_care_route
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
    groups: dict[str, list[Job]] = {}
    routed = {j.id for jobs in routes.values() for j in jobs}
    for job in problem.jobs:
        if job.sync is not None and job.id in routed:
            groups.setdefault(job.sync.group, []).append(job)
    for _ in range(ROUNDS):
        starts: dict[str, int] = {}
        for van, jobs in routes.items():
            starts |= _starts(problem, van, jobs, floor)
        pushed = _push(groups, starts)
        if all(starts.get(jid, 0) >= t for jid, t in pushed.items()):
            return starts
        floor = {jid: max(floor.get(jid, 0), t) for jid, t in (starts | pushed).items()}
    return None


def _push(groups: dict[str, list[Job]], starts: dict[str, int]) -> dict[str, int]:
    """Where the groups want their parts: never earlier than they are."""
    want = dict(starts)
    for members in groups.values():
        first = members[0].sync
        assert first is not None
        if first.type == "simultaneous":
            latest = max(starts[j.id] for j in members)
            for j in members:
                want[j.id] = latest
            continue
        ordered = sorted(members, key=lambda j: j.sync.order or 0 if j.sync else 0)
        low = next((j.sync.min_gap for j in members if j.sync and j.sync.min_gap), 0)
        high = next((j.sync.max_gap for j in members if j.sync and j.sync.max_gap), None)
        for a, b in pairwise(ordered):
            want[b.id] = max(want[b.id], want[a.id] + low)
            if high is not None:
                want[a.id] = max(want[a.id], want[b.id] - high)
    return want


def pinned(problem: Problem, starts: dict[str, int]) -> Problem:
    """The problem with every sync part that has a start held to that second, without sync."""
    return replace(
        problem,
        jobs=tuple(
            replace(j, time_windows=((starts[j.id], starts[j.id]),), late_cost_per_s=0, sync=None)
            if j.sync is not None and j.id in starts
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
