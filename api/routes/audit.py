"""`/v1/audit`: the admin reads who changed what and who exported personal data."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import col, select

from api.deps import Admin, DbSession, PageParams
from api.listing import aware, page_of
from api.problems import PROBLEM_RESPONSES
from api.schemas.audit import AuditPublic
from api.schemas.common import Page
from scheduler.models import AuditEntry

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["audit"])


@router.get("/audit", response_model=Page[AuditPublic])
def list_audit(
    caller: Admin,
    session: DbSession,
    paging: PageParams,
    entity: Annotated[str | None, Query(max_length=48)] = None,
    since: datetime | None = None,
) -> Page[AuditPublic]:
    query = select(AuditEntry).where(AuditEntry.municipality_id == caller.municipality_id)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if since:
        query = query.where(AuditEntry.at >= aware(since))
    return page_of(session, query.order_by(col(AuditEntry.id).desc()), paging, AuditPublic)
