"""Home-care visits of a day: recurring visit plans to the day's visits, and the care freeze.

A visit plan gives a visit on its weekdays from `valid_from` to `valid_until` (inclusive), while
its client is active, on dates the municipality works: public holidays have no visits unless a
`DateOverride` says the municipality works that date (the same calendar as the meals, so one
list of overrides serves both services). `visit_dates` is the pure rule; `generate_visits`
applies it to one date and writes the missing visits. Running it again adds nothing, never
revives a visit that was cancelled, and never rewrites a visit already generated (changes on
the day go through `scheduler.intake.visit_requests`, which records them as events).

A plan's `after_visit` becomes the day's visit of that earlier plan, so that planning can keep
the gap between the two; when the earlier plan gives no visit that day the link is dropped.

The freeze of home care (`collect_visits`, `stored_visits`) is registered with the meal freeze
in `scheduler.intake.cutoff`, so the cut-off, re-freezes and plan requests work the same way
for both.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date, timedelta

from sqlmodel import Session

from scheduler.intake.calendar import parse_weekdays
from scheduler.intake.delivery_days import DeliveryCalendar, delivery_calendar
from scheduler.models import FrozenVisit, Service, Visit, VisitPlan, VisitStatus
from scheduler.repositories.care import visit_plans_for_day
from scheduler.repositories.clients import active_client_ids
from scheduler.repositories.freezes import frozen_visits
from scheduler.repositories.tenancy import get_municipality
from scheduler.repositories.visits import day_visits, visits_by_ids

SERVICE = Service.care


def plan_gives_visit(plan: VisitPlan, calendar: DeliveryCalendar, day: date) -> bool:
    """Whether the plan calls for a visit on `day` (the client's status aside)."""
    if plan.valid_from is not None and day < plan.valid_from:
        return False
    if plan.valid_until is not None and day > plan.valid_until:
        return False
    if day.weekday() not in parse_weekdays(plan.weekdays):
        return False
    return calendar.delivers(day)


def visit_dates(
    plan: VisitPlan, calendar: DeliveryCalendar, start: date, end: date
) -> Iterator[date]:
    """Every date from `start` to `end` inclusive on which the plan gives a visit."""
    day = start
    while day <= end:
        if plan_gives_visit(plan, calendar, day):
            yield day
        day += timedelta(days=1)


def generate_visits(municipality_id: int, day: date, *, session: Session) -> list[Visit]:
    """Write the plan visits of `day` that do not exist yet; returns the new ones."""
    calendar = delivery_calendar(session, get_municipality(municipality_id, session=session))
    if not calendar.delivers(day):
        return []
    plans = [
        p
        for p in visit_plans_for_day(municipality_id, day, session=session)
        if plan_gives_visit(p, calendar, day)
    ]
    active = active_client_ids(municipality_id, {p.client_id for p in plans}, session=session)
    existing = {v.visit_plan_id: v for v in day_visits(municipality_id, day, session=session)}
    created = [
        _visit_from_plan(plan, day)
        for plan in plans
        if plan.client_id in active and plan.id not in existing
    ]
    session.add_all(created)
    session.flush()
    by_plan = {**existing, **{v.visit_plan_id: v for v in created}}
    plan_of = {p.id: p for p in plans}
    for visit in created:
        after = plan_of[visit.visit_plan_id].after_visit_id
        earlier = by_plan.get(after) if after is not None else None
        if earlier is not None and earlier.status != VisitStatus.cancelled:
            visit.after_visit_id = earlier.id
            session.add(visit)
        else:
            visit.min_gap_min = visit.max_gap_min = None  # the gap means nothing alone
    session.flush()
    return created


def _visit_from_plan(plan: VisitPlan, day: date) -> Visit:
    return Visit(
        municipality_id=plan.municipality_id,
        external_id=plan.external_id,
        visit_plan_id=plan.id,
        client_id=plan.client_id,
        day=day,
        window_start=plan.window_start,
        window_end=plan.window_end,
        duration_min=plan.duration_min,
        skills=list(plan.skills),
        caregivers_needed=plan.caregivers_needed,
        preferred_caregivers=list(plan.preferred_caregivers),
        min_gap_min=plan.min_gap_min,
        max_gap_min=plan.max_gap_min,
        tasks=plan.tasks,
    )


def visits_of_day(
    municipality_id: int, day: date, *, session: Session, include_cancelled: bool = False
) -> list[Visit]:
    """The day's visits by external id (plan visits are generated first)."""
    generate_visits(municipality_id, day, session=session)
    rows = day_visits(municipality_id, day, session=session)
    return [v for v in rows if include_cancelled or v.status != VisitStatus.cancelled]


# --- the care freeze ------------------------------------------------------------------------


def fingerprint(visit: Visit) -> str:
    """A digest of everything planning reads from a visit (not its status: a check-in is
    reported on the plan, it does not change what is to be planned)."""
    facts = [
        visit.client_id,
        visit.window_start.isoformat(),
        visit.window_end.isoformat(),
        visit.duration_min,
        sorted(visit.skills),
        visit.caregivers_needed,
        list(visit.preferred_caregivers),
        visit.after_visit_id,
        visit.min_gap_min,
        visit.max_gap_min,
        visit.carries_meal,
        visit.tasks,
    ]
    return hashlib.sha256(json.dumps(facts).encode()).hexdigest()


def collect_visits(session: Session, municipality_id: int, day: date) -> list[FrozenVisit]:
    """The day's live visits as (unsaved) frozen rows, generating plan visits first."""
    return [
        FrozenVisit(
            municipality_id=municipality_id,
            freeze_id=0,
            visit_id=v.id or 0,  # flushed rows always have an id
            client_id=v.client_id,
            fingerprint=fingerprint(v),
        )
        for v in visits_of_day(municipality_id, day, session=session)
    ]


def stored_visits(session: Session, municipality_id: int, freeze_id: int) -> list[FrozenVisit]:
    """The visits a freeze holds, by visit id (the shape cutoff.STORED asks for)."""
    return frozen_visits(municipality_id, freeze_id, session=session)


def frozen_day_visits(municipality_id: int, freeze_id: int, *, session: Session) -> list[Visit]:
    """The visits of a freeze as they stand now, by external id; cancelled ones left out."""
    ids = [r.visit_id for r in stored_visits(session, municipality_id, freeze_id)]
    rows = visits_by_ids(municipality_id, ids, session=session)
    return [v for v in rows if v.status != VisitStatus.cancelled]
