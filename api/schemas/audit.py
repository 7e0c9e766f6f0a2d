"""Entries of the audit log."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from scheduler.models import JsonObject


class AuditPublic(BaseModel):
    id: int
    actor: str
    action: str
    entity: str
    entity_id: str
    detail: JsonObject
    at: datetime
