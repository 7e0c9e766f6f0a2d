"""Placing visits into caregiver routes: sync groups whole, single visits by regret.

OR-Tools' insertion heuristics add one node at a time, so they cannot insert a group whose parts
must all be served, and its local search moves one node at a time, so each part of a
two-caregiver visit is held wherever the other part's time holds it. Here each group goes in at
once: for a simultaneous visit, every two places on two different caregivers' routes whose
feasible start intervals overlap are a candidate, at the earliest common second; for a linked
visit, the second part's interval is the first's shifted by the gap. Single visits go in by
regret (see `place_by_regret`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from routing.care.build import INF, Builder, Place
from routing.links import links
from routing.problem import Job, Problem

TOP_FIRSTS = 6  # first parts of a linked visit tried with the second on the same route


def place_single(b: Builder, j: int, vans: Sequence[int] | None = None) -> bool:
    found = b.places(j, vans)
    if not found:
        return False
    best = min(found, key=lambda p: (p.cost, p.earliest))
    b.insert(j, best)
    return True


def place_simultaneous(b: Builder, jobs: Sequence[int], lo: int = 0, hi: int = INF) -> bool:
    """All parts at one second on different vans: the cheapest two, then the rest at it; the
    second within [lo, hi] (a gap to a unit placed before)."""
    first, second, *rest = jobs
    options = sorted(b.places(second), key=lambda p: p.cost)
    best: tuple[int, int, Place, Place] | None = None
    for a in sorted(b.places(first), key=lambda p: p.cost):
        for c in options:
            if best is not None and a.cost + c.cost >= best[0]:
                break
            t = max(a.earliest, c.earliest, lo)
            if a.van != c.van and t <= min(a.latest, c.latest, hi):
                cost = _at(b, first, a, t) + _at(b, second, c, t)
                if best is None or cost < best[0]:
                    best = (cost, t, a, c)
    if best is None:
        return False
    _, t, a, c = best
    b.insert(first, a, t)
    b.insert(second, c, t)
    used = {a.van, c.van}
    for j in rest:
        fits = [p for p in b.places(j) if p.van not in used and p.earliest <= t <= p.latest]
        if not fits:
            b.remove_all({first, second, *rest})
            return False
        p = min(fits, key=lambda p: p.cost)
        b.insert(j, p, t)
        used.add(p.van)
    return True


def place_sequential(b: Builder, jobs: Sequence[int], low: int, high: int) -> bool:
    """Parts in order, each `low`..`high` after the one before; chains of more than two are
    placed part by part."""
    if len(jobs) > 2:
        return _chain(b, jobs, low, high)
    first, second = jobs
    firsts = sorted(b.places(first), key=lambda p: p.cost)
    best = _linked_apart(b, first, firsts, second, low, high)
    for a in firsts[:TOP_FIRSTS]:
        with b.trying(first, a, a.earliest):
            together = [
                p for p in b.places(second, [a.van]) if p.latest - a.earliest >= low
            ]  # the second on the same route, in the gap
        for c in together:
            t = max(c.earliest, a.earliest + low)
            fits = t - a.earliest <= high and t <= c.latest
            cost = a.cost + _at(b, second, c, t)
            if fits and (best is None or cost < best[0]):
                best = (cost, a, c, a.earliest, t)
    if best is None:
        return False
    _, a, c, t1, t2 = best
    b.insert(first, a, t1)
    b.insert(second, c, t2)
    return True


def _at(b: Builder, j: int, p: Place, t: int) -> int:
    """The place's cost with job j starting at t instead of at its earliest (a group part
    waits for its partner, and waiting past a soft end costs)."""
    if t == p.earliest or not b.soft:
        return p.cost
    state, job = b.routes[p.van], b.problem.jobs[j]
    assert job.location_index is not None
    push = b.push_cost(state, p.pos, t + job.service, job.location_index)
    return p.cost - b.late_cost(j, p.earliest) - p.push + b.late_cost(j, t) + push


def _linked_apart(
    b: Builder, first: int, firsts: Sequence[Place], second: int, low: int, high: int
) -> tuple[int, Place, Place, int, int] | None:
    """The cheapest pair of places on two routes: the first part at one of its places
    `firsts` (by cost), the second `low`..`high` after it."""
    best = None
    seconds = sorted(b.places(second), key=lambda p: p.cost)
    for a in firsts:
        for c in seconds:
            if best is not None and a.cost + c.cost >= best[0]:
                break
            if c.van == a.van:
                continue
            t1 = max(a.earliest, c.earliest - high)
            t2 = max(c.earliest, t1 + low)
            if t1 <= a.latest and t2 <= c.latest:
                cost = _at(b, first, a, t1) + _at(b, second, c, t2)
                if best is None or cost < best[0]:
                    best = (cost, a, c, t1, t2)
    return best


def _chain(b: Builder, jobs: Sequence[int], low: int, high: int) -> bool:
    previous: int | None = None
    for j in jobs:
        found = b.places(j)
        if previous is not None:
            found = [
                p
                for p in found
                if max(p.earliest, previous + low) <= min(p.latest, previous + high)
            ]
        if not found:
            b.remove_all(set(jobs))
            return False
        p = min(found, key=lambda p: p.cost)
        previous = p.earliest if previous is None else max(p.earliest, previous + low)
        b.insert(j, p, previous)
    return True


def _window_key(job: Job) -> tuple[int, int]:
    if not job.time_windows:
        return (INF, INF)
    lo, hi = job.time_windows[0][0], job.time_windows[-1][1]
    return (hi - lo, lo)


def place_by_regret(b: Builder, jobs: Sequence[int], deadline: float) -> None:
    """Regret insertion: the job that loses most by not getting its best route goes first.

    A job one caregiver can take, or one that prefers a caregiver and would cost its
    preference elsewhere, has a large regret and is placed while its place is still free;
    that is what keeps continuity of care in a first plan. Each job's best place per route is
    kept and recomputed only for the route that changed.
    """
    best: dict[int, dict[int, Place]] = {j: {} for j in jobs}
    for j in jobs:
        for p in b.places(j):
            if p.van not in best[j] or p.cost < best[j][p.van].cost:
                best[j][p.van] = p
    while best and time.time() < deadline:
        choice = _most_regret(best)
        if choice is None:
            return
        j, p = choice
        b.insert(j, p)
        del best[j]
        for k, places in best.items():
            places.pop(p.van, None)
            found = b.places(k, [p.van])
            if found:
                places[p.van] = min(found, key=lambda q: q.cost)


def _most_regret(best: dict[int, dict[int, Place]]) -> tuple[int, Place] | None:
    chosen: tuple[tuple[int, int], int, Place] | None = None
    for j, places in best.items():
        if not places:
            continue
        ranked = sorted(places.values(), key=lambda p: (p.cost, p.earliest))
        regret = ranked[1].cost - ranked[0].cost if len(ranked) > 1 else INF
        key = (regret, -ranked[0].cost)
        if chosen is None or key > chosen[0]:
            chosen = (key, j, ranked[0])
    return None if chosen is None else (chosen[1], chosen[2])


def sync_groups(problem: Problem) -> dict[str, list[int]]:
    """Job indices per tie (jobs served all or none, routing/links.py), in placing order."""
    found = links(problem)
    return {name: found.members(name) for name in found.ties}


def place_linked(b: Builder, name: str) -> bool:
    """A tie of units joined by gaps, unit by unit in its placing order: each one at its
    cheapest place whose interval meets every gap to the units already placed, at the
    earliest second there. Greedy; a tie it cannot place is left out whole (reason `sync`)."""
    units = b.links.ties[name]
    gaps = b.links.gaps_of(name)
    for unit in units:
        lo, hi = 0, INF
        for g in gaps:
            if g.then in unit and g.first in b.fixed:
                lo = max(lo, b.fixed[g.first] + g.low)
                hi = min(hi, INF if g.high is None else b.fixed[g.first] + g.high)
            if g.first in unit and g.then in b.fixed:
                lo = max(lo, 0 if g.high is None else b.fixed[g.then] - g.high)
                hi = min(hi, b.fixed[g.then] - g.low)
        if lo > hi or not _place_unit(b, unit, lo, hi):
            b.remove_all({j for unit_placed in units for j in unit_placed})
            return False
    return True


def _place_unit(b: Builder, unit: Sequence[int], lo: int, hi: int) -> bool:
    if len(unit) > 1:
        return place_simultaneous(b, unit, lo, hi)
    (j,) = unit
    fits = [p for p in b.places(j) if max(p.earliest, lo) <= min(p.latest, hi)]
    if not fits:
        return False
    p = min(fits, key=lambda p: (p.cost, p.earliest))
    b.insert(j, p, max(p.earliest, lo))
    return True


def first_plan(
    problem: Problem, vans: Sequence[Sequence[int]], deadline: float, late: bool = False
) -> Builder:
    """Pinned visits; visits few caregivers can make; groups and preferred visits in the order
    of their windows, each group at its cheapest two caregivers and each preferred visit on its
    caregiver's day; then what is left by regret, and a visit still out by moving one other
    visit out of its way."""
    b = Builder(problem, vans)
    b.all_late = late
    index = {job.id: j for j, job in enumerate(problem.jobs)}
    for v, vehicle in enumerate(problem.vehicles):
        pinned = [index[jid] for jid in problem.pinned.get(vehicle.id, ()) if vans[index[jid]]]
        if pinned:
            b.pin(v, pinned)
    # Visits only one or two caregivers can make (a rare skill, a hard restriction) first.
    tied = b.links.tie_of
    scarce = [j for j in range(len(problem.jobs)) if j not in tied and 0 < len(vans[j]) <= 2]
    for j in sorted(scarce, key=lambda j: _start(problem.jobs[j])):
        if j not in b.placed:
            place_single(b, j)
    groups = sync_groups(problem)
    ordered = sorted(groups.values(), key=lambda m: _window_key(problem.jobs[m[0]]))
    _chronological(b, [m for m in ordered if all(vans[j] for j in m)])
    for members in ordered:
        if time.time() > deadline or any(not vans[j] or j in b.placed for j in members):
            continue
        place_group(b, members)
    placed = b.placed
    singles = [j for j in range(len(problem.jobs)) if j not in tied and vans[j] and j not in placed]
    place_preferred(b, singles)
    singles = [j for j in singles if j not in b.placed]
    place_by_regret(b, singles, deadline)
    for j in singles:
        if j not in b.placed and time.time() < deadline:
            eject(b, j)
    place_late(b, ordered, singles, deadline)
    return b


def place_late(b: Builder, groups: list[list[int]], singles: list[int], deadline: float) -> None:
    """What found no place on time goes in late where its end is soft (a visit served late at
    its price beats one not served): groups whole, then single visits by regret."""
    placed = b.placed
    out = [j for m in groups for j in m if j not in placed and all(b.vans[k] for k in m)]
    out += [j for j in singles if j not in placed]
    late = {j for j in out if b.problem.jobs[j].late_cost_per_s > 0}
    if not late:
        return
    b.late_ok |= late
    for members in groups:
        if any(j in late for j in members) and not any(j in b.placed for j in members):
            place_group(b, members)
    place_by_regret(b, [j for j in singles if j in late and j not in b.placed], deadline)


def _chronological(b: Builder, groups: list[list[int]]) -> None:
    """Groups and preferred visits together in the order of their windows' starts.

    Placing every group before any preferred visit left fewer visits out on the generated care
    day (71 against 89 of 301 at 9 s) but made fewer visits with the preferred caregiver on the
    200-visit day (86.9% against the 90% asked): continuity of care comes first here."""
    ids = {v.id: k for k, v in enumerate(b.problem.vehicles)}
    jobs = b.problem.jobs
    units: list[tuple[int, list[int]]] = [(_start(jobs[m[0]]), m) for m in groups]
    units += [
        (_start(job), [j])
        for j, job in enumerate(jobs)
        if j not in b.links.tie_of and job.preferred_vehicles and b.vans[j]
    ]
    for _, members in sorted(units, key=lambda u: u[0]):
        if members[0] in b.placed:
            continue
        if len(members) > 1 or members[0] in b.links.tie_of:
            place_group(b, members)
            continue
        j = members[0]
        found = b.places(j, [ids[vid] for vid in jobs[j].preferred_vehicles])
        if found:
            b.insert(j, min(found, key=lambda p: (p.cost, p.earliest)))


def place_preferred(b: Builder, jobs: Sequence[int]) -> None:
    """Each visit with a preferred caregiver into that caregiver's day, in window order.

    Preferences say who serves whom (continuity of care): a day built from them first is how a
    dispatcher plans, and regret alone lets visits without a preference fill those days.
    """
    ids = {v.id: k for k, v in enumerate(b.problem.vehicles)}
    for j in sorted(jobs, key=lambda j: _start(b.problem.jobs[j])):
        if j in b.placed:
            continue
        preferred = [ids[vid] for vid in b.problem.jobs[j].preferred_vehicles]
        found = b.places(j, preferred)
        if found:
            b.insert(j, min(found, key=lambda p: (p.cost, p.earliest)))


def place_group(b: Builder, members: list[int]) -> bool:
    name = b.links.tie_of[members[0]]
    sync = b.problem.jobs[members[0]].sync
    if sync is None or not b.links.is_plain_group(b.problem, name):
        return place_linked(b, name)
    if sync.type == "simultaneous":
        return place_simultaneous(b, members)
    low, high = _gaps(b.problem, members)
    return place_sequential(b, members, low, high)


def _start(job: Job) -> int:
    return job.time_windows[0][0] if job.time_windows else 0


def _gaps(problem: Problem, members: list[int]) -> tuple[int, int]:
    syncs = [problem.jobs[j].sync for j in members]
    low = next((s.min_gap for s in syncs if s and s.min_gap is not None), 0)
    high = next((s.max_gap for s in syncs if s and s.max_gap is not None), 10**12)
    return low, high


def eject(b: Builder, j: int) -> bool:
    """Place job j by moving one single visit out of its way to another route.

    Scarce slots (the first hour of an early shift, a rare skill) are often held by a visit
    that could go elsewhere; insertion alone never moves it, this does.
    """
    for van in b.vans[j]:
        state = b.routes[van]
        for k in [i for i in state.items[state.locked :] if isinstance(i, int)]:
            if k in b.fixed:
                continue  # a sync part stays: its partner's time depends on it
            snap = b.snapshot()
            b.remove(k)
            if place_single(b, j, [van]) and place_single(b, k):
                return True
            b.restore(snap)
    return False
