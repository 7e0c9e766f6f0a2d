"""Paging a list: one page of rows and the total, turned into public models.

The statement is built (and scoped to the caller's municipality) by a repository function;
`scheduler.views.paging` runs it, so no query is written here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlmodel import Session
from sqlmodel.sql.expression import SelectOfScalar

from api.deps import Paging
from api.schemas.common import Page
from scheduler.views.paging import window

P = TypeVar("P", bound=BaseModel)


def page_of(
    session: Session, query: SelectOfScalar[Any], paging: Paging, public: type[P]
) -> Page[P]:
    found = window(query, offset=paging.offset, limit=paging.limit, session=session)
    items = [public.model_validate(row, from_attributes=True) for row in found.rows]
    return Page[public](items=items, total=found.total, limit=paging.limit, offset=paging.offset)  # type: ignore[valid-type]


def page_list(rows: Sequence[Any], paging: Paging, public: type[P]) -> Page[P]:
    """A page of rows a repository listed (a municipality's kitchens, vans, clients: hundreds)."""
    shown = rows[paging.offset : paging.offset + paging.limit]
    items = [public.model_validate(row, from_attributes=True) for row in shown]
    return Page[public](items=items, total=len(rows), limit=paging.limit, offset=paging.offset)  # type: ignore[valid-type]


def aware(moment: datetime) -> datetime:
    """A time filter as aware UTC: stored times are UTC, and a time without a zone means UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
