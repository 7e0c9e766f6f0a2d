"""The audit log as the admin reads it (entries are written by `scheduler.audit`)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from scheduler.models import AuditEntry


def select_audit(
    municipality_id: int, *, entity: str | None = None, since: datetime | None = None
) -> SelectOfScalar[AuditEntry]:
    """The municipality's audit entries, newest first, optionally of one kind of entity or
    from a moment on (`since` is compared as given: pass an aware UTC time)."""
    query = select(AuditEntry).where(AuditEntry.municipality_id == municipality_id)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if since:
        query = query.where(AuditEntry.at >= since)
    return query.order_by(col(AuditEntry.id).desc())
