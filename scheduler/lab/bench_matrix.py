"""The matrix-store benchmark: a 600-point matrix cold, warm, and with a few new points.

Run: `python -m scheduler.lab.bench_matrix --database-url URL [--points 600] [--extract PBF]`
(a migrated
database is made from the URL's empty one; each run uses a new municipality, so nothing stored
by an earlier run is read). Timed, each through `MatrixStore.matrices`:
- cold with the straight-line provider (computing it costs almost nothing: what is left is the
  store's own writing and reading);
- cold with a slow provider: straight lines answered after `--call-ms` per call plus
  `--cell-us` per cell, about what a road-network matrix costs (a 600-point Valhalla matrix
  takes seconds, not milliseconds);
- warm: the same points again, read back from the database (best of five);
- 10 new points on top of the stored ones, with the slow provider.

With `--extract` the slow provider is a real road network instead: the extract's tiles built
in a temporary directory, points drawn on its roads, Valhalla's matrix in blocks on every core
(`--workers`), worker processes started anew: cold is what a first plan on a new build waits.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from routing.problem import Location, Matrices
from routing.travel import GreatCircle, TravelProvider
from scheduler.db import make_engine
from scheduler.migrate import upgrade
from scheduler.models import Municipality
from scheduler.roads.pbf import read_box
from scheduler.roads.store import MatrixStore
from scheduler.roads.tiles import build_tiles
from scheduler.roads.valhalla import Valhalla, actor_call, default_workers


class Slow:
    """Straight-line times at a road network's price: a wait per call and per cell."""

    def __init__(self, call_s: float, cell_s: float) -> None:
        self.inner = GreatCircle(cache_size=0)
        self.call_s, self.cell_s = call_s, cell_s

    def matrices(self, points: Sequence[Location], profile: str) -> Matrices:
        time.sleep(self.call_s + self.cell_s * len(points) ** 2)
        return self.inner.matrices(points, profile)


def _points(n: int, seed: int) -> list[Location]:
    rng = random.Random(seed)
    return [(25.3 + rng.random() * 0.3, 42.5 + rng.random() * 0.2) for _ in range(n)]


def _town(engine: Engine) -> int:
    with Session(engine) as session:
        town = Municipality(name=f"Bench {time.time_ns()}")
        session.add(town)
        session.commit()
        assert town.id is not None
        return town.id


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


@contextmanager
def road_network(extract: Path, n: int, workers: int) -> Iterator[tuple[Valhalla, list[Location]]]:
    """Valhalla on the extract's freshly built tiles, and `n` points on its roads."""
    from scheduler.lab.roads_town import road_points

    box = read_box(extract)
    if box is None:
        raise ValueError("extract: Expected a PBF whose header has a bounding box")
    with tempfile.TemporaryDirectory(prefix="bench-matrix-") as tmp:
        build = build_tiles(extract, Path(tmp), 0)
        points = road_points(actor_call(build.config_path), box, n, seed=0)
        pooled = actor_call(build.config_path, processes=workers)
        yield Valhalla(pooled, workers=workers, cache_size=0), points


def run(
    url: str, n: int, call_s: float, cell_s: float, extract: Path | None = None, workers: int = 0
) -> dict[str, float]:
    upgrade(url)
    engine = make_engine(url)

    def store(provider: TravelProvider) -> MatrixStore:
        return MatrixStore(engine, provider, municipality_id=_town(engine), source="bench")

    def timings(slow: MatrixStore, points: list[Location], name: str) -> dict[str, float]:
        straight = store(GreatCircle(cache_size=0))
        return {
            "cold, straight lines": _timed(lambda: straight.matrices(points[:n], "car")),
            f"cold, {name}": _timed(lambda: slow.matrices(points[:n], "car")),
            "warm": min(_timed(lambda: slow.matrices(points[:n], "car")) for _ in range(5)),
            f"10 new points, {name}": _timed(lambda: slow.matrices(points, "car")),
        }

    if extract is None:
        found = timings(store(Slow(call_s, cell_s)), _points(n + 10, seed=n), "slow provider")
    else:
        with road_network(extract, n + 10, workers or default_workers()) as (roads, points):
            found = timings(store(roads), points, "road graph")
    engine.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--points", type=int, default=600)
    parser.add_argument("--call-ms", type=float, default=50.0)
    parser.add_argument("--cell-us", type=float, default=10.0)
    parser.add_argument("--extract", type=Path, help="an .osm.pbf: time its road network")
    parser.add_argument("--workers", type=int, default=0, help="0: one per core")
    args = parser.parse_args()
    found = run(args.database_url, args.points, args.call_ms / 1000, args.cell_us / 1e6,
                args.extract, args.workers)  # fmt: skip
    backend = args.database_url.split(":", 1)[0].split("+", 1)[0]
    for what, seconds in found.items():
        print(f"| {backend} | {args.points} | {what} | {seconds:.3f} s |")


if __name__ == "__main__":
    main()
