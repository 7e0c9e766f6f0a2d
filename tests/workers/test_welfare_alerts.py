"""End to end: a driver taps "not at home" at the API, the dispatcher's ntfy topic and Web
Push subscription get the alert, and after the set minutes (a given clock) the next person."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header

import http_ece  # type: ignore[import-untyped]
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient
from py_vapid import Vapid02
from sqlmodel import Session, select

from api import links
from api.app import create_app
from scheduler.models import Alert, AlertNotice, AuditEntry, User
from scheduler.repositories.users import issue_token
from scheduler.settings import Settings, reset_settings
from tests.workers import servers
from tests.workers.conftest import use_database
from tests.workers.test_publishers import b64
from workers.clock import escalation_sweep
from workers.embedded import drain
from workers.lab.bench_welfare import DAY, seed_town


def _vapid_pem() -> str:
    vapid = Vapid02()
    vapid.generate_keys()
    return vapid.private_pem().decode()


def test_not_at_home_reaches_the_dispatcher_then_the_next_person(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATRONAGE_VAPID_PRIVATE_KEY", _vapid_pem())
    engine = use_database(db_url, monkeypatch)
    reset_settings()
    with servers.ntfy() as ntfy, servers.push_service() as push:
        town = seed_town(engine, dispatcher_ntfy=f"{ntfy.url}/desk", head_ntfy=f"{ntfy.url}/head")
        settings = Settings(
            database_url=db_url,
            secret_key="t",
            redis_url="",
            vapid_private_key=os.environ["PATRONAGE_VAPID_PRIVATE_KEY"],
        )
        app = create_app(settings)
        with Session(engine) as session:
            dispatcher = session.get(User, town.dispatcher_id)
            assert dispatcher is not None
            secret = issue_token(dispatcher, "browser", session=session).secret
            session.commit()
        desk = TestClient(app, headers={"Authorization": f"Bearer {secret}"})
        # The dispatcher registers this browser's push subscription.
        browser = ec.generate_private_key(ec.SECP256R1())
        public = browser.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        auth = os.urandom(16)
        body = {
            "channel": "webpush",
            "address": f"{push.url}/push/desk1",
            "p256dh": b64(public),
            "auth": b64(auth),
        }
        assert desk.post("/v1/me/push-targets", json=body).status_code == 201

        token = links.sign(settings, links.DayLink(town.municipality_id, "meals", DAY, "VAN-1"))
        report = {
            "stop_id": town.stop_ids[0],
            "status": "not_home",
            "client_event_id": "x1",
            "at": datetime(2026, 3, 4, 9, 42, tzinfo=UTC).isoformat(),
        }
        with TestClient(app) as phone:
            assert phone.post(f"/d/{token}/reports", json=report).status_code == 200
            assert phone.post(f"/d/{token}/reports", json=report).json()["applied"] is False

        (told,) = ntfy.state.topics["desk"]  # once, though the phone sent twice
        title = str(make_header(decode_header(told["title"])))
        assert title == "Тревога: клиент не отговаря"  # the town speaks Bulgarian
        assert "11:42" in told["message"] and "Van 1" in told["message"]
        assert "Client 1" not in told["message"]  # no one's name on a push server
        assert told["click"].endswith("/board#alert-1")
        (pushed,) = push.state.accepted
        plain = http_ece.decrypt(
            pushed.body, private_key=browser, auth_secret=auth, version="aes128gcm"
        )
        message = json.loads(plain)
        assert (message["type"], message["step"], message["kind"]) == ("alert", 0, "welfare")
        assert "head" not in ntfy.state.topics

        # The board shows it in the reader's words, with whom to call.
        (alert,) = desk.get("/v1/alerts").json()["items"]
        assert "Maria 1 (daughter) +359888110001" in alert["text"]

        # Nobody takes it: after the set minutes the next person on the list is told, once.
        with Session(engine) as session:
            row = session.exec(select(Alert)).one()
            assert row.step_at is not None
            t0 = row.step_at
        assert escalation_sweep(engine, now=t0 + timedelta(minutes=9)) == []
        assert escalation_sweep(engine, now=t0 + timedelta(minutes=10)) == [(row.id, 1)]
        assert escalation_sweep(engine, now=t0 + timedelta(minutes=10)) == []
        drain(engine)
        drain(engine)
        (escalated,) = ntfy.state.topics["head"]
        assert "следващ" in escalated["message"]
        assert len(ntfy.state.topics["desk"]) == 1

        # Someone takes it, with a note; nothing escalates any more.
        url = f"/v1/alerts/{row.id}/ack"
        assert desk.post(url, json={}).status_code == 422
        taken = desk.post(url, json={"note": "reached the daughter by phone"}).json()
        assert taken["ack_note"] == "reached the daughter by phone" and taken["step"] == 1
    with Session(engine) as session:
        notices = session.exec(select(AlertNotice)).all()
        actions = [a.action for a in session.exec(select(AuditEntry)).all()]
    assert sorted((n.step, n.channel, n.status) for n in notices) == [
        (0, "ntfy", "delivered"),
        (0, "webpush", "delivered"),
        (1, "ntfy", "delivered"),
    ]
    assert {"register", "notify", "escalate", "acknowledge"} <= set(actions)
    engine.dispose()
