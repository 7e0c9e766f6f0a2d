"""Caregiver routes under construction: where a visit could go, at what cost, and when.

A route is a list of items: job indices and break ids. A break is a visit without a place (it
is taken where the caregiver is, or during the travel) with the break's windows and duration,
as OR-Tools and validate.py see it. Each route keeps, per position, the earliest time a new
visit could start there and the latest start that keeps everything after it on time, so a
candidate place costs a few additions to check.

A soft window end (late_cost_per_s > 0) is kept hard until `late_ok` or `all_late` opens it;
then a visit may start past it, and a place's cost counts its own lateness and what the soft
visits after it lose by starting later (`push_cost`), while every visit already in the route
keeps its hard bounds.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from routing.links import links
from routing.problem import Problem, TimeWindow, Vehicle

INF = 10**15
# A late day is priced per second of each visit's lateness, and the care search counts the
# latest visit's once more: between two plans late by as much in all, the one where no client
# waits as long is better (and the published home-care instances count it so).
WORST_LATE = 1
Item = int | str  # a job index, or a break id


@dataclass(frozen=True, slots=True)
class Place:
    """A job at position `pos` of van `van`'s route, starting in [earliest, latest]."""

    van: int
    pos: int
    earliest: int
    latest: int
    cost: int
    push: int = 0  # of `cost`: what the visits after it lose by starting later (soft ends)


@dataclass(slots=True)
class Before:
    """What a visit inserted at some position follows."""

    ready: int  # when the caregiver is free (last departure or break end)
    left: int  # departure from the last located item
    place: int | None  # the last location
    pause: int  # break seconds since leaving it


@dataclass
class RouteState:
    van: int
    items: list[Item] = field(default_factory=list)
    before: list[Before] = field(default_factory=list)  # per position 0..len(items)
    latest: list[int] = field(default_factory=list)  # per item: latest start
    feasible: bool = True
    locked: int = 0  # items at the head that stay first (pinned jobs)
    end: int = 0  # when the route reaches its end
    after: list[tuple[int, int | None, int, int]] = field(default_factory=list)  # see _latests
    priced: tuple[int, int, int] | None = None  # route_cost's answer until the route changes
    epoch: int = 0  # the Builder's epoch when it was timed (see Builder.all_late)

    def copy(self) -> RouteState:
        return RouteState(
            self.van,
            self.items.copy(),
            self.before.copy(),
            self.latest.copy(),
            self.feasible,
            self.locked,
            self.end,
            self.after.copy(),
            self.priced,
            self.epoch,
        )


def job_routes(routes: Sequence[RouteState]) -> dict[int, list[int]]:
    """van -> the jobs of its route in order, for the routes that have any."""
    return {
        s.van: [i for i in s.items if isinstance(i, int)]
        for s in routes
        if any(isinstance(i, int) for i in s.items)
    }


def _earliest(windows: Sequence[TimeWindow], t: int) -> int | None:
    for lo, hi in windows:
        if t <= hi:
            return max(lo, t)
    return None


def _latest(windows: Sequence[TimeWindow], t: int) -> int:
    for lo, hi in reversed(windows):
        if lo <= t:
            return min(hi, t)
    return -INF


Snapshot = tuple[list[RouteState], dict[int, int]]  # the routes and each sync part's start


