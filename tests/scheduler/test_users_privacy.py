"""Users (argon2, tokens), and a client's export and erasure, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.models import AuditEntry, Client, EmergencyContact, MealOrder, Municipality, Role
from scheduler.privacy import erase_client, export_client
from scheduler.repositories.audit import list_audit
from scheduler.repositories.users import authenticate, create_user, issue_token, user_for_token


def _town(session: Session, name: str = "Kazanlak") -> int:
    town = Municipality(name=name)
    session.add(town)
    session.flush()
    assert town.id is not None
    return town.id


def test_password_is_hashed_and_checked(engine: Engine) -> None:
    with Session(engine) as session:
        mid = _town(session)
        user = create_user(
            mid, session=session, username="ana", password="s3cret-pass", role=Role.dispatcher
        )
        assert user.password_hash.startswith("$argon2") and "s3cret" not in user.password_hash
        assert authenticate("Kazanlak", "ana", "s3cret-pass", session=session) is not None
        assert authenticate("Kazanlak", "ana", "wrong-pass", session=session) is None
        assert authenticate("Elsewhere", "ana", "s3cret-pass", session=session) is None


def test_a_token_is_stored_only_as_a_hash(engine: Engine) -> None:
    with Session(engine) as session:
        mid = _town(session)
        user = create_user(
            mid, session=session, username="gps", password="long-enough", role=Role.driver
        )
        issued = issue_token(user, "tracker", session=session)
        assert issued.secret not in issued.token.token_hash
        found = user_for_token(issued.secret, session=session)
        assert found is not None and found.id == user.id
        assert user_for_token(issued.secret + "x", session=session) is None


def test_erasure_keeps_orders_under_a_pseudonym_and_is_audited(engine: Engine) -> None:
    with Session(engine) as session:
        mid = _town(session)
        client = Client(
            municipality_id=mid,
            external_id="EGN-123",
            name="Elena Ivanova",
            phone="+359888",
            address="ul. Roza 1",
            lon=25.4,
            lat=42.6,
            lives_alone=True,
        )
        session.add(client)
        session.flush()
        assert client.id is not None
        session.add(
            EmergencyContact(municipality_id=mid, client_id=client.id, name="Son", phone="+359111")
        )
        session.add(MealOrder(municipality_id=mid, client_id=client.id, day=date(2026, 1, 6)))
        session.flush()
        data = export_client(mid, client.id, session=session, actor="user:ana")
        assert data["emergency_contacts"][0]["name"] == "Son"
        erased = erase_client(mid, client.id, session=session, actor="user:ana")
        session.commit()
        assert erased.name == erased.pseudonym == erased.external_id
        assert (erased.phone, erased.address, erased.lives_alone) == ("", "", False)
        assert session.exec(select(EmergencyContact)).all() == []
        assert len(session.exec(select(MealOrder)).all()) == 1
        actions = [e.action for e in list_audit(mid, session=session, entity="client")]
        assert actions == ["erase", "export"]
        assert session.exec(select(AuditEntry)).first() is not None
