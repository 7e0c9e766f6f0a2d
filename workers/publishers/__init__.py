"""Publishers, one per channel, behind one interface (`base.Publisher`)."""

from __future__ import annotations

import httpx

from scheduler.models import PushTarget
from workers.publishers.base import Publisher
from workers.publishers.ntfy import NtfyPublisher
from workers.publishers.webhook import WebhookPublisher
from workers.publishers.webpush import Subscription, WebPushPublisher, load_vapid

CHANNELS = ("webpush", "ntfy", "webhook")


def publisher_for(
    target: PushTarget, client: httpx.Client, *, vapid_key: str = "", vapid_subject: str = ""
) -> Publisher:
    """The publisher for a stored target (ValueError when the target is incomplete)."""
    secrets = target.secrets or {}
    if target.channel == "ntfy":
        return NtfyPublisher(client, target.address, token=str(secrets.get("token", "")))
    if target.channel == "webhook":
        return WebhookPublisher(client, target.address, str(secrets.get("secret", "")))
    if target.channel == "webpush":
        subscription = Subscription(
            target.address, str(secrets.get("p256dh", "")), str(secrets.get("auth", ""))
        )
        return WebPushPublisher(client, subscription, load_vapid(vapid_key), vapid_subject)
    raise ValueError(f"Expected a channel among {CHANNELS}, got {target.channel!r}")
