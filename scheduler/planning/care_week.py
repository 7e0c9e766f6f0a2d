"""The caregiver's week: what the other days of the week say about planning one day of it.

Caregivers are rostered by the week. Planning a day (the first plan or any re-plan) reads the
latest plans of the other days of the same week (Monday to Sunday): the minutes a caregiver
works on those days come off their `max_week_minutes`, and the rest caps the day's working
window. Continuity across the days is not asked of the planner yet: tried as a preference for
the caregiver who made the same visit on the other days, it lowered continuity on the generated
week (66% of recurring visits kept by the same caregiver without it, 25% with it, one run
each), because the home-care search's ruin-and-recreate chases preferences across the whole
day (docs/benchmarks.md, "Care week").
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
    minutes: Counter[str] = field(default_factory=Counter)  # caregiver -> minutes worked


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_days(day: date) -> Iterator[date]:
    first = monday_of(day)
    return (first + timedelta(days=k) for k in range(WEEK))


def week_facts(municipality_id: int, day: date, *, session: Session) -> WeekFacts:
    """Minutes worked on the week's other days, from their latest care plans."""
    facts = WeekFacts()
    for other in week_days(day):
        if other == day:
            continue
        version = latest_version(municipality_id, other, Service.care, session=session)
        if version is None or version.id is None:
            continue
        for route, stops in routes_of(municipality_id, version.id, session=session):
            if any(s.kind == StopKind.job for s in stops):
                facts.minutes[route.resource] += max(route.end_s - route.start_s, 0) // 60
    return facts
