"""The road benchmark: matrix times on a real extract, and what planning on straight lines costs.

Setup: the extract's tiles are built into a temporary directory (timed, reported), and real
points on its roads are drawn (scheduler/lab/roads_town.py).

1. Matrices, cold: a fresh provider (no cache, worker processes started anew) per size, car
   profile, in blocks of `BLOCK` points a side: once one block at a time in this process, once
   `workers` blocks at a time in as many worker processes (the product's default).
2. What straight lines cost: one meal day (a kitchen, vans, clients with a half-hour window
   and a hot-meal ride limit) is planned twice, on straight lines and on road times. Both plans
   are then driven on road times from the time each van leaves the kitchen, counting the meals
   that would arrive after their window or after the ride limit.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import routing
from routing.problem import Location, Matrices
from routing.travel import GreatCircle, TravelProvider, with_matrices
from scheduler.lab.roads_town import connected, road_points
from scheduler.roads.pbf import read_box
from scheduler.roads.tiles import build_tiles
from scheduler.roads.valhalla import Valhalla, actor_call, default_workers

Progress = Callable[[str], None]
SERVICE_S = 180
SHIFT = (10 * 3600 + 30 * 60, 14 * 3600 + 30 * 60)


@dataclass(frozen=True)
class MatrixTime:
    points: int
    seconds: float  # one block at a time, in this process
    parallel_seconds: float  # `workers` blocks at a time, in worker processes
    unreachable_pairs: int


@dataclass(frozen=True)
class Driven:
    """A plan driven on road times."""

    planned_on: str
    assigned: int
    unassigned: int
    late: int
    over_ride: int
    worst_late_s: int


@dataclass(frozen=True)
class RoadBench:
    extract: str
    build_s: float
    matrices: tuple[MatrixTime, ...]
    clients: int
    vans: int
    ride_limit_min: int
    driven: tuple[Driven, ...]
    workers: int


def run(
    extract: Path,
    sizes: Sequence[int] = (100, 600, 2000),
    *,
    clients: int = 48,
    vans: int = 4,
    ride_limit_min: int = 45,
    solve_s: float = 5.0,
    seed: int = 0,
    workers: int = 0,
    progress: Progress = lambda _: None,
) -> RoadBench:
    workers = workers or default_workers()
    box = read_box(extract)
    if box is None:
        raise ValueError("extract: Expected a PBF whose header has a bounding box")
    with tempfile.TemporaryDirectory(prefix="bench-roads-") as tmp:
        started = time.perf_counter()
        build = build_tiles(extract, Path(tmp), 0)
        build_s = time.perf_counter() - started
        progress(f"tiles built in {build_s:.1f} s")
        call = actor_call(build.config_path)
        points = road_points(call, box, max(sizes), seed=seed)
        times = []
        for n in sizes:
            one, result = _cold(points[:n], Valhalla(call))
            pooled = actor_call(build.config_path, processes=workers)
            many, again = _cold(points[:n], Valhalla(pooled, workers=workers))
            if again.durations != result.durations:  # blocks are the same requests either way
                raise AssertionError(f"{n} points: the parallel matrix differs")
            gaps = sum(d >= 10_000_000 for row in result.durations for d in row)
            times.append(MatrixTime(min(n, len(points)), one, many, gaps))
            progress(f"{n} points: {one:.1f} s in one process, {many:.1f} s in {workers}")
        roads = Valhalla(call)
        town = connected(roads, points[: clients * 3])[: clients + 1]
        problem = meal_day(town, vans, ride_limit_min, seed)
        driven = tuple(
            drive(problem, plan(problem, provider, solve_s, seed), roads, name)
            for name, provider in (("straight lines", GreatCircle()), ("road times", roads))
        )
    return RoadBench(extract.name, build_s, tuple(times), len(town) - 1, vans, ride_limit_min,
                     driven, workers)  # fmt: skip


def _cold(points: Sequence[Location], provider: Valhalla) -> tuple[float, Matrices]:
    started = time.perf_counter()
    result = provider.matrices(points, "car")
    return time.perf_counter() - started, result


def meal_day(
    town: Sequence[Location], vans: int, ride_limit_min: int, seed: int
) -> routing.Problem:
    """A kitchen at the first point, a client at each other with a half-hour window."""
    rng = random.Random(seed)
    kitchen, homes = town[0], town[1:]
    capacity = -(-len(homes) // vans) + 2
    jobs = []
    for i, home in enumerate(homes):
        opens = 11 * 3600 + rng.randrange(0, 5) * 1800
        jobs.append(routing.Job(f"c{i}", location=home, service=SERVICE_S, delivery=(1,),
                                time_windows=((opens, opens + 1800),),
                                max_ride_time=ride_limit_min * 60))  # fmt: skip
    fleet = tuple(routing.Vehicle(f"v{v}", start=kitchen, end=kitchen, time_window=SHIFT,
                                  capacity=(capacity,)) for v in range(vans))  # fmt: skip
    return routing.Problem(vehicles=fleet, jobs=tuple(jobs))


def plan(
    problem: routing.Problem, provider: TravelProvider, solve_s: float, seed: int
) -> routing.Solution:
    return routing.solve(with_matrices(problem, provider), routing.SolveParams(solve_s, seed))


def drive(
    problem: routing.Problem, solution: routing.Solution, roads: Valhalla, name: str
) -> Driven:
    """The plan's routes driven on road times, each van leaving when the plan says."""
    jobs = {j.id: j for j in problem.jobs}
    late = over = worst = 0
    for route in solution.routes:
        vehicle = next(v for v in problem.vehicles if v.id == route.vehicle)
        assert vehicle.start is not None
        stops = [jobs[j] for j in route.job_ids]
        where = [vehicle.start, *(j.location for j in stops if j.location is not None)]
        durations = roads.matrices(where, vehicle.profile).durations
        leaves = route.steps[0].departure or route.steps[0].arrival
        t, at = leaves, 0
        for index, job in enumerate(stops, start=1):
            arrival = t + durations[at][index]
            opens, closes = job.time_windows[0]
            begin = max(arrival, opens)
            if begin > closes:
                late += 1
                worst = max(worst, begin - closes)
            elif job.max_ride_time is not None and arrival - leaves > job.max_ride_time:
                over += 1
            t, at = begin + job.service, index
    assigned = sum(len(r.job_ids) for r in solution.routes)
    return Driven(name, assigned, len(solution.unassigned), late, over, worst)
