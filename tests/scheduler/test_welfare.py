"""Welfare alerts: what the stored alert says, and the escalation steps with a given clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.alerts import alert_text
from api.i18n import Translator
from scheduler.db import session_scope
from scheduler.intake.confirmations import DayRoute, Report, confirm_stop
from scheduler.models import Alert, AuditEntry, Client, Event, StopStatus, User
from scheduler.models.base import Role
from scheduler.repositories.clients import ClientIn, ClientUpdate, update_client, upsert_client
from scheduler.repositories.welfare import set_escalation
from scheduler.welfare import acknowledge, detail_of, escalate_due
from workers.lab.bench_welfare import DAY, Town, seed_town

AT = datetime(2026, 3, 4, 9, 42, tzinfo=UTC)  # 11:42 in Sofia


def _town(engine: Engine, stops: int = 1) -> Town:
    return seed_town(
        engine, dispatcher_ntfy="https://n.example/d", head_ntfy="https://n.example/h", stops=stops
    )


def _not_home(engine: Engine, town: Town, stop_id: int, key: str = "e1") -> Alert | None:
    with session_scope(engine) as session:
        report = Report(stop_id, StopStatus.not_home, key, AT)
        where = DayRoute(town.municipality_id, DAY, "meals", town.resource)
        confirm_stop(where, report, actor="phone", session=session)
        return session.exec(select(Alert).where(Alert.stop_id == stop_id)).first()


def test_the_alert_stores_time_van_driver_address_phone_and_contacts(sqlite_engine: Engine) -> None:
    town = _town(sqlite_engine)
    alert = _not_home(sqlite_engine, town, town.stop_ids[0])
    assert alert is not None and (alert.kind, alert.severity, alert.step) == (
        "welfare",
        "critical",
        0,
    )
    assert alert.message == ""  # no English sentence in the row
    detail = detail_of(alert)
    assert detail is not None
    assert (detail.at, detail.van, detail.driver) == (AT, "Van 1", "Petar Ivanov")
    assert (detail.client, detail.address, detail.phone) == (
        "Client 1",
        "ul. Roza 1",
        "+359888000001",
    )
    assert [(c.name, c.relation, c.phone) for c in detail.contacts] == [
        ("Maria 1", "daughter", "+359888110001")
    ]
    english = alert_text(alert, detail, Translator("en", "Europe/Sofia"))
    assert english.startswith("Client 1 did not open the door at 11:42.")
    for fact in ("Van 1", "Petar Ivanov", "ul. Roza 1", "+359888000001", "Maria 1 (daughter)"):
        assert fact in english
    bulgarian = alert_text(alert, detail, Translator("bg", "Europe/Sofia"))
    assert "не отвори" in bulgarian and "11:42" in bulgarian
    slovenian = alert_text(alert, detail, Translator("sl", "Europe/Ljubljana"))
    assert "ni odprl" in slovenian and "10:42" in slovenian  # the reader's zone


def test_check_on_me_follows_living_alone_unless_set(sqlite_engine: Engine) -> None:
    town = _town(sqlite_engine)
    mid = town.municipality_id
    with session_scope(sqlite_engine) as session:
        base = {"lon": 27.9, "lat": 43.2}
        alone, _ = upsert_client(
            mid, ClientIn(external_id="A", name="A", lives_alone=True, **base), session=session
        )
        chose, _ = upsert_client(
            mid,
            ClientIn(external_id="B", name="B", lives_alone=True, check_on_me=False, **base),
            session=session,
        )
        other, _ = upsert_client(mid, ClientIn(external_id="C", name="C", **base), session=session)
        assert (alone.check_on_me, chose.check_on_me, other.check_on_me) == (True, False, False)
        # An import that says again "lives alone" leaves the choice made since alone.
        again, _ = upsert_client(
            mid, ClientIn(external_id="B", name="B", lives_alone=True, **base), session=session
        )
        assert again.check_on_me is False
        assert other.id is not None
        updated, _ = update_client(mid, other.id, ClientUpdate(check_on_me=True), session=session)
        assert updated.check_on_me is True


def test_no_welfare_alert_when_check_on_me_is_off(sqlite_engine: Engine) -> None:
    town = _town(sqlite_engine)
    with session_scope(sqlite_engine) as session:
        stop_client = session.exec(select(Client)).one()
        stop_client.check_on_me = False  # lives alone, but the family visits daily
        session.add(stop_client)
    assert _not_home(sqlite_engine, town, town.stop_ids[0]) is None


def _two_on_the_list(engine: Engine, town: Town) -> int:
    with session_scope(engine) as session:
        second = User(
            municipality_id=town.municipality_id,
            username="second",
            password_hash="-",
            role=Role.dispatcher,
        )
        session.add(second)
        session.flush()
        assert second.id is not None
        set_escalation(town.municipality_id, [town.head_id, second.id], 10, session=session)
        return second.id


def test_escalation_takes_each_step_once_when_its_minutes_pass(sqlite_engine: Engine) -> None:
    town = _town(sqlite_engine)
    _two_on_the_list(sqlite_engine, town)
    alert = _not_home(sqlite_engine, town, town.stop_ids[0])
    assert alert is not None and alert.step_at is not None and alert.id is not None
    t0 = alert.step_at

    def sweep(minutes: float) -> list[tuple[int, int]]:
        with session_scope(sqlite_engine) as session:
            return escalate_due(session, now=t0 + timedelta(minutes=minutes))

    assert sweep(9.9) == []
    assert sweep(10) == [(alert.id, 1)]
    assert sweep(10) == [] and sweep(19.9) == []  # the same step twice: nothing twice
    assert sweep(20) == [(alert.id, 2)]
    assert sweep(60) == []  # the list is exhausted; the alert stays open on the board
    with Session(sqlite_engine) as session:
        events = session.exec(
            select(Event.event_key).where(col(Event.kind).startswith("alert."))
        ).all()
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "escalate")).all()
    assert sorted(events) == [f"alert:{alert.id}:{n}" for n in (0, 1, 2)]
    assert [(a.detail["step"], a.detail["username"]) for a in audit] == [(1, "head"), (2, "second")]


def test_an_acknowledged_alert_does_not_escalate_and_needs_a_note(sqlite_engine: Engine) -> None:
    town = _town(sqlite_engine)
    alert = _not_home(sqlite_engine, town, town.stop_ids[0])
    assert alert is not None and alert.id is not None and alert.step_at is not None
    mid = town.municipality_id
    with session_scope(sqlite_engine) as session:
        try:
            acknowledge(mid, alert.id, note="  ", by="user:dispatcher", session=session)
            raise AssertionError("a welfare alert was taken without a note")
        except Exception as exc:  # InvalidInputError
            assert "note" in str(exc) or getattr(exc, "problems", None)
    with session_scope(sqlite_engine) as session:
        row, changed = acknowledge(
            mid, alert.id, note="reached by phone", by="user:dispatcher", session=session
        )
        assert changed and row.ack_note == "reached by phone"
    with session_scope(sqlite_engine) as session:
        assert escalate_due(session, now=alert.step_at + timedelta(hours=1)) == []
        _, again = acknowledge(mid, alert.id, note="later", by="user:head", session=session)
        assert again is False
