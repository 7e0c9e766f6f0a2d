"""Living a home-care day to build the hidden plan that caregen.py derives a problem from.

The simulation is a simple dispatcher: the caregiver who is free first takes the next visit,
the nearest of a few open clients within reach of how they travel; sometimes a second caregiver
joins (both start at the same second, the first to arrive waits), sometimes a linked visit is
left for whoever can start it within its gap. Lunch is taken as soon as its window opens, or
earlier when the next visit would run past it, so it always starts inside its window. Every time
comes from the integer matrices the problem will carry, so the plan is feasible on them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Protocol

from routing.problem import Matrices
from routing.travel import great_circle_m

MINUTE = 60
LUNCH = 30 * MINUTE
SERVICES = ((15, 30), (30, 30), (45, 15), (60, 15), (90, 7), (120, 3))  # minutes, weight
LINK_GAP = (30 * MINUTE, 90 * MINUTE)  # start of the follow-up after the start of the first
MAX_WAIT = 40 * MINUTE  # what a caregiver waits for a partner or a linked visit
CANDIDATES = 8  # open clients looked at for each next visit


class Config(Protocol):
    @property
    def visits(self) -> int: ...
    @property
    def pair_share(self) -> float: ...
    @property
    def linked_share(self) -> float: ...


@dataclass
class Caregiver:
    id: str
    profile: str
    skills: set[str]
    shift: tuple[int, int]
    lunch: tuple[int, int]  # window for the start of lunch
    reach_km: float
    at: int = 0  # the point where they are (0: the office)
    free: int = 0  # when they may leave it
    lunch_at: int | None = None
    done: bool = False
    home_at: int = 0


@dataclass
class Visit:
    caregiver: str
    point: int
    arrival: int
    start: int
    service: int
    group: str | None = None
    kind: str | None = None  # simultaneous or sequential
    order: int | None = None
    min_gap: int | None = None
    max_gap: int | None = None


@dataclass
class Pending:
    """A linked visit waiting for a caregiver who can start it within its gap."""

    first: int  # index of the first visit
    service: int


@dataclass
class Timing:
    lunch: int | None
    arrival: int
    start: int


@dataclass
class HiddenDay:
    caregivers: list[Caregiver]
    visits: list[Visit] = field(default_factory=list)


def live_day(
    rnd: random.Random,
    config: Config,
    caregivers: list[Caregiver],
    points: list[tuple[float, float]],
    matrices: dict[str, Matrices],
) -> HiddenDay:
    day = _Day(rnd, config, caregivers, points, matrices)
    day.run()
    return HiddenDay(caregivers, day.visits)


class _Day:
    def __init__(
        self,
        rnd: random.Random,
        config: Config,
        caregivers: list[Caregiver],
        points: list[tuple[float, float]],
        matrices: dict[str, Matrices],
    ) -> None:
        self.rnd, self.config, self.caregivers = rnd, config, caregivers
        self.dur = {p: m.durations for p, m in matrices.items()}
        self.open = set(range(1, len(points)))
        self.reach = {c.id: _within(points, c.reach_km) for c in caregivers}
        self.visits: list[Visit] = []
        self.pending: list[Pending] = []
        self.groups = 0
        for c in caregivers:
            c.free, c.at = c.shift[0], 0
        # A pair event makes two jobs: this chance of one gives `pair_share` of the jobs.
        self.pair_chance = config.pair_share / max(0.01, 2 - config.pair_share)

    def run(self) -> None:
        while len(self.visits) < self.config.visits:
            active = [c for c in self.caregivers if not c.done]
            if not active:
                raise ValueError(
                    f"visits: Expected at most {len(self.visits)} for "
                    f"{len(self.caregivers)} caregivers, got {self.config.visits}"
                )
            c = min(active, key=lambda c: (c.free, c.id))
            self._expire(c.free)
            if not self._linked(c) and not self._next(c):
                c.done = True
        for visit in self.visits:
            if visit.kind == "sequential" and visit.order == 1 and not self._has_follow_up(visit):
                visit.group = visit.kind = visit.order = visit.min_gap = visit.max_gap = None
        for c in self.caregivers:
            self._close(c)

    # ---- timing

    def _timing(self, c: Caregiver, point: int, service: int, not_before: int) -> Timing | None:
        """When c would arrive and start at the point, lunch first if it must; None: no room."""
        leg = self.dur[c.profile][c.at][point]
        free, lunch = c.free, None
        if c.lunch_at is None:
            lo, hi = c.lunch
            start = max(free + leg, not_before)
            # Lunch now if its window is open, or if the visit would end after the window.
            if free >= lo or start + service > hi:
                lunch = max(free, lo)
                free = lunch + LUNCH
        arrival = free + leg
        start = max(arrival, not_before)
        reserve = LUNCH if c.lunch_at is None and lunch is None else 0
        if start + service + reserve + self.dur[c.profile][point][0] > c.shift[1]:
            return None
        return Timing(lunch, arrival, start)

    def _commit(self, c: Caregiver, point: int, service: int, t: Timing, **sync: Any) -> Visit:
        if t.lunch is not None:
            c.lunch_at = t.lunch
        c.at, c.free = point, t.start + service
        visit = Visit(c.id, point, t.arrival, t.start, service, **sync)
        self.visits.append(visit)
        return visit

    def _close(self, c: Caregiver) -> None:
        back = self.dur[c.profile][c.at][0]
        if c.at != 0 and c.lunch_at is None and c.free + back > c.lunch[1]:
            c.lunch_at = max(c.free, c.lunch[0])  # taken before going home
            c.free = c.lunch_at + LUNCH
        c.home_at = c.free + back

    # ---- choices

    def _point(self, c: Caregiver) -> int | None:
        open_ = [p for p in self.reach[c.id] if p in self.open]
        if not open_:
            return None
        sample = self.rnd.sample(open_, min(CANDIDATES, len(open_)))
        return min(sample, key=lambda p: self.dur[c.profile][c.at][p])

    def _service(self) -> int:
        minutes = self.rnd.choices([m for m, _ in SERVICES], [w for _, w in SERVICES])[0]
        return minutes * MINUTE

    def _next(self, c: Caregiver) -> bool:
        point = self._point(c)
        if point is None:
            return False
        left = self.config.visits - len(self.visits)
        if left >= 2 and self.rnd.random() < self.pair_chance and self._pair(c, point):
            self.open.discard(point)
            return True
        linked = self.rnd.random() < self.config.linked_share
        service = 15 * MINUTE if linked else self._service()
        t = self._timing(c, point, service, 0)
        if t is None and service > 15 * MINUTE:  # a short visit may still fit the shift's end
            service = 15 * MINUTE
            t = self._timing(c, point, service, 0)
        if t is None:
            return False
        self.open.discard(point)
        if linked:
            self.groups += 1
            low, high = LINK_GAP
            group = f"link{self.groups}"
            sync = {"group": group, "kind": "sequential", "min_gap": low, "max_gap": high}
            self._commit(c, point, service, t, order=1, **sync)
            self.pending.append(Pending(len(self.visits) - 1, self.rnd.choice((30, 45)) * MINUTE))
        else:
            self._commit(c, point, service, t)
        return True

    def _pair(self, c: Caregiver, point: int) -> bool:
        service = self.rnd.choice((30, 45, 60)) * MINUTE
        alone = self._timing(c, point, service, 0)
        if alone is None:
            return False
        best: tuple[int, Caregiver, Timing, Timing] | None = None
        for other in self.caregivers:
            if other is c or other.done or point not in self.reach[other.id]:
                continue
            joint = self._joint(c, other, point, service)
            if joint is None or joint[0].start - alone.start > MAX_WAIT:
                continue
            if best is None or joint[0].start < best[0]:
                best = (joint[0].start, other, *joint)
        if best is None:
            return False
        _, other, mine, theirs = best
        self.groups += 1
        group = f"two{self.groups}"
        self._commit(c, point, service, mine, group=group, kind="simultaneous")
        self._commit(other, point, service, theirs, group=group, kind="simultaneous")
        return True

    def _joint(
        self, a: Caregiver, b: Caregiver, point: int, service: int
    ) -> tuple[Timing, Timing] | None:
        """Timings of a and b starting together; lunch choices may move the start, so repeat."""
        not_before = 0
        for _ in range(4):
            ta = self._timing(a, point, service, not_before)
            tb = self._timing(b, point, service, not_before)
            if ta is None or tb is None:
                return None
            if ta.start == tb.start:
                return ta, tb
            not_before = max(ta.start, tb.start)
        return None

    def _linked(self, c: Caregiver) -> bool:
        """Take a waiting linked visit if c can start it within its gap without long waiting."""
        for pending in self.pending:
            first = self.visits[pending.first]
            if first.point not in self.reach[c.id]:
                continue
            low, high = first.start + LINK_GAP[0], first.start + LINK_GAP[1]
            t = self._timing(c, first.point, pending.service, low)
            if t is None or t.start > high or t.start - t.arrival > MAX_WAIT:
                continue
            self.pending.remove(pending)
            sync = {"group": first.group, "kind": "sequential", "order": 2}
            self._commit(
                c,
                first.point,
                pending.service,
                t,
                **sync,
                min_gap=low - first.start,
                max_gap=high - first.start,
            )
            return True
        return False

    def _expire(self, now: int) -> None:
        """Linked visits nobody can start in time any more are not part of the day."""
        self.pending = [p for p in self.pending if self.visits[p.first].start + LINK_GAP[1] >= now]

    def _has_follow_up(self, first: Visit) -> bool:
        return any(v.group == first.group and v.order == 2 for v in self.visits)


def _within(points: list[tuple[float, float]], km: float) -> set[int]:
    """Client points within `km` of the office (point 0), as the crow flies."""
    metres = great_circle_m(points)[0]
    return {p for p in range(1, len(points)) if metres[p] <= km * 1000}
