"""Each publisher against a real local server speaking its protocol."""

from __future__ import annotations

import base64
import json
import os
import time

import http_ece  # type: ignore[import-untyped]
import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from tests.services import free_port
from tests.workers import servers
from tests.workers.procs import wait_for
from workers.publishers.base import (
    PermanentPublishError,
    RouteMessage,
    TargetGoneError,
    TransientPublishError,
)
from workers.publishers.ntfy import NtfyPublisher
from workers.publishers.webhook import WebhookPublisher, signature, verify
from workers.publishers.webpush import Subscription, WebPushPublisher, topic

MESSAGE = RouteMessage(
    delivery_id="publication-7",
    municipality_id=3,
    day="2026-03-04",
    service="meals",
    plan_version=2,
    route_id=41,
    resource="VAN-2",
    url="https://patronage.example/phone/routes/41",
    title="VAN-2: route for 2026-03-04 (version 2)",
    body="14 stops. Open the link to see them.",
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_webhook_is_signed_over_timestamp_and_body() -> None:
    with servers.gateway("s3cret") as gw, httpx.Client() as client:
        result = WebhookPublisher(client, f"{gw.url}/hook", "s3cret").publish(MESSAGE)
    assert result.status_code == 200
    (got,) = gw.state.accepted
    assert json.loads(got.body) == MESSAGE.as_dict()
    assert got.headers["x-patronage-delivery"] == "publication-7"
    stamp = got.headers["x-patronage-timestamp"]
    given = got.headers["x-patronage-signature"]
    assert verify("s3cret", stamp, got.body, given, now=time.time())
    # The signature covers both: another body, a fresher timestamp or another key all fail.
    assert not verify("s3cret", stamp, got.body.replace(b"VAN-2", b"VAN-3"), given, now=time.time())
    assert not verify("s3cret", str(int(stamp) + 1), got.body, given, now=time.time())
    assert not verify("other", stamp, got.body, given, now=time.time())
    assert not verify("s3cret", stamp, got.body, given, now=time.time() + 3600)


def test_webhook_with_the_wrong_secret_is_refused_by_the_gateway() -> None:
    with (
        servers.gateway("right") as gw,
        httpx.Client() as client,
        pytest.raises(PermanentPublishError, match="401"),
    ):
        WebhookPublisher(client, gw.url, "wrong").publish(MESSAGE)
    assert gw.state.accepted == []


def test_signature_is_hex_hmac_sha256() -> None:
    # Known answer, so a gateway written in another language can check its implementation.
    assert signature("key", 1700000000, b"{}") == (
        "sha256=" + __import__("hmac").new(b"key", b"1700000000.{}", "sha256").hexdigest()
    )


def test_ntfy_publishes_title_link_and_text_to_the_topic() -> None:
    with servers.ntfy(token="tk_abc") as srv, httpx.Client() as client:
        NtfyPublisher(client, f"{srv.url}/patronage-x7q", token="tk_abc").publish(MESSAGE)
        polled = client.get(f"{srv.url}/patronage-x7q/json", params={"poll": "1"}).text
    (message,) = [json.loads(line) for line in polled.splitlines()]
    assert message["title"] == MESSAGE.title
    assert message["click"] == MESSAGE.url
    assert message["message"] == MESSAGE.body
    assert message["priority"] == 4
    assert "v2" in message["tags"]


def test_ntfy_without_the_token_is_forbidden() -> None:
    with (
        servers.ntfy(token="tk_abc") as srv,
        httpx.Client() as client,
        pytest.raises(PermanentPublishError, match="403"),
    ):
        NtfyPublisher(client, f"{srv.url}/t").publish(MESSAGE)


def test_ntfy_title_outside_latin1_is_encoded_not_dropped() -> None:
    cyrillic = RouteMessage(**{**MESSAGE.__dict__, "title": "Маршрут за 2026-03-04"})
    with servers.ntfy() as srv, httpx.Client() as client:
        NtfyPublisher(client, f"{srv.url}/t").publish(cyrillic)
    (got,) = srv.state.requests
    from email.header import decode_header, make_header

    assert str(make_header(decode_header(got.headers["title"]))) == "Маршрут за 2026-03-04"


def _browser_subscription(endpoint: str) -> tuple[Subscription, ec.EllipticCurvePrivateKey, bytes]:
    """What a browser makes on subscribe(): a P-256 key pair and a 16-byte auth secret."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    auth = os.urandom(16)
    return Subscription(endpoint, b64(public), b64(auth)), private, auth


def test_web_push_is_vapid_signed_and_only_the_phone_can_read_it() -> None:
    vapid = Vapid02()
    vapid.generate_keys()
    with servers.push_service() as push, httpx.Client() as client:
        sub, private, auth = _browser_subscription(f"{push.url}/push/abc123")
        publisher = WebPushPublisher(client, sub, vapid, "mailto:dispatch@varna.example")
        assert publisher.publish(MESSAGE).status_code == 201
    (got,) = push.state.accepted
    assert got.headers["content-encoding"] == "aes128gcm"
    assert got.headers["urgency"] == "high"
    assert int(got.headers["ttl"]) > 0
    assert got.headers["topic"] == topic(MESSAGE) and len(topic(MESSAGE)) <= 32
    # The JWT's audience is the push service's origin, and it is signed by our VAPID key.
    token = got.headers["authorization"].split("t=", 1)[1].split(",", 1)[0]
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["aud"] == push.url and claims["sub"] == "mailto:dispatch@varna.example"
    assert MESSAGE.resource.encode() not in got.body  # encrypted on the wire
    plain = http_ece.decrypt(got.body, private_key=private, auth_secret=auth, version="aes128gcm")
    assert json.loads(plain) == MESSAGE.as_dict()


def test_web_push_to_an_expired_subscription_says_gone() -> None:
    vapid = Vapid02()
    vapid.generate_keys()
    with servers.push_service(gone={"old"}) as push, httpx.Client() as client:
        sub, _, _ = _browser_subscription(f"{push.url}/push/old")
        with pytest.raises(TargetGoneError, match="410"):
            WebPushPublisher(client, sub, vapid, "mailto:a@b.example").publish(MESSAGE)


def test_web_push_with_broken_browser_keys_is_permanent() -> None:
    vapid = Vapid02()
    vapid.generate_keys()
    with httpx.Client() as client:
        sub = Subscription("https://push.example/x", "not-a-key", "short")
        with pytest.raises(PermanentPublishError, match="encrypt"):
            WebPushPublisher(client, sub, vapid, "mailto:a@b.example").publish(MESSAGE)


def test_nobody_listening_is_transient_and_5xx_too() -> None:
    with httpx.Client(timeout=2) as client:
        nowhere = f"http://127.0.0.1:{free_port()}/hook"
        with pytest.raises(TransientPublishError, match="ConnectError"):
            WebhookPublisher(client, nowhere, "k").publish(MESSAGE)
        with servers.ntfy(script=[503, 429]) as srv:
            for code in ("503", "429"):
                with pytest.raises(TransientPublishError, match=code):
                    NtfyPublisher(client, f"{srv.url}/t").publish(MESSAGE)
            NtfyPublisher(client, f"{srv.url}/t").publish(MESSAGE)
            wait_for(lambda: len(srv.state.topics.get("t", [])) == 1, 2, "the third try")
