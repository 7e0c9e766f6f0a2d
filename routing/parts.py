"""Large days solved part by part: jobs that no vehicle of another part may serve.

A city's meal day ties every client to the vans of one kitchen (`allowed_vehicles`), so its
five kitchens are five problems that share nothing: no van of one can serve a client of
another. One search over all of them spends its time on moves that can never be legal and
builds a model (2,000 jobs, 40 vans with their reload nodes) whose first answer alone takes
most of a minute. Solved apart, each part is a problem the size of a town's day.

The parts are the connected components of "this job may go on this vehicle"; a job any
vehicle may serve joins everything, so a day without such ties stays whole. Days with
linked visits (`sync`, `follows`) are never split: their rules cross vehicles. Each part gets
its own small matrices (the rows and columns of its locations), the time left shared by its
number of jobs (a part that ends early leaves its time to the next), and the answers are put
back together in the problem's vehicle order. Every part is a whole `solve`, so its answer is
re-timed and checked there, and the caller checks the merged one against the whole problem.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any

from routing.problem import Job, Matrices, Problem, Vehicle
from routing.solution import Solution, Summary

# Below this many jobs one search sees the whole day. On the 545-stop Kazanlak day (two
# kitchens, 20 s, load 10) the whole day's two searches side by side drove 440-448 km, its
# parts one search each 508 km (and once left a meal out): there the second search's other
# first answer is worth more than the split. On the 1,992-stop city day the whole-day search
# had no useful answer within the minute (1,757 left out) and the parts served every meal.
MIN_JOBS = 1000

log = logging.getLogger(__name__)

# A part, its seconds and how many searches side by side (None: the default) -> its answer.
SolvePart = Callable[[Problem, float, int | None], Solution]
# A lane in its own process that has not answered this long after the deadline has failed
# (its own searches stop at the deadline, plus a first answer's grace): its parts are solved
# again here with what time is left.
LANE_GRACE_S = 10.0


def split(problem: Problem) -> list[Problem]:
    """The independent parts of the problem, largest first; one part when it does not split."""
    if not problem.vehicles or any(j.sync is not None or j.follows for j in problem.jobs):
        return [problem]
    groups = _components(problem)
    if len(groups) < 2:
        return [problem]
    parts = [_part(problem, vehicles, jobs) for vehicles, jobs in groups]
    return sorted(parts, key=lambda p: -len(p.jobs))


def wants_parts(problem: Problem) -> bool:
    return len(problem.jobs) >= MIN_JOBS and problem.uses_matrices


def lanes(parts: Sequence[Problem], count: int) -> list[list[Problem]]:
    """The parts dealt to `count` lanes, each part to the lane with the fewest jobs so far
    (largest first), so that the lanes end together."""
    dealt: list[list[Problem]] = [[] for _ in range(max(1, min(count, len(parts))))]
    for part in sorted(parts, key=lambda p: -len(p.jobs)):
        min(dealt, key=lambda lane: sum(len(p.jobs) for p in lane)).append(part)
    return dealt


def solve_parts(
    whole: Problem, parts: Sequence[Problem], deadline: float, solve_one: SolvePart, cores: int
) -> Solution:
    """The parts solved in `cores` lanes side by side (one search each), each lane's parts in
    turn within their share of its time; the answers merged in the whole problem's vehicle
    order. Side by side rather than one part after the other with two searches each: a part's
    first answer is one search's work, and a lane gives it twice the time to find it."""
    started = time.time()
    dealt = lanes(parts, cores)
    if len(dealt) == 1 or "fork" not in multiprocessing.get_all_start_methods():
        answers = in_turn(list(parts), deadline, solve_one, None)
    else:
        answers = _side_by_side(dealt, deadline, solve_one)
    return merge(whole, answers, time.time() - started)


def in_turn(
    parts: Sequence[Problem], deadline: float, solve_one: SolvePart, width: int | None
) -> list[Solution]:
    """Each part in turn within its share (by jobs) of the time left: one that ends early
    leaves its time to the next."""
    answers: list[Solution] = []
    left = sum(len(p.jobs) for p in parts)
    for part in parts:
        share = max(0.0, deadline - time.time()) * len(part.jobs) / max(1, left)
        answers.append(solve_one(part, max(share, 0.1), width))
        left -= len(part.jobs)
    return answers


def _lane(conn: Connection, parts: list[Problem], deadline: float, solve_one: SolvePart) -> None:
    try:
        conn.send(in_turn(parts, deadline, solve_one, 1))
    except BaseException as exc:  # the parent must learn why, not wait for the deadline
        conn.send(f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


def _side_by_side(
    dealt: list[list[Problem]], deadline: float, solve_one: SolvePart
) -> list[Solution]:
    """The first lane here, the others each in a forked process (its searches are its own
    children: a forked lane is not a daemon)."""
    ctx = multiprocessing.get_context("fork")
    started: list[tuple[Any, Any, list[Problem]]] = []
    for lane in dealt[1:]:
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_lane, args=(child, lane, deadline, solve_one))
        try:
            proc.start()
        except (AssertionError, OSError):  # a daemon (a Celery prefork worker): all here
            return in_turn([p for lane in dealt for p in lane], deadline, solve_one, None)
        child.close()
        started.append((proc, parent, lane))
    answers = in_turn(dealt[0], deadline, solve_one, 1)
    for proc, conn, lane in started:
        answers += _lane_answer(proc, conn, lane, deadline, solve_one)
    return answers


