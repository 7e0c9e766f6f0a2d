"""An independent check of a solution against its problem: every hard constraint, from the matrices.

Nothing of the solver is used here (not its model, not schedule.py's timetable): each route is
walked step by step on the problem's own integer matrices, and every time the solution reports
is checked against what the travel before it allows and against the rules of the job, the break
and the vehicle. Tests judge the solver by this module, never by the solver's own word.

What the times must satisfy, as OR-Tools' model and FORMAT.md define them:
- a step is reached no earlier than the previous located step's departure plus the travel
  between them plus the breaks taken in between (a break may be taken during the travel);
- a job starts inside one of its windows (hard start), or after its last window when
  `late_cost_per_s > 0` (soft end); it departs no earlier than its start plus its service;
- a break starts inside one of its windows, after the previous step's departure, and ends before
  the next step starts; a used vehicle that shows no break step for a break must be able to
  take it off duty, before its start or after its end;
- sync groups are served all or none; `simultaneous` jobs start at the same second on different
  vehicles; `sequential` ones start between `min_gap` and `max_gap` after the previous order;
  a job that `follows` another starts between that link's gaps after it, and the two are served
  both or neither (reported as `sync`, the rule a dispatcher set).

`validate` returns every violation it finds, each naming the constraint, the vehicle, job or
group, and what is wrong; an empty list is a valid plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from routing.problem import Break, Job, Problem, TimeWindow, Vehicle
from routing.solution import Route, Solution, Step
from routing.travel import with_matrices

# Constraints a plan must hold; `report` is the solution describing itself wrongly (a late count
# or summary that does not match its own steps), which no driver feels but a test should.
HARD = (
    "structure",
    "timing",
    "time_window",
    "capacity",
    "max_ride_time",
    "max_trips",
    "shift",
    "max_travel_time",
    "skills",
    "allowed_vehicles",
    "break",
    "sync",
    "pinned",
    "ordered",
)


@dataclass(frozen=True)
class Violation:
    constraint: str
    subject: str  # "vehicle v1", "job j3", "group g2"
    message: str

    @property
    def hard(self) -> bool:
        return self.constraint in HARD

    def __str__(self) -> str:
        return f"{self.constraint}: {self.subject}: {self.message}"


@dataclass(frozen=True)
class Served:
    """Where and when a job was served, as the solution says."""

    vehicle: str
    start: int


def validate(problem: Problem, solution: Solution) -> list[Violation]:
    """Every violation of the problem's constraints by the solution (empty: a valid plan)."""
    problem = with_matrices(problem)
    out: list[Violation] = []
    served: dict[str, Served] = {}
    seen_vehicles: set[str] = set()
    known = {v.id: v for v in problem.vehicles}
    jobs = {j.id: j for j in problem.jobs}
    for route in solution.routes:
        vehicle = known.get(route.vehicle)
        if vehicle is None or route.vehicle in seen_vehicles:
            what = "is unknown" if vehicle is None else "has two routes"
            out.append(Violation("structure", f"vehicle {route.vehicle}", what))
            continue
        seen_vehicles.add(route.vehicle)
        out += RouteCheck(problem, jobs, vehicle, route, served).run()
    out += _check_cover(problem, solution, served)
    out += _check_sync(problem, served)
    out += _check_follows(problem, served)
    out += _check_pinned(problem, solution, served)
    out += _check_ordered(problem, solution, served)
    out += _check_summary(solution)
    return out


def hard_violations(problem: Problem, solution: Solution) -> list[Violation]:
    return [v for v in validate(problem, solution) if v.hard]


def _in_windows(t: int, windows: Sequence[TimeWindow]) -> bool:
    return any(lo <= t <= hi for lo, hi in windows)


