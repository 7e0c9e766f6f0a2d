"""Uploaded import files between their preview and apply: stored, found, removed, expired."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, delete, select

from scheduler.errors import NotFoundError
from scheduler.models import ImportUpload


def add_upload(municipality_id: int, row: ImportUpload, *, session: Session) -> ImportUpload:
    row.municipality_id = municipality_id
    session.add(row)
    session.flush()
    return row


def get_upload(
    municipality_id: int,
    upload_id: int,
    *,
    now: datetime,
    session: Session,
    for_update: bool = False,
) -> ImportUpload:
    """The municipality's upload, unless it has expired (then it is as good as gone).

    `for_update` locks it to the end of the transaction (PostgreSQL), so that two "apply"
    clicks run one after the other and the second finds the upload gone."""
    statement = select(ImportUpload).where(
        ImportUpload.municipality_id == municipality_id,
        ImportUpload.id == upload_id,
        col(ImportUpload.expires_at) > now,
    )
    row = session.exec(statement.with_for_update() if for_update else statement).first()
    if row is None:
        raise NotFoundError("import", upload_id)
    return row


def remove_upload(municipality_id: int, upload_id: int, *, session: Session) -> bool:
    """Delete the upload; False when there was none."""
    result = session.exec(
        delete(ImportUpload).where(
            col(ImportUpload.municipality_id) == municipality_id,
            col(ImportUpload.id) == upload_id,
        )
    )
    return bool(result.rowcount)


def remove_expired_uploads(municipality_id: int, *, now: datetime, session: Session) -> int:
    """Delete the municipality's uploads past their expiry; how many."""
    result = session.exec(
        delete(ImportUpload).where(
            col(ImportUpload.municipality_id) == municipality_id,
            col(ImportUpload.expires_at) <= now,
        )
    )
    return int(result.rowcount or 0)
