"""A municipality's own calendar: the dates it overrides (works on a holiday, or closes)."""

from __future__ import annotations

from sqlmodel import Session, select

from scheduler.models import DateOverride


def date_overrides(municipality_id: int, *, session: Session) -> list[DateOverride]:
    return list(
        session.exec(select(DateOverride).where(DateOverride.municipality_id == municipality_id))
    )