@dataclass
class RouteCheck:
    """One walk along one route, collecting what it breaks."""

    problem: Problem
    jobs: dict[str, Job]
    vehicle: Vehicle
    route: Route
    served: dict[str, Served]
    out: list[Violation] = field(default_factory=list)
    loc: int | None = None
    ready: int = 0  # when the vehicle may next do something: last departure or break end
    departed: int = 0  # last departure from a located step (travel counts from here)
    breaks_since: int = 0  # seconds of breaks since that departure
    trip_departure: int = 0
    trips: int = 1
    trip_load: list[int] = field(default_factory=list)
    travel: int = 0
    taken: set[str] = field(default_factory=set)

    def fail(self, constraint: str, message: str, subject: str | None = None) -> None:
        self.out.append(Violation(constraint, subject or f"vehicle {self.vehicle.id}", message))

    def run(self) -> list[Violation]:
        steps = self.route.steps
        if not steps or steps[0].type != "start" or steps[-1].type != "end":
            self.fail("structure", "a route must open with a start step and close with an end")
            return self.out
        self.durations = self.problem.matrices_for(self.vehicle.profile).durations
        self.trip_load = [0] * self.problem.dimensions
        for k, step in enumerate(steps):
            if step.type in ("start", "end") and k not in (0, len(steps) - 1):
                self.fail("structure", f"step {k}: a {step.type} step inside the route")
                continue
            getattr(self, f"_{step.type}")(step)
        self._close_trip()
        self._check_breaks_off_duty(steps[0], steps[-1])
        return self.out

    # ---- travel between located steps

    def _reach(self, step: Step, loc: int | None, what: str) -> None:
        """Check the arrival at a located step against the travel (and breaks) before it."""
        leg = 0 if loc is None or self.loc is None else self.durations[self.loc][loc]
        self.travel += leg
        earliest = self.departed + leg + self.breaks_since
        if step.arrival < earliest:
            self.fail("timing", f"{what} reached at {step.arrival}, earliest {earliest}")
        begin = step.start if step.start is not None else step.arrival
        if begin < self.ready:
            self.fail("timing", f"{what} begins at {begin}, before a break ends at {self.ready}")
        if step.start is not None and step.start < step.arrival:
            self.fail("timing", f"{what} starts at {step.start}, before arriving {step.arrival}")
        self.loc = self.loc if loc is None else loc
        self.breaks_since = 0

    def _leave(self, departure: int) -> None:
        self.departed = self.ready = departure

    # ---- step types

    def _start(self, step: Step) -> None:
        self.loc = self.vehicle.start_index
        opens, _ = self.vehicle.time_window or (None, None)
        if opens is not None and step.arrival < opens:
            self.fail("shift", f"starts at {step.arrival}, before the shift opens at {opens}")
        departure = step.departure if step.departure is not None else step.arrival
        self._leave(departure)
        self.trip_departure = departure

    def _job(self, step: Step) -> None:
        assert step.id is not None and step.start is not None  # Step checks this
        job = self.jobs.get(step.id)
        subject = f"job {step.id}"
        if job is None or step.id in self.served:
            what = "is unknown" if job is None else "is served twice"
            self.fail("structure", what, subject)
            return
        self.served[step.id] = Served(self.vehicle.id, step.start)
        self._reach(step, job.location_index, subject)
        self._job_rules(job, step)
        departure = step.departure if step.departure is not None else step.start + job.service
        if departure < step.start + job.service:
            self.fail("timing", f"departs at {departure}, before its service ends", subject)
        for d, amount in enumerate(job.delivery):
            self.trip_load[d] += amount
        self._leave(departure)

    def _job_rules(self, job: Job, step: Step) -> None:
        assert step.start is not None
        subject, v = f"job {job.id}", self.vehicle
        if not job.skills <= v.skills:
            missing = sorted(job.skills - v.skills)
            self.fail("skills", f"vehicle {v.id} lacks {missing}", subject)
        if job.allowed_vehicles is not None and v.id not in job.allowed_vehicles:
            self.fail("allowed_vehicles", f"vehicle {v.id} is not allowed", subject)
        self._window(job, step.start)
        ride = step.start - self.trip_departure
        if job.max_ride_time is not None and ride > job.max_ride_time:
            self.fail("max_ride_time", f"{ride} s after leaving, over {job.max_ride_time}", subject)
        late = max(0, step.start - job.time_windows[-1][1]) if job.time_windows else 0
        if step.late is not None and step.late != late:
            self.fail("report", f"says {step.late} s late, is {late}", subject)

    def _window(self, job: Job, start: int) -> None:
        windows = job.time_windows
        if not windows or _in_windows(start, windows):
            return
        if job.late_cost_per_s > 0 and start > windows[-1][1]:
            return  # the soft end: late, at a cost
        self.fail("time_window", f"starts at {start}, outside {list(windows)}", f"job {job.id}")

    def _break(self, step: Step) -> None:
        assert step.id is not None and step.start is not None
        brk = next((b for b in self.vehicle.breaks if b.id == step.id), None)
        if brk is None or step.id in self.taken:
            what = "is not a break of this vehicle" if brk is None else "is taken twice"
            self.fail("break", f"break {step.id} {what}")
            return
        self.taken.add(step.id)
        if not _in_windows(step.start, brk.time_windows):
            self.fail("break", f"break {brk.id} at {step.start}, outside {list(brk.time_windows)}")
        if step.start < self.ready:
            self.fail("break", f"break {brk.id} at {step.start}, before {self.ready}")
        end = max(step.start, self.ready) + brk.service
        if step.departure is not None and step.departure < end:
            self.fail("break", f"break {brk.id} ends at {step.departure}, shorter than its service")
        self.ready = end
        self.breaks_since += brk.service

    def _reload(self, step: Step) -> None:
        self._reach(step, self.vehicle.start_index, "reload")
        self._close_trip()
        self.trips += 1
        departure = step.departure if step.departure is not None else step.arrival
        if departure < step.arrival + self.vehicle.reload_time:
            self.fail("timing", f"reload leaves at {departure}, before loading ends")
        self._leave(departure)
        self.trip_departure = departure

    def _end(self, step: Step) -> None:
        self._reach(step, self.vehicle.end_index, "end")
        _, closes = self.vehicle.time_window or (None, None)
        if closes is not None and step.arrival > closes:
            self.fail("shift", f"ends at {step.arrival}, after the shift closes at {closes}")
        limit = self.vehicle.max_travel_time
        if limit is not None and self.travel > limit:
            self.fail("max_travel_time", f"travels {self.travel} s, over {limit}")
        if self.trips > self.vehicle.max_trips:
            self.fail("max_trips", f"{self.trips} trips, over {self.vehicle.max_trips}")

    def _close_trip(self) -> None:
        for d, (load, cap) in enumerate(zip(self.trip_load, self.vehicle.capacity, strict=False)):
            if load > cap:
                self.fail("capacity", f"trip {self.trips} carries {load} in dimension {d}, {cap}")
        self.trip_load = [0] * self.problem.dimensions

    def _check_breaks_off_duty(self, first: Step, last: Step) -> None:
        """A break without a step must fit before the start or after the end of a used route."""
        if not self.route.job_ids:
            return
        begins = first.departure if first.departure is not None else first.arrival
        for brk in self.vehicle.breaks:
            if brk.id not in self.taken and not _fits_off_duty(brk, begins, last.arrival):
                self.fail("break", f"break {brk.id} is neither in the route nor off duty")


