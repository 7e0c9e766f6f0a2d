"""Timing a caregiver's route with its breaks: where each break goes, and the steps.

schedule.py times van routes and knows nothing of breaks; here a route of jobs gets its breaks
placed in the gap that serves it best: off duty (before the day starts or after it ends) when
the window allows, else between two visits (during the travel or the waiting, as OR-Tools'
break model allows), choosing the place that is least late and ends the day earliest.

Times are earliest starts, so jobs that care_solve.py fixed to one second (the parts of a
two-caregiver visit) start exactly then whenever the route can reach them in time. The day's
start is then moved as late as the first visit allows: a caregiver does not wait at a door.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from routing.problem import Break, Job, Problem, TimeWindow, Vehicle
from routing.solution import Reason, Route, Solution, Step, Summary, Unassigned

HORIZON = 10**12
OFF_BEFORE, OFF_AFTER = -1, -2  # break placements outside the route


@dataclass
class Timed:
    """A route's steps and what they cost, or `feasible=False`."""

    feasible: bool
    steps: list[Step] = field(default_factory=list)
    travel: int = 0
    distance: int = 0
    late: int = 0
    late_cost: int = 0

    @property
    def span(self) -> int:
        if not self.steps:
            return 0
        first = self.steps[0].departure or self.steps[0].arrival
        return self.steps[-1].arrival - first


def _earliest_in(windows: Sequence[TimeWindow], t: int) -> int | None:
    """The earliest time >= t inside one of the windows, or None."""
    for lo, hi in windows:
        if t <= hi:
            return max(t, lo)
    return None


def _job_start(job: Job, t: int) -> tuple[int, int] | None:
    """(start, seconds late) for a job that may start from t on; None if its window is past."""
    if not job.time_windows:
        return t, 0
    start = _earliest_in(job.time_windows, t)
    if start is not None:
        return start, 0
    if job.late_cost_per_s > 0:
        return t, t - job.time_windows[-1][1]
    return None


@dataclass
class _Walk:
    problem: Problem
    vehicle: Vehicle
    jobs: Sequence[Job]
    places: dict[str, int]  # break id -> gap index (before job k; len(jobs): before the end)

    def run(self) -> Timed:
        v = self.vehicle
        durations = self.problem.matrices_for(v.profile).durations
        distances = self.problem.matrices_for(v.profile).costs_distances
        opens, closes = v.time_window or (0, HORIZON)
        out = Timed(True)
        loc, departed = v.start_index, opens
        out.steps.append(Step("start", arrival=opens, departure=opens))
        for k in range(len(self.jobs) + 1):
            ready, pause = self._breaks_at(k, departed, out)
            if ready is None:
                return Timed(False)
            target = self.jobs[k].location_index if k < len(self.jobs) else v.end_index
            leg = 0 if loc is None or target is None else durations[loc][target]
            out.travel += leg
            out.distance += 0 if loc is None or target is None else distances[loc][target]
            arrival = departed + leg + pause
            if k == len(self.jobs):
                out.steps.append(Step("end", arrival=max(arrival, ready)))
                break
            job = self.jobs[k]
            timing = _job_start(job, max(arrival, ready))
            if timing is None:
                return Timed(False)
            start, late = timing
            out.late += late
            out.late_cost += late * job.late_cost_per_s
            departed = start + job.service
            out.steps.append(
                Step(
                    "job",
                    arrival=arrival,
                    departure=departed,
                    id=job.id,
                    start=start,
                    late=late,
                    trip=1,
                )
            )
            loc = target
        out.feasible = out.steps[-1].arrival <= closes
        _leave_late(out)
        out.feasible = out.feasible and self._off_duty_fits(out)
        return out

    def _breaks_at(self, k: int, departed: int, out: Timed) -> tuple[int | None, int]:
        """Take the breaks placed in gap k; (when the next step may begin, break seconds)."""
        ready, pause = departed, 0
        for brk in self.vehicle.breaks:
            if self.places.get(brk.id) != k:
                continue
            start = _earliest_in(brk.time_windows, ready)
            if start is None:
                return None, 0
            ready = start + brk.service
            pause += brk.service
            out.steps.append(Step("break", arrival=start, departure=ready, id=brk.id, start=start))
        return ready, pause

    def _off_duty_fits(self, out: Timed) -> bool:
        begins = out.steps[0].departure or out.steps[0].arrival
        ends = out.steps[-1].arrival
        for brk in self.vehicle.breaks:
            place = self.places.get(brk.id)
            if place == OFF_BEFORE and not _fits_before(brk, begins):
                return False
            if place == OFF_AFTER and not any(hi >= ends for _, hi in brk.time_windows):
                return False
        return True


def _fits_before(brk: Break, begins: int) -> bool:
    return any(lo + brk.service <= begins for lo, _ in brk.time_windows)


def _leave_late(out: Timed) -> None:
    """Start the day as late as the first visit allows (no break before it)."""
    if len(out.steps) < 3 or out.steps[1].type != "job":
        return
    first = out.steps[1]
    assert first.start is not None
    wait = first.start - first.arrival
    if wait > 0:
        start = out.steps[0]
        out.steps[0] = Step("start", arrival=start.arrival + wait, departure=start.arrival + wait)
        out.steps[1] = Step(
            "job",
            arrival=first.start,
            departure=first.departure,
            id=first.id,
            start=first.start,
            late=first.late,
            trip=1,
        )


