"""The outbox: messages written with their change, waiting for the relay to queue them.

The relay serves the whole installation, so these functions span municipalities on purpose:
the order the relay keeps is the order rows were written, whatever municipality wrote them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from scheduler.models import Outbox


def undispatched(*, limit: int, session: Session) -> list[Outbox]:
    """Rows not yet on the queue, oldest first."""
    statement = select(Outbox).where(col(Outbox.dispatched_at).is_(None))
    return list(session.exec(statement.order_by(col(Outbox.id)).limit(limit)).all())


def count_undispatched(*, session: Session) -> int:
    statement = select(func.count()).select_from(Outbox)
    return int(session.exec(statement.where(col(Outbox.dispatched_at).is_(None))).one())


def mark_dispatched(row: Outbox, *, at: datetime, session: Session) -> None:
    row.dispatched_at = at
    session.add(row)


def note_failure(row: Outbox, error: str, *, session: Session) -> None:
    """Count a failed send and keep its error on the row (for the dispatcher and the logs)."""
    row.attempts += 1
    row.last_error = error[:500]
    session.add(row)


def add_row(
    municipality_id: int, event_id: int, task: str, args: dict[str, object], *, session: Session
) -> Outbox:
    """One more message for an event already recorded (a clock job run again); the task's
    claim on the event keeps its effect single, however many messages arrive."""
    row = Outbox(
        municipality_id=municipality_id,
        event_id=event_id,
        task=task,
        args={**args, "event_id": event_id},
    )
    session.add(row)
    session.flush()
    return row
