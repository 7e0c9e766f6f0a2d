"""Ruin and recreate on the first plan, moving sync groups as wholes, in time as well as place.

Once a group's parts are fixed to a second, OR-Tools can move each part to another caregiver
but never to another time. This search, before OR-Tools gets the plan, takes out a few related
visits (with whole groups), puts them back with care_insert's group-aware insertion, and keeps
the result when it is no worse than a slowly falling threshold above the current plan. The
related visits are chosen around a seed that is most often a visit the plan serves badly: left
out, or away from its preferred caregiver (whose overlapping visits go out too, to make room),
or on a day with soft window ends a late visit; the visits taken out with such a seed are
then as often a stretch of its own route, so that a long late day is sequenced again.
"""

from __future__ import annotations

import multiprocessing
import random
import threading
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

from routing.care.build import Builder, Snapshot
from routing.care.insert import (
    eject,
    first_plan,
    place_by_regret,
    place_group,
    place_single,
    sync_groups,
)
from routing.search import processes

LEFT_OUT = 10**7  # what an unplaced visit costs here: more than any plan can save
LONGER = 1000  # and per second of its service (a two-hour visit: 7.2e6, below LEFT_OUT)
THRESHOLD = 0.01  # the accepting threshold starts at this share of the first plan's cost
CRUNCH = 0.3  # how often a visit left out clears its window on every route that could take it
# On a day with soft window ends, how often a seed drawn at random is drawn among the late ones
# instead, and how often a seed so drawn takes out a stretch of its own route (most often the
# visits before it) rather than the visits nearest it in time and place. HHCRSP at 10 s, two
# seeds each, load 3-5: mean ratio to the best published 1.130 without, 1.061 with both at 0.5
# (100_1: 1.24 to 1.06), 1.077 at 0.3 (docs/benchmarks.md).
LATE_SEED = 0.5
STRING = 0.5
# How often a seed drawn at random takes out stretches of several routes near it (_strings),
# and how often those routes are only of caregivers who could take the seed: HHCRSP at 10 s,
# six larger instances, seeds 13-30 beside the code without it, mean of medians 1.022 against
# 1.024, 100_2 1.038 against 1.055 (docs/benchmarks.md, 2026-12-07).
STRINGS = 0.5
ABLE_STRINGS = 0.5


