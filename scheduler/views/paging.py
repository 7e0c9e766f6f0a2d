"""One page of a list and the total it is a page of, for any statement a repository built.

Paging stays generic: the repository decides the rows (and scopes them to a municipality),
this module only counts them and cuts the window the caller asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import func
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

T = TypeVar("T")


@dataclass(frozen=True)
class Window(Generic[T]):
    rows: list[T]
    total: int  # rows the whole statement selects, not only this window


def window(statement: SelectOfScalar[T], *, offset: int, limit: int, session: Session) -> Window[T]:
    """Rows `offset`..`offset + limit` of the statement, in its own order, and its total."""
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(statement.offset(offset).limit(limit)).all()
    return Window(rows=list(rows), total=int(total))
