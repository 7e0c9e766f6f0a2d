"""Travel matrices kept as data: each point's row stored once, only new points computed.

Clients' homes barely change from day to day, so a municipality's matrix is kept in the
database (`MatrixRow`, one row per origin point, int32 cells) per profile and *source*: the
provider and its data ("greatcircle", "valhalla:<build id>"). Asking for a matrix reads the
stored rows; points not stored yet are computed, appended (a new row each, and a new cell at
the end of every stored row) and committed before the answer. A new source (a new road build)
drops the rows of the old one. `warm_up` fills the rows of every known place of a
municipality, so that the cut-off's and the morning's plans, and every re-plan after them,
find their matrix stored and never wait for a provider.

Errors: `MatrixStoreBusyError` when other processes keep adding points at the same time
through every attempt; a provider's own errors pass through, with nothing written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from routing.problem import Location, Matrices
from routing.travel import TravelProvider
from scheduler.models import MatrixRow
from scheduler.repositories.matrices import (
    RowGrowth,
    StoredRow,
    add_matrix_rows,
    drop_other_sources,
    grow_matrix_rows,
    known_points,
    matrix_rows,
    travel_profiles,
)
from scheduler.roads.osrm import UNREACHABLE_S

CELL = np.dtype("<i4")
CELL_MAX = 2**31 - 1


class MatrixStoreBusyError(Exception):
    """Other writers kept adding points to the same matrix through every attempt."""


@dataclass(frozen=True)
class _Fill:
    """The computed cells for new points: old→new (to append to stored rows) and new→all."""

    to_new_s: np.ndarray
    to_new_m: np.ndarray
    from_new_s: np.ndarray
    from_new_m: np.ndarray


class MatrixStore:
    """A `TravelProvider` that keeps `provider`'s rows in the database, for one municipality.

    `block` is the smallest group of stored points asked for together with the new ones: the
    provider only answers square matrices, so the cells between stored and new points are
    computed in groups (stored block + new points), wasting a block's own square each time.
    """

    def __init__(
        self,
        engine: Engine | Connection,
        provider: TravelProvider,
        *,
        municipality_id: int,
        source: str,
        block: int = 64,
        attempts: int = 3,
    ) -> None:
        if not source:
            raise ValueError("source: Expected a name such as 'greatcircle'")
        if block < 1:
            raise ValueError(f"block: Expected at least 1, got {block}")
        self.engine = engine
        self.provider = provider
        self.municipality_id = municipality_id
        self.source = source
        self.block = block
        self.attempts = attempts
        self.unreachable: tuple[Location, ...] = ()  # of the last matrices, as Valhalla's

    def matrices(self, points: Sequence[Location], profile: str) -> Matrices:
        found = self._matrices(points, profile)
        self.unreachable = unreachable_in(points, found)
        return found

    def _matrices(self, points: Sequence[Location], profile: str) -> Matrices:
        wanted = list(dict.fromkeys(points))
        for _ in range(self.attempts):
            rows = self._read(profile)
            stored = {(r.lon, r.lat) for r in rows}
            new = [p for p in wanted if p not in stored]
            if not new:
                return _assemble(rows, points)
            try:
                self._add(rows, new, profile)
            except IntegrityError:  # another process added points first: read again
                continue
            return _assemble(self._read(profile), points)
        raise MatrixStoreBusyError(
            f"matrix {self.source}/{profile} of municipality {self.municipality_id}: "
            f"other writers kept adding points through {self.attempts} attempts"
        )

    def _session(self) -> Session:
        """A session of its own; on a caller's connection (a plan's transaction, which on
        SQLite holds the only write lock) its commits are savepoints inside that transaction."""
        return Session(self.engine, join_transaction_mode="create_savepoint")

    def _read(self, profile: str) -> list[StoredRow]:
        with self._session() as session:
            return matrix_rows(self.municipality_id, profile, self.source, session=session)

    def _add(self, rows: list[StoredRow], new: list[Location], profile: str) -> None:
        """Compute the new points' cells (outside any transaction: a provider may be slow),
        then write them in one transaction."""
        old = [(r.lon, r.lat) for r in rows]
        fill = self._compute(old, new, profile)
        mid, n_old = self.municipality_id, len(old)
        added = [
            MatrixRow(
                municipality_id=mid,
                profile=profile,
                source=self.source,
                position=n_old + i,
                lon=lon,
                lat=lat,
                seconds=_packed(fill.from_new_s[i]),
                metres=_packed(fill.from_new_m[i]),
            )
            for i, (lon, lat) in enumerate(new)
        ]
        grown = [
            RowGrowth(
                r.id, r.seconds + _packed(fill.to_new_s[j]), r.metres + _packed(fill.to_new_m[j])
            )
            for j, r in enumerate(rows)
        ]
        with self._session() as session:
            drop_other_sources(mid, profile, self.source, session=session)
            add_matrix_rows(mid, added, session=session)
            grow_matrix_rows(mid, grown, session=session)
            session.commit()

    def _compute(self, old: list[Location], new: list[Location], profile: str) -> _Fill:
        n_old, k = len(old), len(new)
        fill = _Fill(
            to_new_s=np.zeros((n_old, k), dtype=np.int64),
            to_new_m=np.zeros((n_old, k), dtype=np.int64),
            from_new_s=np.zeros((k, n_old + k), dtype=np.int64),
            from_new_m=np.zeros((k, n_old + k), dtype=np.int64),
        )
        size = max(k, self.block)
        for start in range(0, max(n_old, 1), size):
            block = old[start : start + size]
            b, end = len(block), start + len(block)
            found = self.provider.matrices([*block, *new], profile)
            seconds = np.asarray(found.durations, dtype=np.int64)
            metres = np.asarray(found.costs_distances, dtype=np.int64)
            fill.to_new_s[start:end] = seconds[:b, b:]
            fill.to_new_m[start:end] = metres[:b, b:]
            fill.from_new_s[:, start:end] = seconds[b:, :b]
            fill.from_new_m[:, start:end] = metres[b:, :b]
            fill.from_new_s[:, n_old:] = seconds[b:, b:]
            fill.from_new_m[:, n_old:] = metres[b:, b:]
        return fill


def _packed(cells: np.ndarray) -> bytes:
    if cells.size and int(cells.max()) > CELL_MAX:
        raise ValueError(f"travel: Expected at most {CELL_MAX} s or m, got {int(cells.max())}")
    return cells.astype(CELL).tobytes()


def _assemble(rows: list[StoredRow], points: Sequence[Location]) -> Matrices:
    """The stored rows as the matrix of `points`, in their order (repeats allowed)."""
    n = len(rows)
    at = {(r.lon, r.lat): r.position for r in rows}
    seconds = np.frombuffer(b"".join(r.seconds for r in rows), dtype=CELL)
    metres = np.frombuffer(b"".join(r.metres for r in rows), dtype=CELL)
    if seconds.size != n * n or metres.size != n * n:
        raise ValueError(f"matrix rows: Expected {n} rows of {n} cells, got {seconds.size} cells")
    index = np.asarray([at[p] for p in points], dtype=np.int64)
    pick = np.ix_(index, index)
    return Matrices(
        durations=tuple(map(tuple, seconds.reshape(n, n)[pick].tolist())),
        distances=tuple(map(tuple, metres.reshape(n, n)[pick].tolist())),
    )


def warm_up(
    engine: Engine,
    municipality_id: int,
    provider: TravelProvider,
    source: str,
    profiles: Sequence[str] | None = None,
) -> int:
    """Store the rows of every known place of the municipality (clients, kitchens, caregivers'
    homes) for each profile its plans use; returns how many places. Cheap when nothing is new:
    one read per profile."""
    with Session(engine) as session:
        points = known_points(municipality_id, session=session)
        wanted = list(profiles or travel_profiles(municipality_id, session=session))
    store = MatrixStore(engine, provider, municipality_id=municipality_id, source=source)
    for profile in wanted:
        store.matrices(points, profile)
    return len(points)


def unreachable_in(points: Sequence[Location], found: Matrices) -> tuple[Location, ...]:
    """The points no other point reaches nor is reached from (a road provider's no-road mark
    in every cell of their row and column): what the stored rows say of unreachable clients."""
    n = len(points)
    if n < 2:
        return ()
    d = found.durations
    return tuple(
        points[i]
        for i in range(n)
        if all(d[i][j] >= UNREACHABLE_S and d[j][i] >= UNREACHABLE_S for j in range(n) if j != i)
    )
