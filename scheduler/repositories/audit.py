"""The audit log as the admin reads it (entries are written by scheduler/audit.py in the
caller's session)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select
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


def list_audit(
    municipality_id: int,
    *,
    session: Session,
    entity: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEntry]:
    """One page of `select_audit`."""
    query = select_audit(municipality_id, entity=entity, since=since)
    return list(session.exec(query.offset(offset).limit(limit)))
