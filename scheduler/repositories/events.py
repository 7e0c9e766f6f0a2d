"""Events already recorded: found by their key (idempotence) or by kind and date.

Recording an event is scheduler/events.py's work, which writes its outbox rows with it.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from scheduler.models import Event


def event_by_key(municipality_id: int, key: str, *, session: Session) -> Event | None:
    return session.exec(
        select(Event).where(Event.municipality_id == municipality_id, Event.event_key == key)
    ).first()


def events_of_kind(municipality_id: int, kind: str, day: date, *, session: Session) -> list[Event]:
    """The events of `kind` about `day`, newest first."""
    return list(
        session.exec(
            select(Event)
            .where(
                Event.municipality_id == municipality_id,
                Event.kind == kind,
                Event.day == day,
            )
            .order_by(col(Event.id).desc())
        ).all()
    )
