"""The window of days a municipality may plan, freeze and publish, around its own today.

One dispatcher's typo (or a script gone wrong) once froze, solved and published days between
the years 78 and 8005. Any plausible date (`models.fields.Day`) may be read; a plan, a freeze
or a publish is allowed only from `plan_days_back` days before the municipality's today to
`plan_days_ahead` days after it (settings), counted in its own time zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler.models import Municipality
from scheduler.refusals import Reason, refuse
from scheduler.settings import Settings


def local_today(municipality: Municipality, now: datetime | None = None) -> date:
    """Today's date where the municipality is."""
    moment = now if now is not None else datetime.now(UTC)
    return moment.astimezone(ZoneInfo(municipality.timezone)).date()


def plan_window(
    municipality: Municipality, settings: Settings, now: datetime | None = None
) -> tuple[date, date]:
    """The first and last day the municipality may plan, freeze or publish now."""
    today = local_today(municipality, now)
    return (
        today - timedelta(days=settings.plan_days_back),
        today + timedelta(days=settings.plan_days_ahead),
    )


def check_plan_day(
    municipality: Municipality,
    day: date,
    settings: Settings,
    *,
    field: str = "day",
    now: datetime | None = None,
) -> date:
    """`day` itself when it is inside the window; InvalidInputError naming `field` otherwise."""
    first, last = plan_window(municipality, settings, now)
    if not first <= day <= last:
        raise refuse(field, Reason.outside_planning_days, day=day, first=first, last=last)
    return day