class Search:
    def __init__(self, b: Builder, rnd: random.Random) -> None:
        self.b, self.rnd = b, rnd
        problem = b.problem
        self.groups = sync_groups(problem)
        self.group_of = {j: g for g, members in self.groups.items() for j in members}
        self.eligible = [j for j in range(len(problem.jobs)) if b.vans[j]]
        self.durations = problem.matrices_for(problem.vehicles[0].profile).durations
        self.first = -1  # the seed of the last ruin
        self.drawn = False  # whether it was drawn at random or among the late visits

    def value(self) -> int:
        """The plan's cost, and for each visit left out LEFT_OUT and more the longer it is: a
        short visit left out finds a place later far more easily than a two-hour one, so
        between plans that leave out as many, the one keeping the long visits wins."""
        placed = self.b.placed
        jobs = self.b.problem.jobs
        out = [j for j in self.eligible if j not in placed]
        return self.b.cost() + sum(LEFT_OUT + LONGER * jobs[j].service for j in out)

    def run(self, deadline: float) -> int:
        """Improve the plan in place until the deadline; returns the iterations made."""
        if not self.eligible:
            return 0
        current = best = self.value()
        scale = THRESHOLD * self.b.cost()
        best_snap = self.b.snapshot()
        began, rounds = time.time(), 0
        span = max(1e-3, deadline - began)
        while time.time() < deadline:
            rounds += 1
            snap = self.b.snapshot()
            self.recreate(self.ruin())
            value = self.value()
            left = max(0.0, (deadline - time.time()) / span)
            if value <= current + scale * left:
                current = value
                if value < best:
                    best, best_snap = value, self.b.snapshot()
            else:
                self.b.restore(snap)
        self.b.restore(best_snap)
        return rounds

    # ---- ruin

    def _placed_times(self) -> dict[int, tuple[int, int]]:
        """job -> (van, start) of every placed job."""
        out = {}
        for state in self.b.routes:
            for i, item in enumerate(state.items):
                if isinstance(item, int):
                    out[item] = (state.van, self.b.start_of(state, i))
        return out

    def _seed(self, placed: dict[int, tuple[int, int]]) -> int:
        missing = [j for j in self.eligible if j not in placed]
        jobs = self.b.problem.jobs
        unpreferred = [
            j
            for j, (van, _) in placed.items()
            if jobs[j].preferred_vehicles
            and self.b.problem.vehicles[van].id not in jobs[j].preferred_vehicles
        ]
        draw = self.rnd.random()
        self.drawn = False
        if missing and draw < 0.5:
            return self.rnd.choice(missing)
        if unpreferred and draw < 0.8:
            return self.rnd.choice(unpreferred)
        self.drawn = True
        if self.b.soft and self.rnd.random() < LATE_SEED:
            late = [j for j, (_, start) in placed.items() if self.b.late_cost(j, start) > 0]
            if late:
                return self.rnd.choice(late)
        return self.rnd.choice(list(placed) or self.eligible)

    def ruin(self) -> set[int]:
        placed = self._placed_times()
        seed = self._seed(placed)
        self.first = seed
        jobs = self.b.problem.jobs
        when = placed[seed][1] if seed in placed else _middle(jobs[seed].time_windows)
        here = jobs[seed].location_index

        def distance(j: int) -> int:
            there = jobs[j].location_index
            travel = 0 if here is None or there is None else self.durations[here][there]
            return abs(placed[j][1] - when) + 2 * travel

        stretch = self.drawn and self.b.soft and self.rnd.random() < STRING
        chosen = self._stretch(seed, placed[seed][0]) if stretch and seed in placed else set()
        if not chosen and self.drawn and self.rnd.random() < STRINGS:
            chosen = self._strings(seed, sorted(placed, key=distance), placed)
        if not chosen:
            size = self.rnd.randint(4, 12)
            chosen = set(sorted(placed, key=distance)[:size])
        chosen |= self._make_room(seed, placed)
        chosen |= {seed} if seed in placed else set()
        removed = set()
        for j in chosen:
            removed |= set(self.groups.get(self.group_of.get(j, ""), [j]))
        self.b.remove_all(removed)
        return removed

    def _stretch(self, seed: int, van: int) -> set[int]:
        """3 to 12 consecutive visits of the seed's route, the seed among them and most often
        the visits before it: put back one by one, they are sequenced again, where the
        nearest visits in time and place come from many routes and leave each route's order
        as it was (a caregiver's long late day, in which every visit pushes the next)."""
        state = self.b.routes[van]
        route = [i for i in state.items[state.locked :] if isinstance(i, int)]
        if seed not in route:
            return set()  # pinned: it stays, and so does its route's head
        length = self.rnd.randint(min(3, len(route)), min(12, len(route)))
        return self._around(route, route.index(seed), length)

    def _around(self, route: list[int], k: int, length: int) -> set[int]:
        """`length` consecutive visits of the route, the k-th among them at a random place."""
        first = min(max(0, k - self.rnd.randint(0, length - 1)), len(route) - length)
        return set(route[first : first + length])

    def _strings(
        self, seed: int, nearest: list[int], placed: dict[int, tuple[int, int]]
    ) -> set[int]:
        """A short stretch of each of 2-4 routes, around the visits nearest the seed in time and
        place: put back, the routes' ends and middles are exchanged, which taking out single
        scattered visits seldom finds (adjacent string removal, Christiaens and Vanden Berghe).
        Half the time the routes are only those of caregivers who could take the seed: the
        visits of a skill few caregivers have are then exchanged between those few days, where
        the nearest routes are most often of caregivers without it."""
        if self.rnd.random() < ABLE_STRINGS:
            able = set(self.b.vans[seed])
            nearest = [j for j in nearest if placed[j][0] in able] or nearest
        routes = self.rnd.randint(2, 4)
        chosen: set[int] = set()
        seen: set[int] = set()
        for j in nearest:
            van = placed[j][0]
            if van in seen:
                continue
            seen.add(van)
            state = self.b.routes[van]
            route = [i for i in state.items[state.locked :] if isinstance(i, int)]
            if j not in route:
                continue
            length = self.rnd.randint(1, min(8, len(route)))
            chosen |= self._around(route, route.index(j), length)
            if len(seen) >= routes:
                break
        return chosen

    def _make_room(self, seed: int, placed: dict[int, tuple[int, int]]) -> set[int]:
        """The visits that overlap the seed's window on its preferred caregiver's route, or
        for a visit left out, on one or two of the routes that could take it, or on all of
        them (a crunch, such as the first hour of the early shifts, is untied as a whole)."""
        job = self.b.problem.jobs[seed]
        ids = {v.id: k for k, v in enumerate(self.b.problem.vehicles)}
        vans = {ids[vid] for vid in job.preferred_vehicles}
        lo, hi = (job.time_windows[0][0], job.time_windows[-1][1]) if job.time_windows else (0, 0)
        before, after = 3600, 3600
        if seed not in placed:
            options = list(self.b.vans[seed])
            picked = set(self.rnd.sample(options, min(len(options), self.rnd.randint(1, 2))))
            # Its preferred caregiver's day had room for it in the plan it was asked from.
            vans = picked | {v for v in vans if v in options and self.rnd.random() < 0.5}
            if self.rnd.random() < CRUNCH:
                vans, before, after = set(options), 1800, job.service
        return {
            j
            for j, (van, start) in placed.items()
            if van in vans and lo - before <= start <= hi + after
        }

    # ---- recreate

    def recreate(self, removed: set[int]) -> None:
        """Put back what is out: the seed first, then groups and single visits, in either order
        (groups first keeps them whole; single visits first lets a scarce visit take its slot
        before a group's earliest second does)."""
        del removed  # everything out of the plan goes back, not just what this ruin took
        single = self.first not in self.group_of and self.first not in self.b.placed
        # The seed goes back first, into the room made, or by moving one visit away.
        if single and not place_single(self.b, self.first):
            eject(self.b, self.first)
        steps = [self._groups, self._singles]
        if self.rnd.random() < 0.5:
            steps.reverse()
        for put_back in steps:
            put_back()

    def _groups(self) -> None:
        placed = self.b.placed
        order = sorted(
            {self.group_of[j] for j in self.eligible if j in self.group_of}
            - {self.group_of[j] for j in placed if j in self.group_of}
        )
        self.rnd.shuffle(order)
        for g in order:
            place_group(self.b, self.groups[g])

    def _singles(self) -> None:
        placed = self.b.placed
        singles = [j for j in self.eligible if j not in self.group_of and j not in placed]
        place_by_regret(self.b, singles, time.time() + 5.0)


