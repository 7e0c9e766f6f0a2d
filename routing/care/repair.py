"""Repair: a visit the plan leaves out goes in by moving placed visits out of its way.

Insertion never takes a visit out, and ruin and recreate takes out visits near a seed at
random. A visit for two caregivers in the morning crunch needs a free stretch at one second on
two routes, which opens only when the right visit on one of them moves to a third caregiver.
Here each tie (or single visit) left out is tried in turn: the single visits on its caregivers'
routes that overlap its window are taken out one at a time, then two on different routes; the
tie goes in and what was taken out goes back anywhere, moving one more visit out of its way
if need be (an ejection chain). A change is kept only when everything taken out is back, so
the plan serves strictly more jobs and every job it served stays served.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from routing.care.build import INF, Builder
from routing.care.insert import eject, place_group, place_single

ONE = 24  # placed visits tried one at a time per tie, those overlapping its window most first
TWO = 6  # of those, the first few tried in twos (on different routes)


def repair(b: Builder, deadline: float) -> int:
    """Put left-out ties and visits in by ejection until the deadline; the jobs gained."""
    gained = 0
    for unit in left_out(b):
        if time.time() > deadline:
            break
        if not any(j in b.placed for j in unit) and put_in(b, unit, deadline):
            gained += len(unit)
    return gained


def left_out(b: Builder) -> list[list[int]]:
    """Ties and single visits not placed (each could be served alone), longest work first: a
    long visit is the hardest to place later and the most worth a move."""
    placed, units, seen = b.placed, [], set()
    for j in range(len(b.problem.jobs)):
        if not b.vans[j] or j in placed:
            continue
        name = b.links.tie_of.get(j)
        if name is None:
            units.append([j])
        elif name not in seen:
            seen.add(name)
            members = b.links.members(name)
            if all(b.vans[k] for k in members):
                units.append(members)
    jobs = b.problem.jobs
    return sorted(units, key=lambda u: -sum(jobs[j].service for j in u))


def put_in(b: Builder, unit: list[int], deadline: float) -> bool:
    """The unit in, by taking out one placed single visit or two on different routes and
    putting them back elsewhere; the plan is unchanged when no way is found."""
    if _try(b, unit, ()):
        return True
    around = _in_the_way(b, unit)
    for k in around[:ONE]:
        if time.time() > deadline:
            return False
        if _try(b, unit, (k,)):
            return True
    firsts = around[:TWO]
    van = {k: _van_of(b, k) for k in firsts}
    for x, k in enumerate(firsts):
        for other in firsts[x + 1 :]:
            if time.time() > deadline:
                return False
            if van[k] != van[other] and _try(b, unit, (k, other)):
                return True
    return False


def _try(b: Builder, unit: list[int], out: Sequence[int]) -> bool:
    """Take out these visits (a tie whole), put the unit in, and put them back."""
    snap = b.snapshot()
    units = [_unit_of(b, k) for k in out]
    for members in units:
        for k in members:
            b.remove(k)
    if _place(b, unit) and all(_back(b, members) for members in units):
        return True
    b.restore(snap)
    return False


def _unit_of(b: Builder, j: int) -> list[int]:
    name = b.links.tie_of.get(j)
    return [j] if name is None else b.links.members(name)


def _back(b: Builder, members: list[int]) -> bool:
    if len(members) == 1 and members[0] not in b.links.tie_of:
        return place_single(b, members[0]) or eject(b, members[0])
    return place_group(b, members)


def _place(b: Builder, unit: list[int]) -> bool:
    if unit[0] in b.links.tie_of:
        return place_group(b, unit)
    return place_single(b, unit[0])


def _in_the_way(b: Builder, unit: list[int]) -> list[int]:
    """Placed single visits on routes that could serve a part of the unit, whose time meets
    the unit's window, those overlapping it most first (taking them out frees the most)."""
    jobs = b.problem.jobs
    lo = min((jobs[j].time_windows[0][0] for j in unit if jobs[j].time_windows), default=0)
    hi = max((w[-1][1] + jobs[j].service for j in unit if (w := jobs[j].time_windows)), default=INF)
    vans = {v for j in unit for v in b.vans[j]}
    found: list[tuple[int, int]] = []
    for van in vans:
        state = b.routes[van]
        for i, item in enumerate(state.items):
            if not isinstance(item, int) or i < state.locked or item in unit:
                continue
            start = b.start_of(state, i)
            overlap = min(hi, start + jobs[item].service) - max(lo, start)
            if overlap > 0:
                found.append((overlap, item))
    # A tie counts once, by its first part met: taking it out takes it out whole.
    ranked, seen = [], set()
    for _, k in sorted(found, key=lambda f: (-f[0], f[1])):
        key = b.links.tie_of.get(k, k)
        if key not in seen:
            seen.add(key)
            ranked.append(k)
    return ranked


def _van_of(b: Builder, j: int) -> int:
    return next(s.van for s in b.routes if j in s.items)
