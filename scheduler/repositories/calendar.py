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


def date_override(municipality_id: int, day: date, *, session: Session) -> DateOverride | None:
    query = select(DateOverride).where(
        DateOverride.municipality_id == municipality_id, DateOverride.day == day
    )
    return session.exec(query).first()


def set_date_override(
    municipality_id: int,
    day: date,
    delivers: bool,
    note: str,
    *,
    session: Session,
    deliver_before: bool = False,
) -> DateOverride:
    """The municipality delivers on `day` (a holiday it works) or does not (a day it closes),
    with `deliver_before` its meals ride on the eve (checked by scheduler/intake/date_overrides)."""
    row = date_override(municipality_id, day, session=session) or DateOverride(
        municipality_id=municipality_id, day=day, delivers=delivers
    )
    row.delivers, row.note, row.deliver_before = delivers, note[:200], deliver_before
    session.add(row)
    session.flush()
    return row


def delete_date_override(municipality_id: int, day: date, *, session: Session) -> DateOverride:
    row = date_override(municipality_id, day, session=session)
    if row is None:
        raise NotFoundError("DateOverride", day.isoformat())
    session.delete(row)
    session.flush()
    return row