def _fits_off_duty(brk: Break, begins: int, ends: int) -> bool:
    return any(lo + brk.service <= begins or hi >= ends for lo, hi in brk.time_windows)


def _check_cover(
    problem: Problem, solution: Solution, served: dict[str, Served]
) -> list[Violation]:
    """Every job is either in a route or listed as unassigned, never both, never twice."""
    out = []
    listed: set[str] = set()
    for u in solution.unassigned:
        if u.id in served or u.id in listed:
            out.append(Violation("structure", f"job {u.id}", "unassigned but served or listed"))
        listed.add(u.id)
    for job in problem.jobs:
        if job.id not in served and job.id not in listed:
            out.append(Violation("structure", f"job {job.id}", "neither served nor unassigned"))
    return out


def _check_sync(problem: Problem, served: dict[str, Served]) -> list[Violation]:
    groups: dict[str, list[Job]] = {}
    for job in problem.jobs:
        if job.sync is not None:
            groups.setdefault(job.sync.group, []).append(job)
    out = []
    for group, jobs in groups.items():
        done = [j for j in jobs if j.id in served]
        subject = f"group {group}"
        if done and len(done) < len(jobs):
            missing = [j.id for j in jobs if j.id not in served]
            out.append(Violation("sync", subject, f"served in part: {missing} left out"))
        elif done and jobs[0].sync is not None and jobs[0].sync.type == "simultaneous":
            out += _simultaneous(subject, [served[j.id] for j in done])
        elif done:
            out += _sequential(subject, done, served)
    return out


