"""Recording events: the event row and its outbox rows, in the caller's transaction.

Every change that others must react to calls `record_event` inside the same session (and so
the same transaction) as the change itself. The relay in `workers` later moves outbox rows to
the queue, so the queue being down loses nothing. The event key makes the effect idempotent:
recording the same key twice returns the first event and writes nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlmodel import Session

from scheduler.models import Event, EventKind, Outbox, OutboxTask, Service
from scheduler.repositories.events import event_by_key


def record_event(
    session: Session,
    *,
    municipality_id: int,
    kind: EventKind,
    key: str,
    payload: Mapping[str, object] | None = None,
    day: date | None = None,
    service: Service | None = None,
    actor: str = "system",
    tasks: list[tuple[OutboxTask, Mapping[str, object]]] | None = None,
) -> tuple[Event, bool]:
    """Store an event (and one outbox row per task) unless its key was seen; (event, is_new)."""
    existing = event_by_key(municipality_id, key, session=session)
    if existing is not None:
        return existing, False
    event = Event(
        municipality_id=municipality_id,
        event_key=key,
        kind=kind,
        day=day,
        service=service,
        payload=dict(payload or {}),
        actor=actor,
    )
    session.add(event)
    session.flush()
    assert event.id is not None
    for task, args in tasks or []:
        session.add(
            Outbox(
                municipality_id=municipality_id,
                event_id=event.id,
                task=task,
                args={**args, "event_id": event.id},
            )
        )
    session.flush()
    return event, True