def _rank(t: Timed) -> tuple[int, int, int]:
    return (t.late_cost, t.steps[-1].arrival, t.span)


def time_care_route(problem: Problem, vehicle: Vehicle, jobs: Sequence[Job]) -> Timed:
    """The best timing of the jobs in this order with the vehicle's breaks placed; breaks are
    placed one after the other, each in the best gap given those before it."""
    places: dict[str, int] = {}
    best = _Walk(problem, vehicle, jobs, places).run() if not vehicle.breaks else None
    for brk in sorted(vehicle.breaks, key=lambda b: b.time_windows[0][0]):
        options = [OFF_BEFORE, OFF_AFTER, *range(len(jobs) + 1)] if jobs else [OFF_AFTER]
        found: tuple[tuple[int, int, int], int, Timed] | None = None
        for place in options:
            trial = _Walk(problem, vehicle, jobs, {**places, brk.id: place}).run()
            if trial.feasible and (found is None or _rank(trial) < found[0]):
                found = (_rank(trial), place, trial)
        if found is None:
            return Timed(False)
        places[brk.id] = found[1]
        best = found[2]
    assert best is not None
    return best


def route_of(vehicle: Vehicle, timed: Timed) -> Route:
    return Route(
        vehicle=vehicle.id, steps=tuple(timed.steps), distance=timed.distance, duration=timed.travel
    )


def _route_cost(problem: Problem, vehicle: Vehicle, route: Route, late_cost: int) -> int:
    travel = route.distance if problem.objective.minimize == "distance" else route.duration
    jobs = {j.id: j for j in problem.jobs}
    preference = sum(
        jobs[jid].preference_cost
        for jid in route.job_ids
        if jobs[jid].preferred_vehicles and vehicle.id not in jobs[jid].preferred_vehicles
    )
    return travel + vehicle.fixed_cost + preference + late_cost


def span_of(route: Route) -> int:
    first = route.steps[0]
    return route.steps[-1].arrival - (first.departure or first.arrival)


def needs_care_timing(problem: Problem) -> bool:
    """Breaks need placing and steps, balance a cost: schedule.py does neither."""
    return problem.objective.balance_weight > 0 or any(v.breaks for v in problem.vehicles)


def retime_solution(
    problem: Problem, solution: Solution, *, timing: Problem | None = None
) -> Solution:
    """Every single-trip route re-timed with its breaks placed, timed on `timing` (the problem
    itself, or with sync parts fixed to their second) and costed on `problem`. A route that
    cannot be timed loses jobs from its end (a safety net) and they are listed as `shift`."""
    timing = timing or problem
    jobs = {j.id: j for j in timing.jobs}
    priced: list[tuple[Route, int]] = []
    dropped = []
    for route in solution.routes:
        vehicle = problem.vehicle(route.vehicle)
        if any(s.type == "reload" for s in route.steps):
            priced.append((route, 0))  # several trips: schedule.py's timing stands
            continue
        seq = [jobs[jid] for jid in route.job_ids]
        timed = time_care_route(timing, vehicle, seq)
        while not timed.feasible and seq:
            dropped.append(Unassigned(seq.pop().id, Reason.shift))
            timed = time_care_route(timing, vehicle, seq)
        if seq:
            route_timed = route_of(vehicle, timed)
            if timing is problem:
                priced.append((route_timed, timed.late_cost))
            else:
                priced.append(_late_on(problem, route_timed))
    unassigned = (*solution.unassigned, *dropped)
    return solution_of(problem, priced, unassigned, solution.summary.solve_time_s)


def _late_on(problem: Problem, route: Route) -> tuple[Route, int]:
    """The route's steps with their lateness against `problem`'s own windows, and its late
    cost: a sync part fixed to one second for timing may be past its soft end there."""
    jobs = {j.id: j for j in problem.jobs}
    steps, cost = [], 0
    for s in route.steps:
        job = jobs.get(s.id or "") if s.type == "job" else None
        if job is None or s.start is None or not job.time_windows:
            steps.append(s)
            continue
        late = max(0, s.start - job.time_windows[-1][1])
        cost += late * job.late_cost_per_s
        steps.append(replace(s, late=late))
    return replace(route, steps=tuple(steps)), cost


def solution_of(
    problem: Problem,
    priced: Sequence[tuple[Route, int]],
    unassigned: Sequence[Unassigned],
    seconds: float,
) -> Solution:
    """A solution of timed routes, each with its late cost; the summary counts the objective's
    terms: travel, fixed, preference and late costs, and balance on the longest day."""
    routes = [r for r, _ in priced]
    cost = sum(_route_cost(problem, problem.vehicle(r.vehicle), r, late) for r, late in priced)
    cost += problem.objective.balance_weight * max((span_of(r) for r in routes), default=0)
    summary = Summary(
        cost=cost,
        distance=sum(r.distance for r in routes),
        duration=sum(r.duration for r in routes),
        late=sum(s.late or 0 for r in routes for s in r.steps),
        routes=len(routes),
        unassigned=len(unassigned),
        solve_time_s=seconds,
    )
    return Solution(summary=summary, routes=tuple(routes), unassigned=tuple(unassigned))