class Builder:
    """Routes under construction. `fixed` holds the start of every placed sync part."""

    def __init__(self, problem: Problem, vans: Sequence[Sequence[int]]) -> None:
        self.problem = problem
        self.vans = vans  # per job: the vans that may serve it
        self.fixed: dict[int, int] = {}
        # Jobs whose soft end is open (all of them once `all_late`): a plan is first built on
        # time, and an end opens for a job that finds no place on time.
        self.late_ok: set[int] = set()
        self._all_late = False
        self.epoch = 0  # counts the changes of all_late, which change the windows of all jobs
        self.soft = any(job.late_cost_per_s > 0 for job in problem.jobs)
        self.links = links(problem)
        self.by_distance = problem.objective.minimize == "distance"
        # Per van: the travel and cost matrices of its profile (looked up millions of times).
        self.dur_of, self.cost_of = [], []
        for v in problem.vehicles:
            m = problem.matrices_for(v.profile)
            self.dur_of.append(m.durations)
            self.cost_of.append(m.costs_distances if self.by_distance else m.durations)
        # Per van: its breaks by id; per job: service and place (static, read on every walk).
        self.breaks_of = [{b.id: b for b in v.breaks} for v in problem.vehicles]
        self.service = [job.service for job in problem.jobs]
        self.per_s = [job.late_cost_per_s for job in problem.jobs]
        self.due = [job.time_windows[-1][1] if job.time_windows else INF for job in problem.jobs]
        self.location = [job.location_index for job in problem.jobs]
        self.routes = [RouteState(v) for v in range(len(problem.vehicles))]
        for state in self.routes:
            breaks = sorted(problem.vehicles[state.van].breaks, key=lambda b: b.time_windows)
            state.items = [b.id for b in breaks]
            self.refresh(state)

    @property
    def all_late(self) -> bool:
        return self._all_late

    @all_late.setter
    def all_late(self, value: bool) -> None:
        # Every route's bounds were found with the ends as they were: each is timed whole
        # when it next changes (until then it keeps them, as it always has).
        if value != self._all_late:
            self.epoch += 1
        self._all_late = value

    # ---- items

    def windows(self, j: int) -> tuple[TimeWindow, ...]:
        """Where job j may start: a soft end (late_cost_per_s > 0) is open, at its price."""
        if j in self.fixed:
            return ((self.fixed[j], self.fixed[j]),)
        job = self.problem.jobs[j]
        if not job.time_windows:
            return ((0, INF),)
        if job.late_cost_per_s > 0 and (self.all_late or j in self.late_ok):
            return (*job.time_windows[:-1], (job.time_windows[-1][0], INF))
        return job.time_windows

    def late_cost(self, j: int, start: int) -> int:
        """What starting job j at `start` costs in lateness (0 for a hard end)."""
        per_s = self.per_s[j]
        return per_s * (start - self.due[j]) if per_s > 0 and start > self.due[j] else 0

    def _item(self, van: int, item: Item) -> tuple[Sequence[TimeWindow], int, int | None]:
        """(windows, duration, location) of an item; a break has no location."""
        if isinstance(item, str):
            brk = self.breaks_of[van][item]
            return brk.time_windows, brk.service, None
        return self.windows(item), self.service[item], self.location[item]

    def _dur(self, van: int, a: int | None, b: int | None) -> int:
        return 0 if a is None or b is None else self.dur_of[van][a][b]

    def _cost(self, van: int, a: int | None, b: int | None) -> int:
        return 0 if a is None or b is None else self.cost_of[van][a][b]

    # ---- route times

    def refresh(self, state: RouteState, first: int = 0, tail: int | None = None) -> None:
        """Time the route again after its items changed. With `tail`, only items[first:tail]
        are new: those before are the old route's, and those from `tail` on are its last ones.
        The times are then walked forward from `first` until they meet the old ones, and the
        bounds backward from `tail` until they meet the old ones; a ruin and recreate round
        times a route a dozen times, and most of each route is as it was. A route that was
        infeasible, or timed before `all_late` changed its windows, is timed whole."""
        if tail is None or not state.feasible or state.epoch != self.epoch:
            first, tail = 0, None
        v = self.problem.vehicles[state.van]
        self._forward(state, v, first, tail)
        state.latest, state.after = self._latests(v, state, first, tail)
        state.priced, state.epoch = None, self.epoch

    def _forward(self, state: RouteState, v: Vehicle, first: int, tail: int | None) -> None:
        """Each position's Before, the route's end and whether it keeps every window."""
        opens, closes = v.time_window or (0, INF)
        items, old = state.items, state.before
        shift = len(items) + 1 - len(old)  # an old position k is position k + shift now
        before = [Before(opens, opens, v.start_index, 0)] if tail is None else old[: first + 1]
        here, feasible = before[-1], True
        for k in range(first, len(items)):
            if tail is not None and k >= tail and feasible and here == old[k - shift]:
                # From here on the same items start as they did: so does the rest, the end too.
                state.before, state.feasible = before + old[k - shift + 1 :], True
                return
            windows, service, place = self._item(state.van, items[k])
            if place is None:
                arrival = here.ready
            else:
                leg = 0 if here.place is None else self.dur_of[state.van][here.place][place]
                arrival = max(here.ready, here.left + leg + here.pause)
            start = _earliest(windows, arrival)
            if start is None:
                feasible, start = False, arrival
            if place is None:
                here = Before(start + service, here.left, here.place, here.pause + service)
            else:
                here = Before(start + service, start + service, place, 0)
            before.append(here)
        end = max(
            here.ready, here.left + self._dur(state.van, here.place, v.end_index) + here.pause
        )
        state.before, state.feasible, state.end = before, feasible and end <= closes, end

    def _latests(
        self, v: Vehicle, state: RouteState, first: int, tail: int | None
    ) -> tuple[list[int], list[tuple[int, int | None, int, int]]]:
        """Latest start of each item that keeps everything after it, and the end, on time; and
        for each position: (latest start of the next located item, its place, breaks before
        it, latest start of the very next item)."""
        items = state.items
        closes = (v.time_window or (0, INF))[1]
        latest = [0] * len(items)
        after = [(closes, v.end_index, 0, closes)] * (len(items) + 1)
        top = len(items)
        if tail is not None:
            shift = len(items) - len(state.latest)
            latest[tail:] = state.latest[tail - shift :]
            after[tail:] = state.after[tail - shift :]
            top = tail
        located, place_next, pause, any_next = after[top]
        for i in range(top - 1, -1, -1):
            if tail is not None and i < first and after[i + 1] == state.after[i + 1]:
                # The items up to here are the old ones, bounded as they were.
                latest[: i + 1] = state.latest[: i + 1]
                after[: i + 1] = state.after[: i + 1]
                break
            windows, service, place = self._item(state.van, items[i])
            if place is None:
                latest[i] = _latest(windows, any_next - service)
                any_next, pause = latest[i], pause + service
            else:
                leg = self._dur(state.van, place, place_next)
                bound = min(located - leg - pause - service, any_next - service)
                latest[i] = _latest(windows, bound)
                located, place_next, pause, any_next = latest[i], place, 0, latest[i]
            after[i] = (located, place_next, pause, any_next)
        return latest, after

    # ---- places

    def place(
        self,
        j: int,
        state: RouteState,
        pos: int,
        windows: Sequence[TimeWindow] | None = None,
        preference: int | None = None,
    ) -> Place | None:
        """Job j at position pos of the route, if it fits: its start interval and cost.
        `places` passes what is the same for every position: the job's windows now and its
        preference cost on this route."""
        loc, service = self.location[j], self.service[j]
        windows = self.windows(j) if windows is None else windows
        if preference is None:
            preference = self._preference(j, state.van)
        dur, cost_of = self.dur_of[state.van], self.cost_of[state.van]
        prev = state.before[pos]
        assert loc is not None  # care problems carry matrices
        here = prev.place
        arrival = prev.left + prev.pause + (0 if here is None else dur[here][loc])
        earliest = _earliest(windows, max(prev.ready, arrival))
        if earliest is None:
            return None
        located, nxt, pause, any_next = state.after[pos]
        leg = 0 if nxt is None else dur[loc][nxt]
        latest = _latest(windows, min(located - leg - pause, any_next) - service)
        if latest < earliest:
            return None
        cost = preference
        if here is not None:
            cost += cost_of[here][loc] - (0 if nxt is None else cost_of[here][nxt])
        if nxt is not None:
            cost += cost_of[loc][nxt]
        push = self._pushed(state, pos, earliest + service, loc) if self.soft else 0
        cost += self.late_cost(j, earliest) + push
        return Place(state.van, pos, earliest, latest, cost, push)

    def _preference(self, j: int, van: int) -> int:
        job = self.problem.jobs[j]
        if job.preferred_vehicles and self.problem.vehicles[van].id not in job.preferred_vehicles:
            return job.preference_cost
        return 0

    def _pushed(self, state: RouteState, pos: int, departs: int, loc: int) -> int:
        """push_cost, with its most frequent answer first: the next item is a visit reached
        before it starts now, so nothing moves (its start is inside its windows while the
        route is feasible, so push_cost would stop there)."""
        if state.feasible and pos < len(state.items):
            nxt = state.items[pos]
            if isinstance(nxt, int) and (there := self.location[nxt]) is not None:
                arrives = departs + self.dur_of[state.van][loc][there]
                if arrives <= state.before[pos + 1].ready - self.service[nxt]:
                    return 0
        return self.push_cost(state, pos, departs, loc)

    def push_cost(self, state: RouteState, pos: int, departs: int, loc: int) -> int:
        """The lateness the items from `pos` on gain when a visit at `loc` leaving at `departs`
        goes before them; they keep their hard windows (see `latest`), soft ends are priced."""
        ready, left, where, pause, extra = departs, departs, loc, 0, 0
        dur, items, before = self.dur_of[state.van], state.items, state.before
        for k in range(pos, len(items)):
            item = items[k]
            place = None if isinstance(item, str) else self.location[item]
            if place is None:  # a break, taken where the caregiver is
                windows, service, _ = self._item(state.van, item)
                start = _earliest(windows, ready)
                if start is None:
                    return INF
                ready, pause = start + service, pause + service
                continue
            assert isinstance(item, int)
            service = self.service[item]
            start = _earliest(self.windows(item), max(ready, left + dur[where][place] + pause))
            if start is None:
                return INF
            old = before[k + 1].ready - service
            if start <= old:
                break  # from here on nothing moves
            per_s = self.per_s[item]
            if per_s > 0:
                due = self.due[item]
                extra += per_s * (max(0, start - due) - max(0, old - due))
            ready = left = start + service
            where, pause = place, 0
        return extra

    def places(self, j: int, vans: Sequence[int] | None = None) -> list[Place]:
        found = []
        allowed = self.vans[j]
        windows = self.windows(j)
        opening, closing = windows[0][0], windows[-1][1]
        # Before a position whose next item must start before this job could end, it cannot go.
        ends = opening + self.service[j]
        for van in allowed if vans is None else [v for v in vans if v in allowed]:
            state = self.routes[van]
            preference = self._preference(j, van)
            for pos in range(state.locked, len(state.items) + 1):
                if state.before[pos].ready > closing:
                    break  # later positions are later still
                if state.after[pos][3] < ends:
                    continue
                p = self.place(j, state, pos, windows, preference)
                if p is not None:
                    found.append(p)
        return found

    @property
    def placed(self) -> set[int]:
        return {i for s in self.routes for i in s.items if isinstance(i, int)}

    def pin(self, van: int, jobs: Sequence[int]) -> None:
        """Pinned jobs open the route in their order; nothing is placed before them."""
        state = self.routes[van]
        state.items[:0] = list(jobs)
        state.locked = len(jobs)
        self.refresh(state)

    def insert(self, j: int, p: Place, at: int | None = None) -> None:
        """Put job j at the place; `at` fixes its start (a sync part)."""
        if at is not None:
            self.fixed[j] = at
        state = self.routes[p.van]
        state.items.insert(p.pos, j)
        self.refresh(state, p.pos, p.pos + 1)

    def remove(self, j: int) -> None:
        self.remove_all({j})

    def remove_all(self, jobs: Collection[int]) -> None:
        """Take the jobs out, each route timed again once (a ruin takes out a dozen)."""
        for state in self.routes:
            gone = [k for k, i in enumerate(state.items) if i in jobs]
            if gone:
                state.items = [i for i in state.items if i not in jobs]
                self.refresh(state, gone[0], gone[-1] + 1 - len(gone))
        for j in jobs:
            self.fixed.pop(j, None)

    @contextmanager
    def trying(self, j: int, p: Place, at: int) -> Iterator[None]:
        """Job j at the place, starting at `at`, inside the with block only: the route as it
        was comes back after, without timing it again."""
        kept = self.routes[p.van].copy()
        self.insert(j, p, at)
        try:
            yield
        finally:
            self.routes[p.van] = kept
            self.fixed.pop(j, None)

    def job_routes(self) -> dict[int, list[int]]:
        return job_routes(self.routes)

    # ---- snapshots and cost

    def start_of(self, state: RouteState, i: int) -> int:
        """When item i of the route starts: its departure less its duration."""
        item = state.items[i]
        if isinstance(item, str):
            return state.before[i + 1].ready - self.breaks_of[state.van][item].service
        return state.before[i + 1].ready - self.service[item]

    def snapshot(self) -> Snapshot:
        return [r.copy() for r in self.routes], dict(self.fixed)

    def restore(self, snap: Snapshot) -> None:
        routes, fixed = snap
        self.routes, self.fixed = [r.copy() for r in routes], dict(fixed)

    def route_cost(self, state: RouteState) -> tuple[int, int, int]:
        """(travel, fixed, preference and lateness cost; working day; the price of its latest
        visit's lateness) of a route, 0 when it is empty."""
        if state.priced is None:
            state.priced = self._priced(state)
        return state.priced

    def _priced(self, state: RouteState) -> tuple[int, int, int]:
        jobs = [i for i in state.items if isinstance(i, int)]
        if not jobs:
            return 0, 0, 0
        v = self.problem.vehicles[state.van]
        cost, here = v.fixed_cost, v.start_index
        first_leg = self._dur(state.van, here, self.problem.jobs[jobs[0]].location_index)
        for j in jobs:
            job = self.problem.jobs[j]
            cost += self._cost(state.van, here, job.location_index)
            here = job.location_index
            if job.preferred_vehicles and v.id not in job.preferred_vehicles:
                cost += job.preference_cost
        cost += self._cost(state.van, here, v.end_index)
        late = [
            self.late_cost(item, self.start_of(state, i))
            for i, item in enumerate(state.items)
            if isinstance(item, int)
        ]
        first = next(k for k, i in enumerate(state.items) if isinstance(i, int))
        begins = self.start_of(state, first) - first_leg if first == 0 else state.before[0].ready
        return cost + sum(late), state.end - begins, max(late)

    def cost(self) -> int:
        """What the objective counts for the routes: travel, fixed, preference, lateness and
        balance, and the latest visit's lateness once more (WORST_LATE)."""
        totals = [self.route_cost(r) for r in self.routes]
        longest = max((span for _, span, _ in totals), default=0)
        worst = max((w for _, _, w in totals), default=0)
        balance = self.problem.objective.balance_weight * longest
        return sum(c for c, _, _ in totals) + balance + WORST_LATE * worst
