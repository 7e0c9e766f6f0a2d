"""The publication service: what goes where, the record of each try, and the alert at the end."""

from __future__ import annotations

import httpx
from babel.dates import format_date
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.db import session_scope
from scheduler.models import (
    Alert,
    Plan,
    PlanVersion,
    Publication,
    PushTarget,
    User,
    WebhookDelivery,
)
from scheduler.repositories.webhook_deliveries import recent_deliveries, record_delivery
from tests.workers import servers
from tests.workers.conftest import DAY
from tests.workers.days import add_fleet, add_version
from workers.publishing import deliver, message_for, publish_version
from workers.settings import WorkerSettings
from workers.targets import save_target

WS = WorkerSettings(publish_max_attempts=3, publish_backoff_s=0.5)


def _publish(engine: Engine, version_id: int) -> list[int]:
    with session_scope(engine) as session:
        version = session.get(PlanVersion, version_id)
        assert version is not None
        plan = session.get(Plan, version.plan_id)
        assert plan is not None
        return publish_version(session, plan, version)


def _deliver(engine: Engine, mid: int, publication_id: int, client: httpx.Client) -> str:
    with session_scope(engine) as session:
        result = deliver(session, mid, publication_id, client, base_url="https://p.example", ws=WS)
        return result.outcome


def _rows(engine: Engine) -> list[Publication]:
    with Session(engine) as session:
        return list(session.exec(select(Publication).order_by(col(Publication.id))).all())


def _alerts(engine: Engine) -> list[Alert]:
    with Session(engine) as session:
        return list(session.exec(select(Alert)).all())


def _targets(engine: Engine, municipality_id: int, gateway_url: str) -> None:
    users = add_fleet(engine, municipality_id, ["VAN-1", "VAN-2"])
    with session_scope(engine) as session:
        save_target(
            session,
            municipality_id,
            channel="webhook",
            address=gateway_url,
            secrets={"secret": "k"},
            label="Viber gateway",
        )
        for van, user_id in users.items():
            save_target(
                session,
                municipality_id,
                channel="ntfy",
                user_id=user_id,
                address=f"{gateway_url}/ntfy-{van}",
            )


def test_only_changed_routes_go_out_to_their_driver_and_the_gateway(
    pipeline_db: Engine, municipality_id: int
) -> None:
    _targets(pipeline_db, municipality_id, "https://gw.example/hook")
    first = add_version(pipeline_db, municipality_id, DAY, {"VAN-1": ["a", "b"], "VAN-2": ["c"]})
    assert len(_publish(pipeline_db, first)) == 4  # two routes x (their driver + the gateway)
    second = add_version(pipeline_db, municipality_id, DAY, {"VAN-1": ["b", "a"], "VAN-2": ["c"]})
    again = _publish(pipeline_db, second)
    new_rows = [p for p in _rows(pipeline_db) if p.plan_version_id == second]
    assert {p.target for p in new_rows} == {"Viber gateway", "ntfy gw.example/hook/ntfy-VAN-1"}
    assert sorted(again) == sorted(p.id for p in new_rows if p.id)
    # A second run for the same version (a retried task) records nothing new.
    assert _publish(pipeline_db, second) == again
    assert len(_rows(pipeline_db)) == 6
    with Session(pipeline_db) as session:
        assert session.exec(select(Plan)).one().published_version == 2


def test_gateway_answering_500_then_200_gets_it_once_and_the_record_says_so(
    pipeline_db: Engine, municipality_id: int
) -> None:
    with servers.gateway("k", script=[500]) as gw, httpx.Client() as client:
        add_fleet(pipeline_db, municipality_id, ["VAN-1"])
        with session_scope(pipeline_db) as session:
            save_target(
                session, municipality_id, channel="webhook", address=gw.url, secrets={"secret": "k"}
            )
        version = add_version(pipeline_db, municipality_id, DAY, {"VAN-1": ["a"]})
        (pub_id,) = _publish(pipeline_db, version)
        assert _deliver(pipeline_db, municipality_id, pub_id, client) == "retry"
        (row,) = _rows(pipeline_db)
        assert (row.status, row.attempts) == ("retrying", 1) and "500" in row.last_error
        assert _deliver(pipeline_db, municipality_id, pub_id, client) == "delivered"
        assert (
            _deliver(pipeline_db, municipality_id, pub_id, client) == "skipped"
        )  # a duplicate message
    (row,) = _rows(pipeline_db)
    assert (row.status, row.attempts, row.last_error) == ("delivered", 2, "")
    assert row.delivered_at is not None
    assert len(gw.state.requests) == 2 and len(gw.state.accepted) == 1
    assert _alerts(pipeline_db) == []
    # Each POST left its line for the admin page: the 500 with its error, then the 200.
    with Session(pipeline_db) as session:
        tries = session.exec(select(WebhookDelivery).order_by(col(WebhookDelivery.id))).all()
    assert [(t.kind, t.status_code) for t in tries] == [
        ("route.published", 500),
        ("route.published", 200),
    ]
    assert "HTTP 500" in tries[0].error and tries[1].error == ""