def _lane_answer(
    proc: Any, conn: Connection, lane: list[Problem], deadline: float, solve_one: SolvePart
) -> list[Solution]:
    got: object = None
    try:
        if conn.poll(max(0.0, deadline + LANE_GRACE_S - time.time())):
            got = conn.recv()
    except (EOFError, OSError):
        got = None
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join(timeout=1.0)
    if isinstance(got, list):
        return got
    log.warning("a lane of parts gave no answer (%s); solving them here", got)
    return in_turn(lane, deadline, solve_one, None)


def merge(whole: Problem, answers: Sequence[Solution], seconds: float) -> Solution:
    order = {v.id: i for i, v in enumerate(whole.vehicles)}
    routes = tuple(sorted((r for a in answers for r in a.routes), key=lambda r: order[r.vehicle]))
    unassigned = tuple(u for a in answers for u in a.unassigned)
    summary = Summary(
        cost=sum(a.summary.cost for a in answers),
        distance=sum(a.summary.distance for a in answers),
        duration=sum(a.summary.duration for a in answers),
        late=sum(a.summary.late for a in answers),
        routes=len(routes),
        unassigned=len(unassigned),
        solve_time_s=round(seconds, 3),
    )
    return Solution(summary=summary, routes=routes, unassigned=unassigned)


def _components(problem: Problem) -> list[tuple[list[int], list[int]]]:
    """(vehicle indices, job indices) of each group, by union-find over the vehicles."""
    index = {v.id: i for i, v in enumerate(problem.vehicles)}
    root = list(range(len(problem.vehicles)))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    every = tuple(index.values())
    for job in problem.jobs:
        vans = (
            [index[v] for v in job.allowed_vehicles] if job.allowed_vehicles is not None else every
        )
        for van in vans[1:]:
            root[find(van)] = find(vans[0])
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for i in range(len(problem.vehicles)):
        groups.setdefault(find(i), ([], []))[0].append(i)
    for j, job in enumerate(problem.jobs):
        allowed = job.allowed_vehicles
        if allowed:  # an empty tuple may go nowhere: it stays with the first group, unassigned
            groups[find(index[allowed[0]])][1].append(j)
        else:
            groups[find(0)][1].append(j)
    return [g for g in groups.values() if g[1]] or list(groups.values())[:1]


def _part(problem: Problem, vehicles: list[int], jobs: list[int]) -> Problem:
    chosen = [problem.vehicles[i] for i in vehicles]
    mine = [problem.jobs[j] for j in jobs]
    places = sorted(
        {i for v in chosen for i in (v.start_index, v.end_index) if i is not None}
        | {j.location_index for j in mine if j.location_index is not None}
    )
    at = {old: new for new, old in enumerate(places)}
    ids = {v.id for v in chosen}
    job_ids = {j.id for j in mine}
    return replace(
        problem,
        vehicles=tuple(_moved_vehicle(v, at) for v in chosen),
        jobs=tuple(_moved_job(j, at, ids) for j in mine),
        matrices=None if problem.matrices is None else _sliced(problem.matrices, places),
        profile_matrices={k: _sliced(m, places) for k, m in problem.profile_matrices.items()},
        initial_routes=_within(problem.initial_routes, ids, job_ids),
        initial_trips=_trips_within(problem, ids, job_ids),
        pinned=_within(problem.pinned, ids, job_ids),
        ordered=_within(problem.ordered, ids, job_ids),
    )


def _sliced(matrices: Matrices, places: list[int]) -> Matrices:
    def cut(rows: tuple[tuple[int, ...], ...]) -> tuple[tuple[int, ...], ...]:
        return tuple(tuple(rows[a][b] for b in places) for a in places)

    distances = None if matrices.distances is None else cut(matrices.distances)
    return Matrices(durations=cut(matrices.durations), distances=distances)


def _moved_vehicle(vehicle: Vehicle, at: Mapping[int, int]) -> Vehicle:
    start = None if vehicle.start_index is None else at[vehicle.start_index]
    end = None if vehicle.end_index is None else at[vehicle.end_index]
    return replace(vehicle, start_index=start, end_index=end)


def _moved_job(job: Job, at: Mapping[int, int], vehicles: set[str]) -> Job:
    index = None if job.location_index is None else at[job.location_index]
    preferred = tuple(v for v in job.preferred_vehicles if v in vehicles)
    return replace(job, location_index=index, preferred_vehicles=preferred)


def _within(
    routes: Mapping[str, tuple[str, ...]], vehicles: set[str], jobs: set[str]
) -> dict[str, tuple[str, ...]]:
    return {v: tuple(j for j in seq if j in jobs) for v, seq in routes.items() if v in vehicles}


def _trips_within(
    problem: Problem, vehicles: set[str], jobs: set[str]
) -> dict[str, tuple[int, ...]]:
    """The seeded trips of the part's vehicles, for the seeded jobs the part keeps."""
    out: dict[str, tuple[int, ...]] = {}
    for vid, trips in problem.initial_trips.items():
        seeded = problem.initial_routes.get(vid, ())
        if vid in vehicles:
            out[vid] = tuple(t for j, t in zip(seeded, trips, strict=False) if j in jobs)
    return out
