"""The event log as staff read it: what happened in a municipality, newest first."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from scheduler.models import Event


def select_events(
    municipality_id: int, *, day: date | None = None, kind: str | None = None
) -> SelectOfScalar[Event]:
    """The municipality's events, newest first, optionally of one day or one kind."""
    query = select(Event).where(Event.municipality_id == municipality_id)
    if day:
        query = query.where(Event.day == day)
    if kind:
        query = query.where(Event.kind == kind)
    return query.order_by(col(Event.id).desc())