def test_failing_until_the_last_try_ends_in_an_alert(
    pipeline_db: Engine, municipality_id: int
) -> None:
    with servers.gateway("k", script=[503, 503, 503, 200]) as gw, httpx.Client() as client:
        add_fleet(pipeline_db, municipality_id, ["VAN-1"])
        with session_scope(pipeline_db) as session:
            save_target(
                session,
                municipality_id,
                channel="webhook",
                address=gw.url,
                secrets={"secret": "k"},
                label="SMS gateway",
            )
        (pub_id,) = _publish(
            pipeline_db, add_version(pipeline_db, municipality_id, DAY, {"VAN-1": ["a"]})
        )
        outcomes = [_deliver(pipeline_db, municipality_id, pub_id, client) for _ in range(4)]
    assert outcomes == ["retry", "retry", "failed", "skipped"]
    (row,) = _rows(pipeline_db)
    assert (row.status, row.attempts) == ("failed", 3)
    (alert,) = _alerts(pipeline_db)
    assert alert.kind == "publication_failed" and "SMS gateway" in alert.message


def test_a_phone_that_unsubscribed_is_switched_off_and_reported(
    pipeline_db: Engine, municipality_id: int
) -> None:
    from py_vapid import Vapid02

    vapid = Vapid02()
    vapid.generate_keys()
    pem = vapid.private_pem().decode()
    users = add_fleet(pipeline_db, municipality_id, ["VAN-1"])
    with servers.push_service(gone={"sub1"}) as push, httpx.Client() as client:
        with session_scope(pipeline_db) as session:
            save_target(
                session,
                municipality_id,
                channel="webpush",
                user_id=users["VAN-1"],
                address=f"{push.url}/push/sub1",
                secrets={"p256dh": _browser_key(), "auth": "c2VjcmV0c2VjcmV0MTIzNA"},
            )
        (pub_id,) = _publish(
            pipeline_db, add_version(pipeline_db, municipality_id, DAY, {"VAN-1": ["a"]})
        )
        with session_scope(pipeline_db) as session:
            outcome = deliver(
                session,
                municipality_id,
                pub_id,
                client,
                base_url="https://p.example",
                ws=WS,
                vapid_key=pem,
                vapid_subject="mailto:d@p.example",
            ).outcome
    assert outcome == "failed"
    with Session(pipeline_db) as session:
        assert session.exec(select(PushTarget)).one().active is False
    (alert,) = _alerts(pipeline_db)
    assert "gone" in alert.message


def _browser_key() -> str:
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    raw = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_route_push_is_in_its_readers_language(pipeline_db: Engine, municipality_id: int) -> None:
    """The driver's push in the driver's own language; the gateway's in the municipality's."""
    _targets(pipeline_db, municipality_id, "https://gw.example/hook")
    with session_scope(pipeline_db) as session:
        driver = session.exec(select(User).where(User.username == "driver-VAN-1")).one()
        driver.locale = "sl"
        session.add(driver)
    version = add_version(pipeline_db, municipality_id, DAY, {"VAN-1": ["a", "b"]})
    _publish(pipeline_db, version)
    with Session(pipeline_db) as session:
        said = {
            p.target: message_for(session, p, "https://p.example")
            for p in _rows(pipeline_db)
            if p.route_id is not None
        }
    words = {target: (m.title, m.body) for target, m in said.items()}
    day = format_date(DAY, "medium", locale="sl_SI")  # "6. dec. 2026"
    assert words["ntfy gw.example/hook/ntfy-VAN-1"] == (
        f"VAN-1: pot za {day} (različica 1)",
        "2 postanka. Odprite povezavo, da jih vidite.",
    )
    title, body = words["Viber gateway"]
    assert title.startswith("VAN-1: маршрут за ") and body.startswith("2 спирки.")


KEY = {"secret": "k"}


def test_only_the_newest_attempts_of_each_webhook_are_kept(
    pipeline_db: Engine, municipality_id: int
) -> None:
    with session_scope(pipeline_db) as session:
        one, two = (
            save_target(
                session, municipality_id, channel="webhook", address=url, secrets={"secret": "k"}
            )
            for url in ("https://a.example/hook", "https://b.example/hook")
        )
        assert one.id is not None and two.id is not None
        for code in range(200, 207):
            row = WebhookDelivery(
                municipality_id=0, push_target_id=one.id, kind="t", status_code=code
            )
            record_delivery(municipality_id, row, session=session, keep=3)
        other = WebhookDelivery(municipality_id=0, push_target_id=two.id, kind="t", status_code=500)
        record_delivery(municipality_id, other, session=session, keep=3)
        kept = recent_deliveries(municipality_id, [one.id, two.id], session=session, limit=10)
        assert [d.status_code for d in kept[one.id]] == [206, 205, 204]
        assert [d.status_code for d in kept[two.id]] == [500]
        assert recent_deliveries(municipality_id + 999, [one.id], session=session) == {one.id: []}
