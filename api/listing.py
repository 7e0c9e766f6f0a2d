"""Paging a query: one page of rows and the total, turned into public models."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from api.deps import Paging
from api.schemas.common import Page

P = TypeVar("P", bound=BaseModel)


def page_of(
    session: Session, query: SelectOfScalar[Any], paging: Paging, public: type[P]
) -> Page[P]:
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.offset(paging.offset).limit(paging.limit)).all()
    items = [public.model_validate(row, from_attributes=True) for row in rows]
    return Page[public](items=items, total=int(total), limit=paging.limit, offset=paging.offset)  # type: ignore[valid-type]


def page_list(rows: Sequence[Any], paging: Paging, public: type[P]) -> Page[P]:
    """A page of rows a repository listed (a municipality's kitchens, vans, clients: hundreds)."""
    window = rows[paging.offset : paging.offset + paging.limit]
    items = [public.model_validate(row, from_attributes=True) for row in window]
    return Page[public](items=items, total=len(rows), limit=paging.limit, offset=paging.offset)  # type: ignore[valid-type]


def aware(moment: datetime) -> datetime:
    """A time filter as aware UTC: stored times are UTC, and a time without a zone means UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def where_day_rows(
    query: SelectOfScalar[Any],
    model: Any,
    *,
    day: date | None,
    date_from: date | None,
    date_to: date | None,
    status: Any,
    client_id: int | None,
) -> SelectOfScalar[Any]:
    """The filters every list of a client's rows by date takes (meal orders, visits)."""
    if day:
        query = query.where(model.day == day)
    if date_from:
        query = query.where(model.day >= date_from)
    if date_to:
        query = query.where(model.day <= date_to)
    if status:
        query = query.where(model.status == status)
    if client_id:
        query = query.where(model.client_id == client_id)
    return query
