"""`POST /v1/webhooks/{id}/test` and `GET /v1/webhooks/{id}/deliveries`, against a real
local gateway that checks the signature: a test to a gateway answering 200 and to one
answering 500, both recorded with their status; another town sees neither; audited.
"""

from __future__ import annotations

import json

from sqlmodel import select

from scheduler.models import AuditEntry, Role, WebhookDelivery
from tests.api.conftest import World
from tests.workers import servers


def _webhook(world: World, url: str, gateway: servers.LocalServer) -> int:
    made = world.client("Kazanlak", Role.dispatcher).post("/v1/webhooks", json={"url": url})
    assert made.status_code == 201, made.text
    gateway.state.secret = made.json()["secret"]  # the gateway checks every signature with it
    return int(made.json()["id"])


def test_a_test_to_a_gateway_answering_200_and_one_answering_500(world: World) -> None:
    dispatcher = world.client("Kazanlak", Role.dispatcher)
    with servers.gateway("") as good, servers.gateway("", script=[500]) as bad:
        good_id = _webhook(world, good.url + "/good", good)
        bad_id = _webhook(world, bad.url + "/bad", bad)
        ok = dispatcher.post(f"/v1/webhooks/{good_id}/test")
        broken = world.client("Kazanlak", Role.admin).post(f"/v1/webhooks/{bad_id}/test")
    assert ok.status_code == 200, ok.text
    assert ok.json()["ok"] and ok.json()["status_code"] == 200 and ok.json()["error"] == ""
    assert ok.json()["kind"] == "webhook.test" and ok.json()["duration_ms"] >= 0
    assert broken.status_code == 200, broken.text
    assert not broken.json()["ok"] and broken.json()["status_code"] == 500
    assert "HTTP 500" in broken.json()["error"]
    # Both gateways got the signed test event (the good one accepted its signature).
    (received,) = good.state.accepted
    assert json.loads(received.body)["type"] == "webhook.test"
    assert len(bad.state.requests) == 1
    listed = dispatcher.get(f"/v1/webhooks/{bad_id}/deliveries")
    assert [(d["status_code"], d["ok"]) for d in listed.json()] == [(500, False)]
    assert [
        d["status_code"] for d in dispatcher.get(f"/v1/webhooks/{good_id}/deliveries").json()
    ] == [200]
    with world.session() as session:
        tests = session.exec(
            select(AuditEntry.entity_id).where(
                AuditEntry.entity == "webhook", AuditEntry.action == "test"
            )
        ).all()
    assert sorted(tests) == sorted([str(good_id), str(bad_id)])


def test_a_gateway_that_is_not_there_is_recorded_with_its_error(world: World) -> None:
    dispatcher = world.client("Kazanlak", Role.dispatcher)
    with servers.gateway("") as gone:
        url = gone.url + "/closed"
        webhook_id = _webhook(world, url, gone)
    answer = dispatcher.post(f"/v1/webhooks/{webhook_id}/test")  # the server is shut down now
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status_code"] is None and not body["ok"] and "ConnectError" in body["error"]


def test_another_towns_webhook_is_not_found_and_records_nothing(world: World) -> None:
    with servers.gateway("") as gw:
        webhook_id = _webhook(world, gw.url + "/private", gw)
        other = world.client("Maribor", Role.admin)
        assert other.post(f"/v1/webhooks/{webhook_id}/test").status_code == 404
        assert other.get(f"/v1/webhooks/{webhook_id}/deliveries").status_code == 404
    assert gw.state.requests == []
    with world.session() as session:
        rows = session.exec(
            select(WebhookDelivery).where(WebhookDelivery.push_target_id == webhook_id)
        ).all()
    assert rows == []
    for role in (Role.driver, Role.kitchen, Role.caregiver):
        client = world.client("Kazanlak", role)
        assert client.post(f"/v1/webhooks/{webhook_id}/test").status_code == 403
        assert client.get(f"/v1/webhooks/{webhook_id}/deliveries").status_code == 403
