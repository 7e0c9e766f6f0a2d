"""Web Push (RFC 8030) to the driver's and caregiver's page, encrypted per RFC 8291.

`pywebpush` does the encryption (aes128gcm, an ephemeral key agreed with the browser's
`p256dh` key and `auth` secret) and `py-vapid` the VAPID signature (RFC 8292) that tells the
push service who sends; the request itself goes out through our `httpx.Client` like every
other publication. The push service answers 201; 404 or 410 means the phone unsubscribed.

`Topic` makes the push service replace an older, still undelivered message for the same route
with the newer one, so a phone that was offline during three re-plans wakes to one message.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from py_vapid import Vapid02
from pywebpush import WebPusher

from workers.publishers.base import (
    Message,
    PermanentPublishError,
    PublishResult,
    check_response,
    post,
)


@dataclass(frozen=True)
class Subscription:
    """What the browser's `PushManager.subscribe()` returned."""

    endpoint: str
    p256dh: str
    auth: str


def load_vapid(private_key: str) -> Vapid02:
    """The VAPID signer from a PEM key or the raw base64url form `vapid --gen` prints."""
    if not private_key:
        raise ValueError("Expected PATRONAGE_VAPID_PRIVATE_KEY to hold the VAPID private key")
    if "-----BEGIN" in private_key:
        return Vapid02.from_pem(private_key.encode())
    return Vapid02.from_string(private_key)


def application_server_key(vapid: Vapid02) -> str:
    """The public key a page passes to `PushManager.subscribe()` (base64url, no padding)."""
    from cryptography.hazmat.primitives import serialization

    raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class WebPushPublisher:
    channel = "webpush"

    def __init__(
        self,
        client: httpx.Client,
        subscription: Subscription,
        vapid: Vapid02,
        subject: str,
        *,
        ttl_s: int = 6 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._subscription = subscription
        self._vapid = vapid
        self._subject = subject
        self._ttl_s = ttl_s
        self._clock = clock

    def publish(self, message: Message) -> PublishResult:
        sub = self._subscription
        info = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
        try:
            body = WebPusher(info).encode(message.as_json(), "aes128gcm")["body"]
        except Exception as exc:  # malformed keys from the browser: sending again won't help
            raise PermanentPublishError(f"cannot encrypt for this subscription: {exc}") from exc
        headers = {
            **self._vapid_headers(sub.endpoint),
            "TTL": str(self._ttl_s),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "Urgency": "high",
            "Topic": topic(message),
        }
        return check_response(post(self._client, sub.endpoint, content=body, headers=headers))

    def _vapid_headers(self, endpoint: str) -> dict[str, str]:
        parts = urlsplit(endpoint)
        claims = {
            "aud": f"{parts.scheme}://{parts.netloc}",
            "exp": int(self._clock()) + 12 * 3600,
            "sub": self._subject,
        }
        signed: dict[str, str] = self._vapid.sign(claims)
        return signed


def topic(message: Message) -> str:
    """At most 32 URL-safe characters naming the route or alert (RFC 8030, section 5.4)."""
    digest = hashlib.sha256(message.topic_name.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()[:32]
