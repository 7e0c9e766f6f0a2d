"""The last attempts to deliver to each webhook: written on every POST, pruned as they go."""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session, col, delete, select

from scheduler.models import WebhookDelivery

KEEP_PER_WEBHOOK = 50  # enough to see a pattern; the full history is in the publications


def record_delivery(
    municipality_id: int, row: WebhookDelivery, *, session: Session, keep: int = KEEP_PER_WEBHOOK
) -> WebhookDelivery:
    """Store one attempt, then drop that webhook's attempts beyond the newest `keep`."""
    row.municipality_id = municipality_id
    session.add(row)
    session.flush()
    newest = (
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.municipality_id == municipality_id,
            WebhookDelivery.push_target_id == row.push_target_id,
        )
        .order_by(col(WebhookDelivery.id).desc())
        .limit(keep)
    )
    session.exec(
        delete(WebhookDelivery).where(
            col(WebhookDelivery.municipality_id) == municipality_id,
            col(WebhookDelivery.push_target_id) == row.push_target_id,
            col(WebhookDelivery.id).not_in(newest.scalar_subquery()),
        )
    )
    return row


def recent_deliveries(
    municipality_id: int, target_ids: Collection[int], *, session: Session, limit: int = 10
) -> dict[int, list[WebhookDelivery]]:
    """The newest `limit` attempts of each of the webhooks, newest first."""
    if not target_ids:
        return {}
    statement = (
        select(WebhookDelivery)
        .where(
            WebhookDelivery.municipality_id == municipality_id,
            col(WebhookDelivery.push_target_id).in_(list(target_ids)),
        )
        .order_by(col(WebhookDelivery.id).desc())
    )
    found: dict[int, list[WebhookDelivery]] = {tid: [] for tid in target_ids}
    for row in session.exec(statement):
        if len(found[row.push_target_id]) < limit:
            found[row.push_target_id].append(row)
    return found