def _simultaneous(subject: str, visits: list[Served]) -> list[Violation]:
    out = []
    starts = sorted({s.start for s in visits})
    if len(starts) > 1:
        out.append(Violation("sync", subject, f"starts at different seconds: {starts}"))
    vehicles = [s.vehicle for s in visits]
    if len(set(vehicles)) < len(vehicles):
        out.append(Violation("sync", subject, f"one vehicle serves two parts: {sorted(vehicles)}"))
    return out


def _sequential(subject: str, jobs: list[Job], served: dict[str, Served]) -> list[Violation]:
    ordered = sorted(jobs, key=lambda j: j.sync.order if j.sync and j.sync.order else 0)
    gaps = [j.sync for j in jobs if j.sync is not None]
    low = next((s.min_gap for s in gaps if s.min_gap is not None), 0)
    high = next((s.max_gap for s in gaps if s.max_gap is not None), None)
    out = []
    for a, b in pairwise(ordered):
        gap = served[b.id].start - served[a.id].start
        if gap < low or (high is not None and gap > high):
            bound = f"[{low}, {'-' if high is None else high}]"
            out.append(Violation("sync", subject, f"{b.id} starts {gap} s after {a.id}, {bound}"))
    return out


def _check_follows(problem: Problem, served: dict[str, Served]) -> list[Violation]:
    out = []
    for job in problem.jobs:
        for link in job.follows:
            subject = f"job {job.id}"
            pair = (link.job in served, job.id in served)
            if pair[0] != pair[1]:
                gone = link.job if pair[1] else job.id
                what = f"follows {link.job}, but {gone} is left out"
                out.append(Violation("sync", subject, what))
            elif all(pair):
                gap = served[job.id].start - served[link.job].start
                if gap < link.min_gap or (link.max_gap is not None and gap > link.max_gap):
                    bound = f"[{link.min_gap}, {'-' if link.max_gap is None else link.max_gap}]"
                    what = f"starts {gap} s after {link.job}, {bound}"
                    out.append(Violation("sync", subject, what))
    return out


def _check_pinned(
    problem: Problem, solution: Solution, served: dict[str, Served]
) -> list[Violation]:
    """Served pinned jobs open their vehicle's route in the pinned order."""
    out = []
    for vid, pinned in problem.pinned.items():
        route = solution.route_of(vid)
        expected = [j for j in pinned if j in served]
        head = list(route.job_ids[: len(expected)]) if route else []
        if head != expected:
            out.append(Violation("pinned", f"vehicle {vid}", f"opens with {head}, not {expected}"))
    return out


def _check_ordered(
    problem: Problem, solution: Solution, served: dict[str, Served]
) -> list[Violation]:
    """Served ordered jobs ride on their vehicle, in the given order among themselves."""
    out = []
    for vid, ordered in problem.ordered.items():
        expected = [j for j in ordered if j in served]
        elsewhere = [j for j in expected if served[j].vehicle != vid]
        route = solution.route_of(vid)
        got = [j for j in route.job_ids if j in expected] if route else []
        if elsewhere or got != expected:
            what = f"serves {got} of {expected}" + (f"; {elsewhere} elsewhere" if elsewhere else "")
            out.append(Violation("ordered", f"vehicle {vid}", what))
    return out


def _check_summary(solution: Solution) -> list[Violation]:
    s, out = solution.summary, []
    late = sum(step.late or 0 for r in solution.routes for step in r.steps)
    for name, said, real in (
        ("unassigned", s.unassigned, len(solution.unassigned)),
        ("routes", s.routes, len(solution.routes)),
        ("late", s.late, late),
    ):
        if said != real:
            out.append(Violation("report", "summary", f"{name} says {said}, is {real}"))
    return out
