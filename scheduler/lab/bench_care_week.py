"""The care week benchmark: a generated municipality's week (Monday to Friday) planned day by
day as `planning/week.py` does, each day seeing the days before it.

Setup (not timed): the care benchmark's town (`bench_care.setup`: 40 caregivers, visit plans
giving `visits` visits on a Monday), every caregiver given a weekly limit. Timed: freezing and
planning the five days. Reported: visits and what was left unassigned, continuity (of the
recurring visits made on two days or more, the share the same caregiver made every day), the
longest and shortest week of a caregiver against the limit, and every hard constraint the
stored plans break by routing/validate.py's independent check.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from scheduler.db import session_scope
from scheduler.lab.bench_care import Progress, hard_broken, setup, size_for
from scheduler.lab.synthetic import CARE_BENCHMARK
from scheduler.models import Service
from scheduler.planning.care import build_care
from scheduler.planning.registry import PlanContext
from scheduler.planning.week import plan_week
from scheduler.repositories.care import list_caregivers
from scheduler.repositories.freezes import latest_freeze
from scheduler.repositories.plans import latest_version, routes_of, unassigned_of
from scheduler.repositories.tenancy import get_municipality
from scheduler.views.care_week import care_week


@dataclass(frozen=True)
class WeekBench:
    monday: date
    days: int  # days with visits
    visits: int  # visits of the week (a visit for two people counts once)
    caregivers: int
    time_limit_s: float  # per day
    total_s: float
    unassigned: int
    continuity: float | None
    longest_min: int
    shortest_min: int  # of caregivers who worked that week
    limit_min: int | None
    over_limit: int  # caregivers whose week is longer than their limit
    violations: int  # hard constraints broken, all days

    @property
    def unassigned_share(self) -> float:
        return self.unassigned / self.visits if self.visits else 0.0


def run_week_bench(
    folder: Path,
    *,
    visits: int = 300,
    caregivers: int = CARE_BENCHMARK.caregivers,
    seed: int = 7,
    time_limit: float = 9.0,
    week_limit_min: int | None = 40 * 60,
    note: Progress = lambda _: None,
) -> WeekBench:
    size = size_for(visits, seed, replace(CARE_BENCHMARK, caregivers=caregivers))
    run, monday = setup(folder, size, seed, note)
    mid = run.require_municipality()
    night_before = datetime.combine(monday - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    with session_scope(run.engine) as session:
        for carer in list_caregivers(mid, session=session):
            carer.max_week_minutes = week_limit_min
            session.add(carer)
        session.commit()
        started = time.perf_counter()
        plan_week(mid, monday, session=session, time_limit=time_limit, now=night_before,
                  note=lambda d, v: note(f"{d}: {'planned' if v else 'no visits'}"))  # fmt: skip
        total = time.perf_counter() - started
        return _figures(session, mid, monday, night_before, time_limit, total, week_limit_min)


def _figures(
    session: Session,
    mid: int,
    monday: date,
    night_before: datetime,
    limit: float,
    total: float,
    week_limit: int | None,
) -> WeekBench:
    week = care_week(mid, monday, session=session)
    town = get_municipality(mid, session=session)
    days = visits = broken = 0
    for day in week.days:
        version = latest_version(mid, day, Service.care, session=session)
        freeze = latest_freeze(mid, day, Service.care, session=session)
        if version is None or version.id is None or freeze is None:
            continue
        days += 1
        visits += freeze.item_count
        built = build_care(PlanContext(session, town, day, freeze, night_before))
        routes = routes_of(mid, version.id, session=session)
        left = unassigned_of(mid, version.id, session=session)
        broken += len(hard_broken(built, routes, left, version))
    worked = [c.total for c in week.caregivers if c.total]
    return WeekBench(
        monday=monday, days=days, visits=visits, caregivers=len(week.caregivers),
        time_limit_s=limit, total_s=total,
        unassigned=sum(week.unassigned), continuity=week.continuity,
        longest_min=max(worked, default=0), shortest_min=min(worked, default=0),
        limit_min=week_limit,
        over_limit=sum(1 for c in week.caregivers if c.limit and c.total > c.limit),
        violations=broken,
    )  # fmt: skip


def markdown(r: WeekBench, machine: str) -> str:
    """The figures as a Markdown table row for docs/benchmarks.md."""
    continuity = f"{r.continuity:.0%}" if r.continuity is not None else "-"
    return (
        f"| {r.monday} | {r.days} | {r.visits} | {r.caregivers} | {r.time_limit_s:g} s/day | "
        f"{r.total_s:.1f} s | {r.unassigned} ({r.unassigned_share:.1%}) | {continuity} | "
        f"{r.longest_min / 60:.1f} h / {r.shortest_min / 60:.1f} h | {r.over_limit} | "
        f"{r.violations} | {machine} |"
    )
