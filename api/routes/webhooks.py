"""`/v1/webhooks`: the municipality's webhook targets, managed by its dispatchers and admins.

Each published route is POSTed to every active webhook, signed with the webhook's secret
(workers/publishers). The secret is made here and shown once; creating the same URL again
gives it a new one (rotation). Deleting switches the target off, so the record of what was
delivered to it stays.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Response, status

from api.deps import DbSession, RowId, Staff
from api.problems import PROBLEM_RESPONSES
from api.routes._write import audited
from api.schemas.webhooks import WebhookCreate, WebhookCreated, WebhookPublic
from scheduler.errors import NotFoundError
from scheduler.models import PushTarget
from scheduler.repositories.publications import get_push_target, list_push_targets
from workers.targets import save_target, switch_off

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["webhooks"])
WEBHOOK = "webhook"


def _public(row: PushTarget) -> WebhookPublic:
    assert row.id is not None
    return WebhookPublic(id=row.id, url=row.address, label=row.label, created_at=row.created_at)


@router.get("/webhooks", response_model=list[WebhookPublic])
def list_webhooks(caller: Staff, session: DbSession) -> list[WebhookPublic]:
    rows = list_push_targets(caller.municipality_id, WEBHOOK, session=session)
    return [_public(row) for row in rows]


@router.post("/webhooks", response_model=WebhookCreated, status_code=status.HTTP_201_CREATED)
def create_webhook(body: WebhookCreate, caller: Staff, session: DbSession) -> WebhookCreated:
    secret = secrets.token_urlsafe(32)
    row = save_target(
        session, caller.municipality_id, channel=WEBHOOK, address=body.url,
        secrets={"secret": secret}, label=body.label,
    )  # fmt: skip
    audited(session, caller, "create", "webhook", row.id, url=body.url)
    return WebhookCreated(**_public(row).model_dump(), secret=secret)


@router.delete("/webhooks/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_webhook(webhook_id: RowId, caller: Staff, session: DbSession) -> Response:
    row = get_push_target(caller.municipality_id, webhook_id, session=session)
    if row is None or row.channel != WEBHOOK or not row.active:
        raise NotFoundError("Webhook", webhook_id)
    switch_off(session, caller.municipality_id, webhook_id)
    audited(session, caller, "delete", "webhook", webhook_id, url=row.address)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
