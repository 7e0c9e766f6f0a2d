"""The repositories of the event pipeline: events, the outbox, publications, alerts.

Each lookup by id answers only for its own municipality, like the other repositories; the
claim of an event and the outbox's reads are what keep the pipeline idempotent and ordered.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.alerts import AlertKind, raise_alert
from scheduler.events import record_event
from scheduler.models import Publication, PushTarget
from scheduler.models.base import utcnow
from scheduler.repositories import events, outbox, publications, tenancy

DAY = date(2025, 3, 3)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s
        s.rollback()


def _town(session: Session, name: str) -> int:
    town, _ = tenancy.ensure_municipality(name, session=session)
    assert town.id is not None
    return town.id


def _event(session: Session, town: int, key: str, task: str = "replan") -> int:
    args = {"municipality_id": town, "day": DAY.isoformat(), "service": "meals"}
    event, _ = record_event(
        session,
        municipality_id=town,
        kind="order.cancelled",
        key=key,
        day=DAY,
        service="meals",
        tasks=[(task, args)],
    )
    assert event.id is not None
    return event.id


def test_an_event_is_claimed_once_and_only_by_its_own_municipality(session: Session) -> None:
    a, b = _town(session, "Kazanlak"), _town(session, "Maribor")
    event_id = _event(session, a, "k1")
    assert not events.claim_event(b, event_id, session=session)
    assert events.claim_event(a, event_id, session=session)
    assert not events.claim_event(a, event_id, session=session)
    assert not events.claim_event(None, event_id, session=session)  # by id alone: taken too
    assert events.get_event(b, event_id, session=session) is None


def test_pending_events_are_the_days_unprocessed_plan_requests(session: Session) -> None:
    a, b = _town(session, "Kazanlak"), _town(session, "Maribor")
    first, second = _event(session, a, "k1"), _event(session, a, "k2")
    _event(session, a, "k3", task="event")  # asks for no plan
    _event(session, b, "k1")  # another municipality's
    pending = events.pending_events(a, DAY, "meals", asked_by=("replan",), session=session)
    assert [e.id for e in pending] == [first, second]
    events.mark_processed(pending[:1], at=utcnow(), session=session)
    again = events.pending_events(a, DAY, "meals", asked_by=("replan",), session=session)
    assert [e.id for e in again] == [second]


def test_stale_days_span_the_installation(session: Session) -> None:
    a, b = _town(session, "Kazanlak"), _town(session, "Maribor")
    for town in (a, b):
        _event(session, town, "k1")
    later = utcnow() + timedelta(minutes=5)
    stale = events.stale_days(asked_by=("replan",), before=later, session=session)
    assert sorted(stale) == sorted([(a, DAY, "meals"), (b, DAY, "meals")])
    assert (
        events.stale_days(
            asked_by=("replan",), before=utcnow() - timedelta(hours=1), session=session
        )
        == []
    )


def test_the_outbox_gives_rows_oldest_first_and_counts_what_waits(session: Session) -> None:
    a, b = _town(session, "Kazanlak"), _town(session, "Maribor")
    for town, key in ((a, "k1"), (b, "k1"), (a, "k2")):
        _event(session, town, key)
    rows = outbox.undispatched(limit=10, session=session)
    assert [r.id for r in rows] == sorted(r.id for r in rows if r.id is not None)
    assert [r.municipality_id for r in rows] == [a, b, a]
    outbox.note_failure(rows[0], "OperationalError: " + "x" * 600, session=session)
    assert (rows[0].attempts, len(rows[0].last_error)) == (1, 500)
    outbox.mark_dispatched(rows[0], at=utcnow(), session=session)
    session.flush()
    assert outbox.count_undispatched(session=session) == 2
    assert [r.id for r in outbox.undispatched(limit=1, session=session)] == [rows[1].id]


def test_publications_and_targets_are_found_only_in_their_municipality(session: Session) -> None:
    a, b = _town(session, "Kazanlak"), _town(session, "Maribor")
    target = publications.store_push_target(
        PushTarget(municipality_id=a, channel="ntfy", address="https://n.example/t"),
        session=session,
    )
    assert target.id is not None
    assert publications.get_push_target(b, target.id, session=session) is None
    found = publications.find_push_target(a, "ntfy", "https://n.example/t", session=session)
    assert found is target
    pub = publications.add_publication(
        a, Publication(municipality_id=0, channel="ntfy", target="t"), session=session
    )
    session.flush()
    assert pub.municipality_id == a and pub.id is not None
    assert publications.get_publication(b, pub.id, session=session) is None
    publications.record_attempt(pub, "failed", attempts=3, error="gone", session=session)
    assert publications.list_publications(a, session=session)[0].status == "failed"
    assert publications.list_publications(b, session=session) == []


def test_an_alerts_severity_follows_its_kind(session: Session) -> None:
    a = _town(session, "Kazanlak")
    welfare = raise_alert(session, a, AlertKind.welfare, "did not open the door")
    failed = raise_alert(session, a, AlertKind.plan_failed, "x" * 600)
    assert (welfare.kind, welfare.severity) == ("welfare", "critical")
    assert (failed.kind, failed.severity, len(failed.message)) == ("plan_failed", "error", 500)
