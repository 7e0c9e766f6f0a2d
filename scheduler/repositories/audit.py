"""Reading the audit log (entries are written by scheduler/audit.py in the caller's session)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from scheduler.models import AuditEntry


def list_audit(
    municipality_id: int,
    *,
    session: Session,
    entity: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEntry]:
    """The municipality's entries, newest first, optionally of one entity or since a time."""
    query = select(AuditEntry).where(AuditEntry.municipality_id == municipality_id)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if since:
        query = query.where(AuditEntry.at >= since)
    query = query.order_by(col(AuditEntry.id).desc()).offset(offset).limit(limit)
    return list(session.exec(query))
