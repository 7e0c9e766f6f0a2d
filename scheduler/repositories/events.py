"""Events: claiming one for its effect, finding those a plan run has still to take in, and
the event log as staff read it (newest first); events found by their key (idempotence) or
by kind and date. Recording an event is scheduler/events.py's work, with its outbox rows.

An event is claimed (`processed_at` set) in the transaction of its effect, so the same
message twice changes nothing the second time. Which outbox tasks ask for a plan is the
planning's rule (`scheduler.planning.runs`); these functions take them as `asked_by`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from scheduler.models import Event, EventKind, Outbox, OutboxTask, Service
from scheduler.models.base import utcnow
from scheduler.repositories.common import find_owned


def get_event(municipality_id: int, event_id: int, *, session: Session) -> Event | None:
    return find_owned(Event, municipality_id, event_id, session=session)


def claim_event(municipality_id: int | None, event_id: int, *, session: Session) -> bool:
    """Mark the event processed unless it already was; the caller's commit makes it stick.

    A conditional UPDATE, so two deliveries of the same event racing on two workers cannot
    both win: on PostgreSQL the second waits for the first's row lock, then sees it taken.
    `municipality_id` is None only for a message that carries nothing but the event's id
    (the `event` task of a stop report); the id names one row of one municipality.
    """
    statement = update(Event).where(col(Event.id) == event_id, col(Event.processed_at).is_(None))
    if municipality_id is not None:
        statement = statement.where(col(Event.municipality_id) == municipality_id)
    return bool(session.exec(statement.values(processed_at=utcnow())).rowcount)


def pending_events(
    municipality_id: int,
    day: date,
    service: Service,
    *,
    asked_by: Collection[OutboxTask],
    session: Session,
) -> list[Event]:
    """The day's unprocessed events whose outbox row named one of the tasks `asked_by`."""
    asked = select(Outbox.event_id).where(
        Outbox.municipality_id == municipality_id, col(Outbox.task).in_(asked_by)
    )
    statement = (
        select(Event)
        .where(
            Event.municipality_id == municipality_id,
            Event.day == day,
            Event.service == service,
            col(Event.processed_at).is_(None),
            col(Event.id).in_(asked),
        )
        .order_by(col(Event.id))
    )
    return list(session.exec(statement).all())


def mark_processed(events: Sequence[Event], *, at: datetime, session: Session) -> None:
    for event in events:
        event.processed_at = at
    session.add_all(events)


def stale_days(
    *, asked_by: Collection[OutboxTask], before: datetime, session: Session
) -> list[tuple[int, date, Service]]:
    """(municipality, date, service) with events asked by `asked_by`, unprocessed since before
    `before`. Across municipalities on purpose: the clock sweeps the whole installation."""
    asked = select(Outbox.event_id).where(col(Outbox.task).in_(asked_by))
    statement = (
        select(col(Event.municipality_id), col(Event.day), col(Event.service))
        .where(
            col(Event.processed_at).is_(None),
            col(Event.day).is_not(None),
            col(Event.service).is_not(None),
            col(Event.occurred_at) < before,
            col(Event.id).in_(asked),
        )
        .group_by(col(Event.municipality_id), col(Event.day), col(Event.service))
    )
    return [(m, d, s) for m, d, s in session.exec(statement).all() if d and s]


def first_event_by(municipality_id: int, actor: str, *, session: Session) -> Event | None:
    statement = select(Event).where(Event.municipality_id == municipality_id, Event.actor == actor)
    return session.exec(statement.order_by(col(Event.id))).first()


def events_keyed(municipality_id: int, prefix: str, *, session: Session) -> list[Event]:
    """The municipality's events whose key starts with `prefix`."""
    statement = select(Event).where(
        Event.municipality_id == municipality_id, col(Event.event_key).startswith(prefix)
    )
    return list(session.exec(statement.order_by(col(Event.id))).all())


def select_events(
    municipality_id: int, *, day: date | None = None, kind: EventKind | None = None
) -> SelectOfScalar[Event]:
    """The municipality's events, newest first, optionally of one day or one kind."""
    query = select(Event).where(Event.municipality_id == municipality_id)
    if day:
        query = query.where(Event.day == day)
    if kind:
        query = query.where(Event.kind == kind)
    return query.order_by(col(Event.id).desc())


def event_by_key(municipality_id: int, key: str, *, session: Session) -> Event | None:
    return session.exec(
        select(Event).where(Event.municipality_id == municipality_id, Event.event_key == key)
    ).first()


def events_of_kind(
    municipality_id: int, kind: EventKind, day: date, *, session: Session
) -> list[Event]:
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
