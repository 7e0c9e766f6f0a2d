"""How the day's work is shared between caregivers: the longest and the shortest working day.

A working day is a route's span, from leaving home to coming back, in the version the board
shows (the latest); caregivers with no visit that day are not counted, since the fairness
weight (planning/care.py) balances the days of those who work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from scheduler.models import Service, StopKind
from scheduler.repositories.care import list_caregivers
from scheduler.repositories.plans import latest_version, routes_of


@dataclass(frozen=True)
class WorkingDay:
    caregiver: str  # the caregiver's name (the route's resource when the caregiver is gone)
    minutes: int


@dataclass(frozen=True)
class Workload:
    longest: WorkingDay
    shortest: WorkingDay
    caregivers: int  # caregivers with at least one visit

    @property
    def spread_minutes(self) -> int:
        return self.longest.minutes - self.shortest.minutes


def care_workload(municipality_id: int, day: date, *, session: Session) -> Workload | None:
    """The longest and shortest working day of the latest care plan of `day`, or None when
    nothing is planned or nobody has a visit."""
    version = latest_version(municipality_id, day, Service.care, session=session)
    if version is None or version.id is None:
        return None
    names = {c.id: c.name for c in list_caregivers(municipality_id, session=session)}
    days = [
        WorkingDay(
            names.get(route.caregiver_id, route.resource), _minutes(route.end_s - route.start_s)
        )
        for route, stops in routes_of(municipality_id, version.id, session=session)
        if any(s.kind == StopKind.job for s in stops)
    ]
    if not days:
        return None
    by_length = sorted(days, key=lambda d: (d.minutes, d.caregiver))
    return Workload(longest=by_length[-1], shortest=by_length[0], caregivers=len(days))


def _minutes(seconds: int) -> int:
    return (max(seconds, 0) + 30) // 60
