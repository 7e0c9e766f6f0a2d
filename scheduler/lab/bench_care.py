"""The home-care benchmark: a generated municipality's care day from freeze to stored plan.

Setup (not timed): a fresh SQLite database and the synthetic town (`CARE_BENCHMARK`: 40
caregivers) imported through the real import, with just enough visit plans that the first
working Monday from tomorrow has `visits` visits (300 by default). Timed: the freeze of that
day's visits and `plan_day` (build, solve, store the version), as the clock's cut-off and
the plan run do them. Reported: the times; late minutes; continuity (of the visits whose
client prefers caregivers on duty that day, the share one of them makes); what was left
unassigned and why; and every hard constraint the stored plan breaks, found by the routing
package's independent check (routing/validate.py) on the stored stops, not the solver's word.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

import routing
from routing.exchange import write_problem
from scheduler.db import session_scope
from scheduler.intake.calendar import local_today, parse_weekdays
from scheduler.intake.cutoff import freeze_day
from scheduler.intake.delivery_days import delivery_calendar
from scheduler.intake.visits import frozen_day_visits
from scheduler.lab import demo
from scheduler.lab.synthetic import CARE_BENCHMARK, TownSize, generate_town
from scheduler.models import Municipality, PlanVersion, Service, Unassigned
from scheduler.planning import plan_day
from scheduler.planning.care import build_care
from scheduler.planning.registry import BuiltProblem, PlanContext
from scheduler.repositories.plans import RouteRows, routes_of, unassigned_of
from scheduler.repositories.tenancy import get_municipality

Progress = Callable[[str], None]


@dataclass(frozen=True)
class CareBench:
    day: date
    visits: int  # visits of the day
    jobs: int  # routing jobs: a visit for two people is two
    two_person: int
    linked: int  # visits that follow another within a gap
    caregivers: int  # on duty that day
    time_limit_s: float
    freeze_s: float
    plan_s: float
    late_min: float
    preferred: int  # visits whose preferred caregivers include someone on duty
    continuity: float  # share of those made by a preferred caregiver
    unassigned: int  # visits (not jobs) left unassigned
    served: int  # visits on some caregiver's route
    reasons: dict[str, int] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)  # hard constraints broken
    travel_h: float = 0.0

    @property
    def total_s(self) -> float:
        return self.freeze_s + self.plan_s

    @property
    def meets_target(self) -> bool:
        """Under 30 s with every hard constraint held, by a plan that serves visits at all
        (leaving everything unassigned breaks no constraint, and is no plan)."""
        return self.total_s < 30 and not self.violations and self.served > 0


def bench_day(session: Session, municipality: Municipality, today: date | None = None) -> date:
    """The first Monday after `today` (default: the municipality's today) on which it works."""
    calendar = delivery_calendar(session, municipality)
    day = (today or local_today(municipality.timezone)) + timedelta(days=1)
    while day.weekday() != 0 or not calendar.delivers(day):
        day += timedelta(days=1)
    return day


def size_for(visits: int, seed: int, base: TownSize = CARE_BENCHMARK) -> TownSize:
    """The smallest number of visit plans (near enough) whose Mondays have `visits` visits."""
    plans = visits
    while True:
        size = replace(base, visits=plans)
        rows = generate_town(seed, size).rows["visits"]
        monday = sum(0 in parse_weekdays(r["weekdays"]) for r in rows)
        if monday >= visits:
            return size
        plans += max(1, (visits - monday) // 2)


def setup(folder: Path, size: TownSize, seed: int, note: Progress) -> tuple[demo.DemoRun, date]:
    run = demo.prepare_scratch_town(folder, size, seed, note, details=False)
    with session_scope(run.engine) as session:
        municipality = get_municipality(run.require_municipality(), session=session)
        return run, bench_day(session, municipality, run.today)


def run_care_bench(
    folder: Path,
    *,
    visits: int = 300,
    caregivers: int = CARE_BENCHMARK.caregivers,
    seed: int = 7,
    time_limit: float = 20.0,
    note: Progress = lambda _: None,
    problem_out: Path | None = None,
) -> CareBench:
    size = size_for(visits, seed, replace(CARE_BENCHMARK, caregivers=caregivers))
    note(f"{size.visits} visit plans give {visits}+ visits on a Monday")
    run, day = setup(folder, size, seed, note)
    mid = run.require_municipality()
    night_before = datetime.combine(day - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    with session_scope(run.engine) as session:
        started = time.perf_counter()
        freeze = freeze_day(mid, day, Service.care, session=session, reason="benchmark")
        frozen = time.perf_counter()
        version = plan_day(mid, day, Service.care, session=session, time_limit=time_limit,
                           reason="benchmark", now=night_before)  # fmt: skip
        session.commit()
        planned = time.perf_counter()
        note(f"{day}: {freeze.item_count} visits frozen and planned")
        municipality = get_municipality(mid, session=session)
        context = PlanContext(session, municipality, day, freeze, night_before)
        if problem_out is not None:  # the day as planned, for routing/lab/care_capacity.py
            write_problem(build_care(context).problem, problem_out)
        return _figures(context, version, time_limit, frozen - started, planned - frozen)


def _figures(
    ctx: PlanContext, version: PlanVersion, limit: float, freeze_s: float, plan_s: float
) -> CareBench:
    mid = ctx.municipality.id or 0
    assert version.id is not None and ctx.freeze.id is not None
    visits = frozen_day_visits(mid, ctx.freeze.id, session=ctx.session)
    built = build_care(ctx)
    routes = routes_of(mid, version.id, session=ctx.session)
    left = unassigned_of(mid, version.id, session=ctx.session)
    served = {s.visit_id: r.resource for r, stops in routes for s in stops if s.kind == "job"}
    on_duty = {v.id for v in built.problem.vehicles}
    wants = [v for v in visits if set(v.preferred_caregivers) & on_duty]
    kept = sum(served.get(v.id) in v.preferred_caregivers for v in wants)
    lost = {u.visit_id: u.reason for u in left}
    return CareBench(
        day=ctx.day, visits=len(visits), jobs=len(built.problem.jobs) + len(built.unroutable),
        two_person=sum(v.caregivers_needed > 1 for v in visits),
        linked=sum(v.after_visit_id is not None for v in visits),
        caregivers=len(built.problem.vehicles), time_limit_s=limit, freeze_s=freeze_s,
        plan_s=plan_s,
        late_min=sum(s.late_s for _, stops in routes for s in stops) / 60,
        preferred=len(wants), continuity=kept / len(wants) if wants else 1.0,
        unassigned=len(lost), served=len({v for v in served if v is not None}),
        reasons=dict(Counter(lost.values())),
        violations=hard_broken(built, routes, left, version),
        travel_h=sum(r.duration for r, _ in routes) / 3600,
    )  # fmt: skip


def stored_solution(
    routes: RouteRows, left: list[Unassigned], version: PlanVersion
) -> routing.Solution:
    """The stored version as a routing solution, to check what the database says."""
    out = []
    for route, stops in routes:
        steps = [
            routing.Step(
                type=s.kind,  # type: ignore[arg-type]
                arrival=s.arrival_s,
                departure=None if s.kind == "end" else s.departure_s,
                id=s.job_id if s.kind in ("job", "break") else None,
                start=s.start_s if s.kind in ("job", "break") else None,
                late=s.late_s if s.kind == "job" else None,
                trip=s.trip if s.kind == "job" else None,
            )
            for s in stops
        ]
        out.append(routing.Route(route.resource, tuple(steps), route.distance, route.duration))
    s = version.summary
    summary = routing.Summary(
        int(s.get("cost", 0)), int(s.get("distance", 0)), int(s.get("duration", 0)),
        int(s.get("late", 0)), len(out), int(s.get("unassigned", 0)),
        float(s.get("solve_time_s", 0.0)),
    )  # fmt: skip
    unassigned = tuple(routing.Unassigned(u.job_id, routing.Reason(u.reason)) for u in left)
    return routing.Solution(summary, tuple(out), unassigned)


def hard_broken(
    built: BuiltProblem, routes: RouteRows, left: list[Unassigned], version: PlanVersion
) -> list[str]:
    """Hard constraints the stored plan breaks (routing/validate.py), as sentences."""
    from routing.validate import hard_violations  # the routing package's own, independent check

    known = [u for u in left if u.job_id not in {k.job_id for k in built.unroutable}]
    solution = stored_solution(routes, known, version)
    return [str(v) for v in hard_violations(built.problem, solution)]


def markdown(r: CareBench, machine: str) -> str:
    """The benchmark's figures as a Markdown table row for docs/benchmarks.md."""
    reasons = ", ".join(f"{k} {n}" for k, n in sorted(r.reasons.items())) or "-"
    broken = len(r.violations)
    return (
        f"| {r.day} | {r.visits} visits ({r.two_person} for two, {r.linked} linked; "
        f"{r.jobs} jobs), {r.caregivers} caregivers | {r.time_limit_s:g} s | {r.freeze_s:.2f} s "
        f"| {r.plan_s:.1f} s | {r.total_s:.1f} s | {r.late_min:.0f} | "
        f"{r.continuity:.0%} of {r.preferred} | {r.served} | {r.unassigned} ({reasons}) | "
        f"{broken} | "
        f"{r.travel_h:.1f} h | {machine} |"
    )
