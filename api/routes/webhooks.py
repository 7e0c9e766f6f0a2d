"""`/v1/webhooks`: the municipality's webhook targets, managed by its dispatchers and admins.

Each published route is POSTed to every active webhook, signed with the webhook's secret
(workers/publishers). The secret is made here and shown once; creating the same URL again
gives it a new one (rotation). Deleting switches the target off, so the record of what was
delivered to it stays. "Send a test" POSTs a signed `webhook.test` event through the same
publisher the worker uses and answers with what the gateway said; every attempt (test, route,
alert) is kept, the newest few per webhook, for `/deliveries` and the admin page.
"""

from __future__ import annotations

import secrets

import httpx
from fastapi import APIRouter, Response, status
from sqlmodel import Session

from api.deps import DbSession, RowId, Staff
from api.problems import PROBLEM_RESPONSES
from api.schemas.webhooks import (
    WebhookCreate,
    WebhookCreated,
    WebhookDeliveryPublic,
    WebhookPublic,
)
from scheduler.audit import audit
from scheduler.errors import NotFoundError
from scheduler.models import PushTarget, WebhookDelivery
from scheduler.repositories.publications import get_push_target, list_push_targets
from scheduler.repositories.webhook_deliveries import recent_deliveries
from workers.targets import save_target, switch_off
from workers.webhook_deliveries import send_test

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["webhooks"])
WEBHOOK = "webhook"
TEST_TIMEOUT_S = 10.0  # the admin waits for the answer; a gateway slower than this is down
SHOWN_DELIVERIES = 10


def _public(row: PushTarget) -> WebhookPublic:
    assert row.id is not None
    return WebhookPublic(id=row.id, url=row.address, label=row.label, created_at=row.created_at)


@router.get("/webhooks", response_model=list[WebhookPublic])
def list_webhooks(caller: Staff, session: DbSession) -> list[WebhookPublic]:
    rows = list_push_targets(caller.municipality_id, WEBHOOK, session=session)
    return [_public(row) for row in rows]


def create_and_audit(
    municipality_id: int, actor: str, body: WebhookCreate, *, session: Session
) -> WebhookCreated:
    """Make (or re-key) the webhook with a new secret; the REST route and the admin page."""
    secret = secrets.token_urlsafe(32)
    row = save_target(
        session, municipality_id, channel=WEBHOOK, address=body.url,
        secrets={"secret": secret}, label=body.label,
    )  # fmt: skip
    audit(municipality_id, session=session, actor=actor, action="create", entity="webhook",
          entity_id=row.id, detail={"url": body.url})  # fmt: skip
    return WebhookCreated(**_public(row).model_dump(), secret=secret)


def live_webhook(municipality_id: int, webhook_id: int, *, session: Session) -> PushTarget:
    """The municipality's switched-on webhook; NotFoundError otherwise (another town's too)."""
    row = get_push_target(municipality_id, webhook_id, session=session)
    if row is None or row.channel != WEBHOOK or not row.active:
        raise NotFoundError("Webhook", webhook_id)
    return row


def delivery_public(row: WebhookDelivery) -> WebhookDeliveryPublic:
    code = row.status_code
    return WebhookDeliveryPublic(
        at=row.created_at, kind=row.kind, ok=code is not None and 200 <= code < 300,
        status_code=code, error=row.error, duration_ms=row.duration_ms,
    )  # fmt: skip


def send_test_and_audit(
    municipality_id: int, actor: str, webhook_id: int, *, session: Session
) -> WebhookDeliveryPublic:
    """Send a signed test event to the webhook now, record and audit it, say how it went."""
    row = live_webhook(municipality_id, webhook_id, session=session)
    with httpx.Client(timeout=TEST_TIMEOUT_S) as client:
        sent = send_test(session, row, client)
    detail = {"url": row.address, "status": sent.status_code}
    audit(municipality_id, session=session, actor=actor, action="test", entity="webhook",
          entity_id=webhook_id, detail=detail)  # fmt: skip
    return delivery_public(sent)


def delete_and_audit(
    municipality_id: int, actor: str, webhook_id: int, *, session: Session
) -> None:
    """Switch the webhook off; NotFoundError when the municipality has no such live webhook."""
    row = live_webhook(municipality_id, webhook_id, session=session)
    switch_off(session, municipality_id, webhook_id)
    audit(municipality_id, session=session, actor=actor, action="delete", entity="webhook",
          entity_id=webhook_id, detail={"url": row.address})  # fmt: skip


@router.post("/webhooks", response_model=WebhookCreated, status_code=status.HTTP_201_CREATED)
def create_webhook(body: WebhookCreate, caller: Staff, session: DbSession) -> WebhookCreated:
    return create_and_audit(caller.municipality_id, caller.actor, body, session=session)


@router.delete("/webhooks/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_webhook(webhook_id: RowId, caller: Staff, session: DbSession) -> Response:
    delete_and_audit(caller.municipality_id, caller.actor, webhook_id, session=session)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/webhooks/{webhook_id}/test", response_model=WebhookDeliveryPublic)
def send_webhook_test(
    webhook_id: RowId, caller: Staff, session: DbSession
) -> WebhookDeliveryPublic:
    """POST a signed test event now; 200 with the gateway's status (or the error) and time."""
    return send_test_and_audit(caller.municipality_id, caller.actor, webhook_id, session=session)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=list[WebhookDeliveryPublic])
def webhook_deliveries(
    webhook_id: RowId, caller: Staff, session: DbSession
) -> list[WebhookDeliveryPublic]:
    """The last attempts to deliver to the webhook (tests, routes, alerts), newest first."""
    mid = caller.municipality_id
    live_webhook(mid, webhook_id, session=session)
    rows = recent_deliveries(mid, [webhook_id], session=session, limit=SHOWN_DELIVERIES)
    return [delivery_public(row) for row in rows[webhook_id]]
