"""A municipality's own calendar: the dates it overrides (works on a holiday, or closes)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from scheduler.errors import NotFoundError
from scheduler.models import DateOverride


def date_overrides(municipality_id: int, *, session: Session) -> list[DateOverride]:
    return list(
        session.exec(
            select(DateOverride)
            .where(DateOverride.municipality_id == municipality_id)
            .order_by(col(DateOverride.day))
        )
    )


def set_date_override(
    municipality_id: int, day: date, delivers: bool, note: str, *, session: Session
) -> DateOverride:
    """The municipality delivers on `day` (a holiday it works) or does not (a day it closes)."""
    query = select(DateOverride).where(
        DateOverride.municipality_id == municipality_id, DateOverride.day == day
    )
    row = session.exec(query).first() or DateOverride(
        municipality_id=municipality_id, day=day, delivers=delivers
    )
    row.delivers, row.note = delivers, note[:200]
    session.add(row)
    session.flush()
    return row


def delete_date_override(municipality_id: int, day: date, *, session: Session) -> DateOverride:
    query = select(DateOverride).where(
        DateOverride.municipality_id == municipality_id, DateOverride.day == day
    )
    row = session.exec(query).first()
    if row is None:
        raise NotFoundError("DateOverride", day.isoformat())
    session.delete(row)
    session.flush()
    return row
