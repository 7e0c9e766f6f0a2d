"""The matrix store: rows kept per municipality, profile and source; only new points computed.

Each test runs on SQLite and on PostgreSQL (the `engine` fixture). The provider is the
straight-line one behind a counter of what it was asked, so "computed" is measurable.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from routing.problem import Location, Matrices
from routing.travel import GreatCircle
from scheduler.models import Caregiver, Client, ClientStatus, Kitchen, Municipality, TravelMode
from scheduler.repositories.matrices import matrix_rows
from scheduler.roads.store import MatrixStore, warm_up


class Counting:
    """Great-circle times, counting the calls and the points of each call."""

    def __init__(self) -> None:
        self.inner = GreatCircle(cache_size=0)
        self.calls: list[tuple[Location, ...]] = []

    def matrices(self, points: Sequence[Location], profile: str) -> Matrices:
        self.calls.append(tuple(points))
        return self.inner.matrices(points, profile)

    @property
    def cells(self) -> int:
        return sum(len(c) ** 2 for c in self.calls)


def _town(engine: Engine, name: str = "Kazanlak") -> int:
    with Session(engine) as session:
        town = Municipality(name=name)
        session.add(town)
        session.commit()
        assert town.id is not None
        return town.id


def _points(n: int, seed: int = 7) -> list[Location]:
    rng = random.Random(seed)
    return [(25.3 + rng.random() * 0.2, 42.55 + rng.random() * 0.15) for _ in range(n)]


def test_stored_matrix_equals_the_providers_in_any_order(engine: Engine) -> None:
    mid, points = _town(engine), _points(30)
    store = MatrixStore(engine, Counting(), municipality_id=mid, source="greatcircle")
    store.matrices(points[:20], "car")
    asked = [points[25], points[3], points[19], points[3], points[0]]  # new, stored, a repeat
    assert store.matrices(asked, "car") == GreatCircle().matrices(asked, "car")


def test_only_new_points_are_computed(engine: Engine) -> None:
    mid, points = _town(engine), _points(200)
    provider = Counting()
    store = MatrixStore(engine, provider, municipality_id=mid, source="greatcircle", block=50)
    store.matrices(points[:198], "car")
    assert provider.cells == 198**2
    provider.calls.clear()

    store.matrices(points, "car")  # two new points among 200

    # Every call holds both new points and at most one block of stored ones: 4 blocks of 50.
    assert all(set(points[198:]) <= set(c) for c in provider.calls)
    assert len(provider.calls) == 4 and provider.cells == 3 * 52**2 + 50**2
    assert provider.cells < 200**2 / 3  # against 40,000 for the whole matrix again
    provider.calls.clear()
    assert store.matrices(points[::-1], "car") == GreatCircle().matrices(points[::-1], "car")
    assert provider.calls == []  # warm: nothing computed


def test_a_new_source_drops_the_old_rows(engine: Engine) -> None:
    mid, points = _town(engine), _points(10)
    old = MatrixStore(engine, Counting(), municipality_id=mid, source="valhalla:1")
    old.matrices(points, "car")
    provider = Counting()
    MatrixStore(engine, provider, municipality_id=mid, source="valhalla:2").matrices(points, "car")
    assert provider.cells == 100  # nothing reused from build 1
    with Session(engine) as session:
        assert matrix_rows(mid, "car", "valhalla:1", session=session) == []
        assert len(matrix_rows(mid, "car", "valhalla:2", session=session)) == 10


def test_rows_are_kept_per_municipality_and_profile(engine: Engine) -> None:
    here, there, points = _town(engine), _town(engine, "Pavel Banya"), _points(8)
    MatrixStore(engine, Counting(), municipality_id=here, source="gc").matrices(points, "car")
    provider = Counting()
    MatrixStore(engine, provider, municipality_id=there, source="gc").matrices(points, "car")
    MatrixStore(engine, provider, municipality_id=here, source="gc").matrices(points, "foot")
    assert provider.cells == 2 * 64  # neither another town's rows nor another profile's
    with Session(engine) as session:
        assert len(matrix_rows(here, "car", "gc", session=session)) == 8
        assert len(matrix_rows(there, "car", "gc", session=session)) == 8
        assert len(matrix_rows(there, "foot", "gc", session=session)) == 0


def test_warm_up_stores_every_known_place_for_the_profiles_in_use(engine: Engine) -> None:
    mid = _town(engine)
    pts = _points(5)
    with Session(engine) as session:
        session.add(
            Kitchen(municipality_id=mid, external_id="K1", name="K", lon=pts[0][0], lat=pts[0][1])
        )
        for i, (lon, lat) in enumerate(pts[1:4]):
            session.add(
                Client(municipality_id=mid, external_id=f"C{i}", name=f"C{i}", lon=lon, lat=lat)
            )
        gone = pts[4]
        session.add(
            Client(municipality_id=mid, external_id="C9", name="Gone", lon=gone[0], lat=gone[1],
                   status=ClientStatus.ended)
        )  # fmt: skip
        session.add(
            Caregiver(municipality_id=mid, external_id="G1", name="G", mode=TravelMode.foot,
                      start_lon=25.41, start_lat=42.6)
        )  # fmt: skip
        session.commit()
    provider = Counting()
    assert warm_up(engine, mid, provider, "gc") == 5  # kitchen, three clients, a home
    assert len(provider.calls) == 2  # car and foot
    asked = [pts[1], (25.41, 42.6)]
    provider.calls.clear()
    store = MatrixStore(engine, provider, municipality_id=mid, source="gc")
    assert store.matrices(asked, "foot") == GreatCircle().matrices(asked, "foot")
    assert provider.calls == []


def test_a_bad_source_is_refused() -> None:
    with pytest.raises(ValueError, match="source"):
        MatrixStore(None, Counting(), municipality_id=1, source="")  # type: ignore[arg-type]


class Racing(Counting):
    """On its first call, another writer stores other points first (as another process would
    while this one computes): this writer's rows then collide and it must read again."""

    def __init__(self, other: MatrixStore, theirs: list[Location]) -> None:
        super().__init__()
        self.other, self.theirs = other, theirs

    def matrices(self, points: Sequence[Location], profile: str) -> Matrices:
        if not self.calls:
            self.other.matrices(self.theirs, profile)
        return super().matrices(points, profile)


def test_a_writer_that_lost_a_race_reads_again_and_adds_only_its_own(engine: Engine) -> None:
    mid, points = _town(engine), _points(12)
    other = MatrixStore(engine, Counting(), municipality_id=mid, source="gc")
    racing = Racing(other, points[:8])
    store = MatrixStore(engine, racing, municipality_id=mid, source="gc")
    mine = points[4:]
    assert store.matrices(mine, "car") == GreatCircle().matrices(mine, "car")
    assert len(racing.calls) == 2 and set(racing.calls[1][-4:]) == set(points[8:])
    with Session(engine) as session:
        rows = matrix_rows(mid, "car", "gc", session=session)
    assert [r.position for r in rows] == list(range(12))
