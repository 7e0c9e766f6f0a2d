"""The audit log: who changed what, and who exported or erased personal data.

Written in the caller's session, so an entry exists exactly when the change it describes does.
Reading the log is scheduler/repositories/audit.py's.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session

from scheduler.models import AuditEntry


def audit(
    municipality_id: int,
    *,
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = "",
    detail: Mapping[str, object] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        municipality_id=municipality_id,
        actor=actor[:80],
        action=action[:48],
        entity=entity[:48],
        entity_id=str(entity_id)[:64],
        detail=dict(detail or {}),
    )
    session.add(entry)
    return entry
