"""Paging a query: one page of rows and the total, turned into public models."""

from __future__ import annotations

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
