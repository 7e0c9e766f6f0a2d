"""Entries of the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class AuditPublic(BaseModel):
    id: int
    actor: str
    action: str
    entity: str
    entity_id: str
    detail: dict[str, Any]
    at: datetime
