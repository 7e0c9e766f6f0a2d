"""The audit log: who changed what, and who exported or erased personal data.

Written in the caller's session, so an entry exists exactly when the change it describes does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from scheduler.models import AuditEntry


def audit(
    municipality_id: int,
    *,
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        municipality_id=municipality_id,
        actor=actor[:80],
        action=action[:48],
        entity=entity[:48],
        entity_id=str(entity_id)[:64],
        detail=detail or {},
    )
    session.add(entry)
    return entry


def list_audit(
    municipality_id: int,
    *,
    session: Session,
    entity: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.municipality_id == municipality_id)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if since:
        query = query.where(AuditEntry.at >= since)
    query = query.order_by(col(AuditEntry.id).desc()).offset(offset).limit(limit)
    return list(session.exec(query))
