"""The rules that tie jobs together in time, read once from `sync` groups and `follows`.

- together: the jobs of a `simultaneous` group start at one second on different vehicles;
- a gap: job `then` starts `low` to `high` seconds after job `first` starts (consecutive orders
  of a `sequential` group, or a job's `follows`);
- a tie: jobs joined by either, directly or through others, are served all or none. A visit for
  two caregivers that must follow another visit ties three jobs: the pair, and the one before.

The care search places a tie whole, unit by unit: a unit is a simultaneous group or one job,
and the units of a tie are listed so that every gap's first unit comes before its `then`.
validate.py reads `sync` and `follows` on its own, so that the check stays independent.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from routing.problem import Job, Problem


@dataclass(frozen=True)
class Gap:
    first: int  # job indices
    then: int
    low: int
    high: int | None


@dataclass(frozen=True)
class Links:
    together: tuple[tuple[int, ...], ...]  # simultaneous groups of two jobs or more
    gaps: tuple[Gap, ...]
    ties: dict[str, tuple[tuple[int, ...], ...]]  # name -> its units, in an order to place them
    tie_of: dict[int, str]  # job index -> the name of its tie

    def members(self, name: str) -> list[int]:
        return [j for unit in self.ties[name] for j in unit]

    def gaps_of(self, name: str) -> list[Gap]:
        inside = set(self.members(name))
        return [g for g in self.gaps if g.first in inside]

    def is_plain_group(self, problem: Problem, name: str) -> bool:
        """The tie is one `sync` group and nothing more (what insert.py has placed alone)."""
        jobs = [problem.jobs[j] for j in self.members(name)]
        groups = {job.sync.group if job.sync else None for job in jobs}
        return len(groups) == 1 and None not in groups and not any(job.follows for job in jobs)


def _order(job: Job) -> int:
    return job.sync.order or 0 if job.sync is not None else 0


def _group_rules(problem: Problem) -> tuple[list[tuple[int, ...]], list[Gap]]:
    groups: dict[str, list[int]] = {}
    for j, job in enumerate(problem.jobs):
        if job.sync is not None:
            groups.setdefault(job.sync.group, []).append(j)
    together: list[tuple[int, ...]] = []
    gaps: list[Gap] = []
    for members in groups.values():
        first = problem.jobs[members[0]].sync
        assert first is not None
        if len(members) < 2:
            continue
        if first.type == "simultaneous":
            together.append(tuple(members))
            continue
        syncs = [problem.jobs[j].sync for j in members]
        low = next((s.min_gap for s in syncs if s and s.min_gap is not None), 0)
        high = next((s.max_gap for s in syncs if s and s.max_gap is not None), None)
        ordered = sorted(members, key=lambda j: _order(problem.jobs[j]))
        gaps += [Gap(a, b, low, high) for a, b in pairwise(ordered)]
    return together, gaps


def links(problem: Problem) -> Links:
    together, gaps = _group_rules(problem)
    index = {job.id: j for j, job in enumerate(problem.jobs)}
    for j, job in enumerate(problem.jobs):
        gaps += [Gap(index[f.job], j, f.min_gap, f.max_gap) for f in job.follows]
    unit_of: dict[int, tuple[int, ...]] = {j: unit for unit in together for j in unit}
    parent: dict[int, int] = {}

    def root(j: int) -> int:
        while parent.get(j, j) != j:
            j = parent[j]
        return j

    for a, b in [(u[0], k) for u in together for k in u[1:]] + [(g.first, g.then) for g in gaps]:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    found: dict[int, list[int]] = {}
    for j in sorted(set(parent) | set(parent.values())):
        found.setdefault(root(j), []).append(j)
    ties = {}
    for members in found.values():
        units = list(dict.fromkeys(unit_of.get(j, (j,)) for j in members))
        name = problem.jobs[members[0]].id
        ties[name] = _placing_order(problem, units, gaps)
    tie_of = {j: name for name, units in ties.items() for unit in units for j in unit}
    return Links(tuple(together), tuple(gaps), ties, tie_of)


def _placing_order(
    problem: Problem, units: list[tuple[int, ...]], gaps: list[Gap]
) -> tuple[tuple[int, ...], ...]:
    """Units so that each gap's first comes before its `then`; among those free to go, the one
    whose window opens first (a sequential group's orders, then problem order, break ties)."""
    of = {j: u for u in units for j in u}
    before = {u: {of[g.first] for g in gaps if g.then in u and g.first in of} - {u} for u in units}

    def key(u: tuple[int, ...]) -> tuple[int, int, int]:
        job = problem.jobs[u[0]]
        opens = job.time_windows[0][0] if job.time_windows else 0
        return (_order(job), opens, u[0])

    out: list[tuple[int, ...]] = []
    left = set(units)
    while left:
        free = [u for u in left if not before[u] & left] or list(left)  # cycles: problem.py
        chosen = min(free, key=key)
        out.append(chosen)
        left.discard(chosen)
    return tuple(out)
