"""Stored travel-matrix rows (`MatrixRow`) and the points a municipality's matrices are kept for.

Rows are written through `scheduler.roads.store.MatrixStore`, which owns their encoding; here
are only the reads and writes, each scoped to one municipality, profile and source.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import bindparam, delete, update
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from scheduler.models import Caregiver, Client, ClientStatus, Kitchen, MatrixRow


class StoredRow(NamedTuple):
    id: int
    position: int
    lon: float
    lat: float
    seconds: bytes
    metres: bytes


class RowGrowth(NamedTuple):
    """A stored row's whole new encoding, once the cells to new points are appended."""

    id: int
    seconds: bytes
    metres: bytes


def matrix_rows(
    municipality_id: int, profile: str, source: str, *, session: Session
) -> list[StoredRow]:
    """Every stored row of this matrix, by position."""
    # More columns than sqlmodel's `select` types: SQLAlchemy's own, rows as plain tuples.
    query = (
        select_columns(
            col(MatrixRow.id),
            col(MatrixRow.position),
            col(MatrixRow.lon),
            col(MatrixRow.lat),
            col(MatrixRow.seconds),
            col(MatrixRow.metres),
        )
        .where(
            col(MatrixRow.municipality_id) == municipality_id,
            col(MatrixRow.profile) == profile,
            col(MatrixRow.source) == source,
        )
        .order_by(col(MatrixRow.position))
    )
    return [StoredRow(*r) for r in session.execute(query).all()]


def drop_other_sources(
    municipality_id: int, profile: str, source: str, *, session: Session
) -> None:
    """Forget this profile's rows from any other source (an older road build)."""
    session.execute(
        delete(MatrixRow).where(
            col(MatrixRow.municipality_id) == municipality_id,
            col(MatrixRow.profile) == profile,
            col(MatrixRow.source) != source,
        )
    )


def add_matrix_rows(municipality_id: int, rows: Sequence[MatrixRow], *, session: Session) -> None:
    """New points' rows; a position already taken fails the flush (a concurrent writer)."""
    for row in rows:
        if row.municipality_id != municipality_id:
            raise ValueError(
                f"municipality_id: Expected {municipality_id}, got {row.municipality_id}"
            )
    session.add_all(rows)
    session.flush()


def grow_matrix_rows(municipality_id: int, grown: Sequence[RowGrowth], *, session: Session) -> None:
    """Rewrite stored rows with their cells to new points appended, in one executemany."""
    if not grown:
        return
    table = MatrixRow.__table__  # type: ignore[attr-defined]
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"), table.c.municipality_id == municipality_id)
        .values(seconds=bindparam("row_seconds"), metres=bindparam("row_metres"))
    )
    params = [{"row_id": g.id, "row_seconds": g.seconds, "row_metres": g.metres} for g in grown]
    session.connection().execute(statement, params)


def known_points(municipality_id: int, *, session: Session) -> list[tuple[float, float]]:
    """`(lon, lat)` of every place a plan of the municipality may visit or start from: clients
    not ended, kitchens and active caregivers' homes; each once, in a stable order."""
    clients = select(Client.lon, Client.lat).where(
        Client.municipality_id == municipality_id, Client.status != ClientStatus.ended
    )
    kitchens = select(Kitchen.lon, Kitchen.lat).where(Kitchen.municipality_id == municipality_id)
    homes = select(Caregiver.start_lon, Caregiver.start_lat).where(
        Caregiver.municipality_id == municipality_id, col(Caregiver.active).is_(True)
    )
    found: dict[tuple[float, float], None] = {}
    for query in (kitchens, homes, clients):
        for lon, lat in session.exec(query).all():
            found[(float(lon), float(lat))] = None
    return list(found)


def travel_profiles(municipality_id: int, *, session: Session) -> list[str]:
    """The profiles the municipality's plans use: vans drive ("car"), caregivers go their way."""
    modes = select(Caregiver.mode).where(
        Caregiver.municipality_id == municipality_id, col(Caregiver.active).is_(True)
    )
    return sorted({"car"} | {str(m) for m in session.exec(modes.distinct()).all()})