def _middle(windows: Sequence[tuple[int, int]]) -> int:
    return (windows[0][0] + windows[-1][1]) // 2 if windows else 0


def improve(b: Builder, seed: int, deadline: float) -> Snapshot | None:
    """Improve the plan until the deadline: one search here and, with a second core, another
    with another seed in a child process; the better plan is kept in `b`, and the other one
    returned (None with one search).

    Fork copies the plan for free; a process that may not have children (a daemon, such as a
    Celery prefork worker) runs the one search alone.
    """
    child, conn = None, None
    if processes() > 1:
        try:
            ctx = _context()
            conn, end = ctx.Pipe(duplex=False)
            child = ctx.Process(target=_child, args=(end, b, seed + 1, deadline), daemon=True)
            child.start()
            end.close()
        except (AssertionError, OSError):
            child, conn = None, None
    # A plan built on time that leaves visits out may pass soft ends wherever that pays (at
    # their price); one that serves everything stays on time, as the dispatcher set it.
    b.all_late = short_on_time(b)
    search = Search(b, random.Random(seed))
    search.run(deadline)
    if child is None or conn is None:
        return None
    try:
        if conn.poll(max(0.0, deadline - time.time()) + 1.0):
            received: tuple[int, Snapshot] = conn.recv()
            value, snap = received
            if value >= search.value():
                return snap
            own = b.snapshot()
            b.restore(snap)
            return own
    except (EOFError, OSError):
        pass  # the child died: the plan found here stands
    finally:
        if child.is_alive():
            child.terminate()
        child.join(timeout=1.0)
    return None


def _child(conn: Connection, b: Builder, seed: int, deadline: float) -> None:
    """The second search. When the plan built on time leaves visits out and ends are soft, it
    starts from a plan built late where that pays from the first visit on: a day that must
    run late everywhere (a skill only one caregiver has, asked for all day) is found that
    way, while the first search repairs the plan built on time."""
    try:
        if short_on_time(b):
            b = first_plan(b.problem, b.vans, time.time() + 0.2 * (deadline - time.time()), True)
        search = Search(b, random.Random(seed))
        search.run(deadline)
        conn.send((search.value(), b.snapshot()))
    finally:
        conn.close()


def short_on_time(b: Builder) -> bool:
    """Whether the plan built on time had no place on time for some visit whose end is soft
    (it went in late, or is still out)."""
    placed = b.placed
    return b.soft and (
        bool(b.late_ok) or any(j not in placed for j in range(len(b.vans)) if b.vans[j])
    )


def _context() -> Any:
    # As search.py: fork is instant, but forking a threaded process can deadlock the child.
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
