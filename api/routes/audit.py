"""`/v1/audit`: the admin reads who changed what and who exported personal data."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import Admin, DbSession, PageParams
from api.listing import aware, page_of
from api.problems import PROBLEM_RESPONSES
from api.schemas.audit import AuditPublic
from api.schemas.common import Page
from scheduler.repositories.audit import select_audit

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["audit"])


@router.get("/audit", response_model=Page[AuditPublic])
def list_audit(
    caller: Admin,
    session: DbSession,
    paging: PageParams,
    entity: Annotated[str | None, Query(max_length=48)] = None,
    since: datetime | None = None,
) -> Page[AuditPublic]:
    query = select_audit(
        caller.municipality_id, entity=entity, since=aware(since) if since else None
    )
    return page_of(session, query, paging, AuditPublic)
