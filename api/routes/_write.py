"""Helpers for write routes: merge a partial change into a full record, and audit it."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from sqlmodel import Session, SQLModel

from scheduler.audit import audit

M = TypeVar("M", bound=BaseModel)


class Who(Protocol):
    """Whoever makes a change: a REST caller or a signed-in page user, named alike in the log."""

    @property
    def municipality_id(self) -> int: ...

    @property
    def actor(self) -> str: ...


def merged(row: SQLModel, record: type[M], changes: BaseModel) -> M:
    """The full record of `row` with the fields `changes` sets, checked by `record`'s rules."""
    current = row.model_dump(include=set(record.model_fields))
    given: dict[str, Any] = changes.model_dump(exclude_unset=True)
    try:
        return record.model_validate({**current, **given})
    except ValidationError as exc:  # e.g. an explicit null for a field that must have a value
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from exc


def audited(
    session: Session, caller: Who, action: str, entity: str, entity_id: object, **detail: object
) -> None:
    audit(
        caller.municipality_id,
        session=session,
        actor=caller.actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail=detail,
    )
