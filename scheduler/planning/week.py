"""A caregiver week planned at once: each day frozen and planned in order, Monday first, so
every day sees the plans of the days before it (planning/care_week.py says what it reads)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlmodel import Session

from scheduler.intake.cutoff import freeze_day
from scheduler.models import PlanVersion, Service
from scheduler.planning.care_week import week_days
from scheduler.planning.day import plan_day


def plan_week(
    municipality_id: int,
    day: date,
    *,
    session: Session,
    time_limit: float,
    now: datetime | None = None,
    note: Callable[[date, PlanVersion | None], None] = lambda _d, _v: None,
) -> list[PlanVersion]:
    """Freeze and plan each day of `day`'s week that has visits, Monday first, committing each
    day as it is stored (a long week shows its progress, and a failure keeps the days before)."""
    versions = []
    for each in week_days(day):
        freeze = freeze_day(municipality_id, each, Service.care, session=session, reason="week")
        if freeze.item_count == 0:
            session.commit()
            note(each, None)
            continue
        version = plan_day(municipality_id, each, Service.care, session=session,
                           time_limit=time_limit, reason="week", now=now)  # fmt: skip
        session.commit()
        versions.append(version)
        note(each, version)
    return versions
