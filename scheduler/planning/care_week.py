"""The caregiver's week: what the other days of the week say about planning one day of it.

Caregivers are rostered by the week. Planning a day (the first plan or any re-plan) reads the
latest plans of the other days of the same week (Monday to Sunday) for two things:
- continuity: the caregivers who visit a client on the other days are that client's preferred
  caregivers for the day, unless the visit names its own (the dispatcher's word comes first);
- weekly hours: the minutes a caregiver works on the other days come off their
  `max_week_minutes`, and the rest caps the day's working window.
`planning/week.py` plans the days of a week in order, so each day sees the days before it; a
re-plan of a later day (a sickness on Wednesday re-plans Thursday and Friday) sees them all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session

from scheduler.models import Service, StopKind
from scheduler.repositories.plans import latest_version, routes_of

WEEK = 7


@dataclass
class WeekFacts:
    carers: dict[int, Counter[str]] = field(default_factory=dict)  # client -> caregiver -> visits
    minutes: Counter[str] = field(default_factory=Counter)  # caregiver -> minutes worked

    def preferred(self, client_id: int) -> tuple[str, ...]:
        """The client's caregivers on the other days, most visits first."""
        found = self.carers.get(client_id)
        return tuple(who for who, _ in found.most_common()) if found else ()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_days(day: date) -> Iterator[date]:
    first = monday_of(day)
    return (first + timedelta(days=k) for k in range(WEEK))


def week_facts(municipality_id: int, day: date, *, session: Session) -> WeekFacts:
    """Continuity and minutes worked from the latest care plans of the week's other days."""
    facts = WeekFacts()
    for other in week_days(day):
        if other == day:
            continue
        version = latest_version(municipality_id, other, Service.care, session=session)
        if version is None or version.id is None:
            continue
        for route, stops in routes_of(municipality_id, version.id, session=session):
            visits = [s for s in stops if s.kind == StopKind.job and s.client_id is not None]
            if not visits:
                continue
            facts.minutes[route.resource] += max(route.end_s - route.start_s, 0) // 60
            for stop in visits:
                facts.carers.setdefault(stop.client_id or 0, Counter())[route.resource] += 1
    return facts
