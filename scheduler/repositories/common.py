"""Helpers every repository shares: the change report of an upsert and tenant-scoped lookups."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, select
from sqlmodel.sql.expression import SelectOfScalar

from scheduler.errors import FieldProblem, InvalidInputError, NotFoundError
from scheduler.intake.calendar import normalize_weekdays
from scheduler.refusals import Reason, ReasonError, problem

Row = TypeVar("Row", bound=SQLModel)


class Change(StrEnum):
    """What an upsert did to the stored row."""

    created = "created"
    updated = "updated"
    unchanged = "unchanged"


def raise_problems(problems: list[FieldProblem]) -> None:
    if problems:
        raise InvalidInputError(problems)


def require_text(value: str | None, field: str) -> list[FieldProblem]:
    """Required text must have something besides spaces (pydantic lets '' through, and a
    partial change may send an explicit null)."""
    return [] if value is not None and value.strip() else [problem(field, Reason.empty)]


def get_owned(model: type[Row], municipality_id: int, row_id: int, *, session: Session) -> Row:
    """The row with `row_id` if it belongs to the municipality; otherwise NotFoundError.

    A row of another municipality is reported exactly like a missing one, so ids leak nothing.
    """
    row = find_owned(model, municipality_id, row_id, session=session)
    if row is None:
        raise NotFoundError(model.__name__, row_id)
    return row


def by_external_id(
    model: type[Row], municipality_id: int, external_id: str, *, session: Session
) -> Row | None:
    column: Any = model.external_id  # type: ignore[attr-defined]
    owner: Any = model.municipality_id  # type: ignore[attr-defined]
    statement = select(model).where(owner == municipality_id, column == external_id)
    return session.exec(statement).first()


def all_by_external_id(
    model: type[Row], municipality_id: int, *, session: Session
) -> dict[str, Row]:
    owner: Any = model.municipality_id  # type: ignore[attr-defined]
    rows = session.exec(select(model).where(owner == municipality_id)).all()
    return {row.external_id: row for row in rows}  # type: ignore[attr-defined]


def save(
    session: Session,
    model: type[Row],
    existing: Row | None,
    municipality_id: int,
    values: Mapping[str, Any],
) -> tuple[Row, Change]:
    """Insert a new row, or set only the fields that differ on the existing one.

    Only the fields the caller set are written, so an import leaves alone the columns its file
    does not carry (a client's status, a kitchen's portions per box set in the dispatcher's UI).
    """
    raise_problems(_missing_values(model, values))
    if existing is None:
        row = model(municipality_id=municipality_id, **values)
        session.add(row)
        session.flush()
        return row, Change.created
    changed = False
    for name, value in values.items():
        if getattr(existing, name) != value:
            setattr(existing, name, value)
            changed = True
    if not changed:
        return existing, Change.unchanged
    session.add(existing)
    session.flush()
    return existing, Change.updated


def _missing_values(model: type[SQLModel], values: Mapping[str, Any]) -> list[FieldProblem]:
    """An explicit null for a column that must hold a value (a partial change that "clears" a
    client's address): refused by name here, not by the database at commit."""
    columns = model.__table__.columns  # type: ignore[attr-defined]
    return [
        problem(name, Reason.no_value)
        for name, value in values.items()
        if value is None and name in columns and not columns[name].nullable
    ]


def check_reference(
    model: type[SQLModel], municipality_id: int, row_id: int | None, field: str, *, session: Session
) -> list[FieldProblem]:
    """A problem when `row_id` names no row of `model` in this municipality (None is fine)."""
    if row_id is None:
        return []
    row = session.get(model, row_id)
    if row is None or getattr(row, "municipality_id", None) != municipality_id:
        return [problem(field, Reason.not_found, entity=model.__name__.lower(), value=row_id)]
    return []


def check_weekdays(values: dict[str, Any], field: str = "weekdays") -> list[FieldProblem]:
    """Validate and normalise a weekday text in `values` in place (when it was given)."""
    if field not in values:
        return []
    try:
        values[field] = normalize_weekdays(values[field])
    except ReasonError as exc:
        return [exc.problem(field)]
    except ValueError as exc:
        return [FieldProblem(field, str(exc))]
    return []


def local_time_problems(values: Mapping[str, Any], *fields: str) -> list[FieldProblem]:
    """Times of day are the municipality's own wall-clock times: one given with a zone (such as
    `08:00Z`) is refused rather than stored as something no rule could compare."""
    return [
        problem(name, Reason.zoned_time)
        for name in fields
        if getattr(values.get(name), "tzinfo", None) is not None
    ]


def check_order(
    values: Mapping[str, Any], first: str, last: str, *, strict: bool = True
) -> list[FieldProblem]:
    """A problem when `values[last]` is before (or, if strict, equal to) `values[first]`."""
    zoned = local_time_problems(values, first, last)
    start, end = values.get(first), values.get(last)
    if zoned or start is None or end is None:
        return zoned
    if end < start or (strict and end == start):
        reason = Reason.not_after if strict else Reason.not_at_or_after
        return [problem(last, reason, first=first, start=f"{start:%H:%M}", end=f"{end:%H:%M}")]
    return []


def where_day_rows(
    query: SelectOfScalar[Row],
    model: Any,
    *,
    day: date | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    status: Any = None,
    client_id: int | None = None,
) -> SelectOfScalar[Row]:
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


def find_owned(
    model: type[Row], municipality_id: int, row_id: int, *, session: Session
) -> Row | None:
    """The row with `row_id` if it belongs to the municipality, else None (for callers that
    report a missing row in their own words rather than with NotFoundError)."""
    row = session.get(model, row_id)
    if row is None or getattr(row, "municipality_id", None) != municipality_id:
        return None
    return row
