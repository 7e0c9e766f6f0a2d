"""Signed webhooks to a municipality's own messaging gateway (Viber, SMS, Telegram bots).

The gateway gets the message as JSON and three headers:

- `X-Patronage-Timestamp`: seconds since the epoch when it was signed;
- `X-Patronage-Signature`: `sha256=` and the hex HMAC-SHA256, keyed with the shared secret, of
  the timestamp, a dot and the exact body bytes. Signing the timestamp with the body means a
  captured request cannot be replayed later with a fresh timestamp;
- `X-Patronage-Delivery`: the same on every retry of one publication, so the gateway can
  drop a repeat whose first answer was lost.

`verify` is what a gateway (and our tests) runs on its side.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable

import httpx

from workers.publishers.base import Message, PublishResult, check_response, post

TIMESTAMP_HEADER = "X-Patronage-Timestamp"
SIGNATURE_HEADER = "X-Patronage-Signature"
DELIVERY_HEADER = "X-Patronage-Delivery"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def verify(
    secret: str, timestamp: str, body: bytes, given: str, *, now: float, tolerance_s: int = 300
) -> bool:
    """True if `given` signs `body` at `timestamp` and the timestamp is recent enough."""
    try:
        stamp = int(timestamp)
    except ValueError:
        return False
    if abs(now - stamp) > tolerance_s:
        return False
    return hmac.compare_digest(signature(secret, stamp, body), given)


class WebhookPublisher:
    channel = "webhook"

    def __init__(
        self,
        client: httpx.Client,
        url: str,
        secret: str,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not secret:
            raise ValueError("Expected a webhook secret; unsigned webhooks are not sent")
        self._client = client
        self._url = url
        self._secret = secret
        self._clock = clock

    def publish(self, message: Message) -> PublishResult:
        body = message.as_json()
        stamp = int(self._clock())
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: str(stamp),
            SIGNATURE_HEADER: signature(self._secret, stamp, body),
            DELIVERY_HEADER: message.delivery_id,
        }
        return check_response(post(self._client, self._url, content=body, headers=headers))
