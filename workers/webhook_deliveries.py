"""Sending to a webhook with a record of the attempt, and the admin's "send a test".

Every POST to a webhook (a route, an alert, a test) leaves a `WebhookDelivery`: when, what,
the HTTP status or the error, and how long it took, so the admin page shows whether the
gateway answers without anyone reading the worker's logs. The outcome of a real delivery
(retry, fail, switch off) is still decided by the caller; this only writes down and re-raises.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import httpx
from sqlmodel import Session

from scheduler.models import PushTarget, WebhookDelivery
from scheduler.models.base import utcnow
from scheduler.repositories.webhook_deliveries import record_delivery
from workers.publishers import publisher_for
from workers.publishers.base import Message, ProbeMessage, Publisher, PublishError, PublishResult

TEST_KIND = "webhook.test"


def send_recorded(
    session: Session, target: PushTarget, publisher: Publisher, message: Message, kind: str
) -> PublishResult:
    """Publish; for a webhook, record the attempt whatever its outcome, then re-raise."""
    if target.channel != "webhook":
        return publisher.publish(message)
    _, outcome = attempt(session, target, publisher, message, kind)
    if isinstance(outcome, PublishError):
        raise outcome
    return outcome


def attempt(
    session: Session,
    target: PushTarget,
    publisher: Publisher,
    message: Message,
    kind: str,
    *,
    clock: Callable[[], float] = time.perf_counter,
) -> tuple[WebhookDelivery, PublishResult | PublishError]:
    """Publish once and record the attempt; the error is returned, not raised."""
    assert target.id is not None
    row = WebhookDelivery(
        municipality_id=target.municipality_id, push_target_id=target.id, kind=kind
    )
    started = clock()
    outcome: PublishResult | PublishError
    try:
        outcome = publisher.publish(message)
        row.status_code = outcome.status_code
    except PublishError as exc:
        outcome = exc
        row.status_code, row.error = exc.status_code, str(exc)[:300]
    row.duration_ms = max(0, round((clock() - started) * 1000))
    return record_delivery(target.municipality_id, row, session=session), outcome


def send_test(
    session: Session, target: PushTarget, client: httpx.Client, *, base_url: str = ""
) -> WebhookDelivery:
    """POST a signed test event to the webhook now; the recorded attempt, failed or not."""
    message = ProbeMessage(
        delivery_id=f"test-{uuid.uuid4()}",
        municipality_id=target.municipality_id,
        sent_at=utcnow().isoformat(),
        url=base_url,
        title="Patronage test",
        body="A test of this webhook; nothing to deliver.",
    )
    row, _ = attempt(session, target, publisher_for(target, client), message, TEST_KIND)
    return row
