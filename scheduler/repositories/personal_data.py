"""Every row that is about one client, for exporting or erasing their personal data."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from scheduler.repositories.common import Row


def client_rows(
    model: type[Row], municipality_id: int, client_id: int, *, session: Session
) -> list[Row]:
    """The rows of `model` (a table with `client_id`) about this client of the municipality."""
    owner: Any = model.municipality_id  # type: ignore[attr-defined]
    client: Any = model.client_id  # type: ignore[attr-defined]
    return list(session.exec(select(model).where(owner == municipality_id, client == client_id)))
