"""Benchmarks on VRPLIB instances (Solomon, Gehring-Homberger), with peers in the same run.

Convention (DIMACS, ../shared/benchmarks/README.md): the distance between two points is the
Euclidean distance truncated to one decimal, travel time equals distance, cost is total
distance, the fleet is the file's `VEHICLES`. Everything is scaled by 10 to integers once, here,
and every solver (ours, PyVRP, VROOM) gets that same integer matrix and the same budget.

No solver's own objective is trusted: every answer is re-checked by `check_routes`, a plain
VRPTW check written for this module alone (not the engine's schedule.py), which counts a cost
only for an answer that serves each customer at most once within its window and capacity.

VROOM is the optional `bench` extra; it and PyVRP are imported only when asked for. PyVRP is
also what seeds our default search where it can state the problem (routing/peer_seed.py), so on
these plain VRPTW instances `patronage` is PyVRP's answer, checked and improved by OR-Tools.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from routing.params import SolveParams
from routing.problem import Job, Matrices, Problem, Vehicle
from routing.search import Config
from routing.solver import solve

SCALE = 10
PEERS = ("pyvrp", "vroom")


@dataclass(frozen=True)
class Instance:
    name: str
    family: str  # C1, C2, R1, R2, RC1, RC2
    problem: Problem
    bks: float | None  # best-known cost, in the file's units
    coords: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Record:
    instance: str
    family: str
    solver: str
    cost: float | None  # in the file's units; None when the answer failed the check
    bks: float | None
    gap_pct: float | None
    routes: int
    unassigned: int
    seconds: float

    def as_json(self) -> dict[str, Any]:
        keys = ("instance", "solver", "cost", "bks", "gap_pct", "routes", "unassigned", "seconds")
        return {k: getattr(self, k) for k in keys}


def family(name: str) -> str:
    match = re.match(r"(RC|R|C)(\d)", name.upper())
    return f"{match.group(1)}{match.group(2)}" if match else "other"


def dimacs_matrix(coords: Sequence[Sequence[float]]) -> list[list[int]]:
    """floor(10 * d): the DIMACS distance truncated to one decimal, scaled to an integer."""
    xy = np.asarray(coords, dtype=float)
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    # The epsilon keeps exact tenths (sqrt(2.25) * 10 = 15) from falling to 14 by rounding error.
    scaled: list[list[int]] = np.floor(d * SCALE + 1e-9).astype(np.int64).tolist()
    return scaled


def read_instance(path: Path) -> Instance:
    """A VRPLIB VRPTW instance as a problem on integers scaled by 10, and its best-known cost."""
    import vrplib

    data = vrplib.read_instance(str(path))
    coords = [tuple(map(float, c)) for c in data["node_coord"]]
    n = len(coords)
    windows = [(int(a) * SCALE, int(b) * SCALE) for a, b in data["time_window"]]
    service = np.broadcast_to(np.asarray(data["service_time"]), (n,))
    demand = np.broadcast_to(np.asarray(data["demand"]), (n,))
    fleet = int(data.get("vehicles", n - 1))
    capacity = int(data["capacity"])
    vehicles = tuple(
        Vehicle(
            id=f"v{k}", start_index=0, end_index=0, time_window=windows[0], capacity=(capacity,)
        )
        for k in range(fleet)
    )
    jobs = tuple(
        Job(
            id=str(i),
            location_index=i,
            service=int(service[i]) * SCALE,
            delivery=(int(demand[i]),),
            time_windows=(windows[i],),
        )
        for i in range(1, n)
    )
    matrix = tuple(map(tuple, dimacs_matrix(coords)))
    problem = Problem(vehicles=vehicles, jobs=jobs, matrices=Matrices(durations=matrix))
    sol = path.with_suffix(".sol")
    bks = float(vrplib.read_solution(str(sol))["cost"]) if sol.exists() else None
    return Instance(path.stem, family(path.stem), problem, bks, tuple(coords))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Checked:
    cost: int | None  # scaled; None if infeasible
    routes: int
    unassigned: int
    problem: str = ""


def check_routes(problem: Problem, routes: Iterable[Sequence[str]]) -> Checked:
    """An independent VRPTW check of routes (job ids) from the depot of vehicle 0 and back."""
    jobs = {j.id: j for j in problem.jobs}
    depot = problem.vehicles[0]
    opens, closes = depot.time_window or (0, 2**62)
    matrix = problem.matrices_for(depot.profile).durations
    seen: set[str] = set()
    cost, used = 0, 0
    for route in routes:
        if not route:
            continue
        used += 1
        t, here, load = opens, depot.start_index or 0, 0
        for jid in route:
            job = jobs.get(jid)
            if job is None or jid in seen:
                return Checked(None, used, 0, f"job {jid} unknown or served twice")
            seen.add(jid)
            there = job.location_index or 0
            cost += matrix[here][there]
            t = max(t + matrix[here][there], job.time_windows[0][0])
            if t > job.time_windows[-1][1]:
                return Checked(None, used, 0, f"job {jid} starts at {t}, after its window")
            load += job.delivery[0]
            t += job.service
            here = there
        cost += matrix[here][depot.end_index or 0]
        if t + matrix[here][depot.end_index or 0] > closes or load > depot.capacity[0]:
            return Checked(None, used, 0, "route back late or overloaded")
    if used > len(problem.vehicles):
        return Checked(None, used, 0, f"{used} routes for {len(problem.vehicles)} vehicles")
    return Checked(cost, used, len(jobs) - len(seen))


Runner = Callable[[Instance, float, int], list[list[str]]]


def run_ours(configs: Sequence[Config] | None = None) -> Runner:
    def run(inst: Instance, limit: float, seed: int) -> list[list[str]]:
        params = SolveParams(limit, seed, configs=tuple(configs) if configs else None)
        solution = solve(inst.problem, params)
        return [list(r.job_ids) for r in solution.routes]

    return run


def run_pyvrp(inst: Instance, limit: float, seed: int) -> list[list[str]]:
    import pyvrp
    from pyvrp.stop import MaxRuntime

    p = inst.problem
    depot = p.vehicles[0]
    opens, closes = depot.time_window or (0, 2**62)
    matrix: Any = np.asarray(p.matrices_for(depot.profile).durations, dtype=np.int64)
    data = pyvrp.ProblemData(
        locations=[pyvrp.Location(x=x, y=y) for x, y in inst.coords],
        clients=[
            pyvrp.Client(
                location=j.location_index or 0,
                delivery=list(j.delivery),
                service_duration=j.service,
                tw_early=j.time_windows[0][0],
                tw_late=j.time_windows[0][1],
            )
            for j in p.jobs
        ],
        depots=[pyvrp.Depot(location=0, tw_early=opens, tw_late=closes)],
        vehicle_types=[
            pyvrp.VehicleType(
                num_available=len(p.vehicles),
                capacity=list(depot.capacity),
                tw_early=opens,
                tw_late=closes,
            )
        ],
        distance_matrices=[matrix],
        duration_matrices=[matrix],
    )
    result = pyvrp.solve(data, stop=MaxRuntime(limit), seed=seed, display=False)
    # A client activity's idx is its place in the clients list, which is the jobs' order.
    return [[p.jobs[a.idx].id for a in route if a.is_client()] for route in result.best.routes()]


def run_vroom(inst: Instance, limit: float, seed: int) -> list[list[str]]:
    import vroom

    del seed  # VROOM's search is deterministic
    p = inst.problem
    depot = p.vehicles[0]
    opens, closes = depot.time_window or (0, 2**62)
    matrix = np.asarray(p.matrices_for(depot.profile).durations, dtype=np.uint32)
    vi = vroom.Input()
    vi.set_durations_matrix(profile="car", matrix_input=matrix)
    vi.set_costs_matrix(profile="car", matrix_input=matrix)
    vi.add_vehicle(
        [
            vroom.Vehicle(
                k,
                start=0,
                end=0,
                capacity=list(depot.capacity),
                time_window=vroom.TimeWindow(opens, closes),
            )
            for k in range(len(p.vehicles))
        ]
    )
    vi.add_job(
        [
            vroom.Job(
                int(j.id),
                location=j.location_index or 0,
                default_service=j.service,
                delivery=list(j.delivery),
                time_windows=[vroom.TimeWindow(a, b) for a, b in j.time_windows],
            )
            for j in p.jobs
        ]
    )
    # Single-threaded like PyVRP; VROOM stops on its own, usually well before the budget.
    solution = vi.solve(exploration_level=5, nb_threads=1, timeout=timedelta(seconds=limit))
    routes: dict[int, list[str]] = {}
    frame = solution.routes
    for vehicle, kind, job in zip(frame["vehicle_id"], frame["type"], frame["id"], strict=True):
        if kind == "job":
            routes.setdefault(int(vehicle), []).append(str(int(job)))
    return list(routes.values())


def runners(peers: Iterable[str], ours: dict[str, Sequence[Config] | None]) -> dict[str, Runner]:
    found: dict[str, Runner] = {name: run_ours(configs) for name, configs in ours.items()}
    table: dict[str, Runner] = {"pyvrp": run_pyvrp, "vroom": run_vroom}
    for peer in peers:
        if peer not in table:
            raise ValueError(f"peers: Expected some of {list(PEERS)}, got {peer!r}")
        found[peer] = table[peer]
    return found


def run_one(inst: Instance, solver: str, runner: Runner, limit: float, seed: int) -> Record:
    started = time.perf_counter()
    routes = runner(inst, limit, seed)
    seconds = time.perf_counter() - started
    checked = check_routes(inst.problem, routes)
    cost = None if checked.cost is None else checked.cost / SCALE
    gap = None
    # A gap compares complete answers only: leaving customers out is not a saving.
    if cost is not None and inst.bks and checked.unassigned == 0:
        gap = round(100.0 * (cost - inst.bks) / inst.bks, 3)
    return Record(
        inst.name,
        inst.family,
        solver,
        cost,
        inst.bks,
        gap,
        checked.routes,
        checked.unassigned,
        round(seconds, 2),
    )


@dataclass(frozen=True)
class Aggregate:
    solver: str
    family: str
    instances: int
    mean_gap_pct: float | None
    median_gap_pct: float | None
    routes: float
    unassigned: int
    failed: int  # answers that failed the check
    seconds: float


def aggregate(records: Sequence[Record]) -> list[Aggregate]:
    """Per solver, per family and over all ("all"): mean and median gap, and the totals."""
    keys = sorted({(r.solver, r.family) for r in records}) + sorted(
        {(r.solver, "all") for r in records}
    )
    out = []
    for solver, fam in keys:
        group = [r for r in records if r.solver == solver and fam in ("all", r.family)]
        gaps = [r.gap_pct for r in group if r.gap_pct is not None]
        out.append(
            Aggregate(
                solver,
                fam,
                len(group),
                round(statistics.fmean(gaps), 2) if gaps else None,
                round(statistics.median(gaps), 2) if gaps else None,
                round(statistics.fmean(r.routes for r in group), 1),
                sum(r.unassigned for r in group),
                sum(r.cost is None for r in group),
                round(statistics.fmean(r.seconds for r in group), 2),
            )
        )
    return out


def _cell(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def markdown(records: Sequence[Record]) -> str:
    """The per-class and per-instance tables of a run, as Markdown for docs/benchmarks.md."""
    solvers = list(dict.fromkeys(r.solver for r in records))
    lines = [
        "| class | " + " | ".join(f"{s} mean gap % | {s} median gap %" for s in solvers) + " |",
        "|---|" + "---:|---:|" * len(solvers),
    ]
    rows: dict[str, dict[str, Aggregate]] = {}
    for a in aggregate(records):
        rows.setdefault(a.family, {})[a.solver] = a
    for fam, by_solver in rows.items():
        cells = []
        for s in solvers:
            found = by_solver.get(s)
            cells += [
                _cell(found.mean_gap_pct if found else None),
                _cell(found.median_gap_pct if found else None),
            ]
        lines.append(f"| {fam} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| instance | best-known | "
        + " | ".join(f"{s} cost | gap % | routes | unassigned | s" for s in solvers)
        + " |",
        "|---|---:|" + "---:|---:|---:|---:|---:|" * len(solvers),
    ]
    for name in dict.fromkeys(r.instance for r in records):
        mine = {r.solver: r for r in records if r.instance == name}
        first = next(iter(mine.values()))
        cells = []
        for s in solvers:
            r = mine.get(s)
            cells += (
                [
                    _cell(r.cost, 1),
                    _cell(r.gap_pct),
                    str(r.routes),
                    str(r.unassigned),
                    _cell(r.seconds, 1),
                ]
                if r
                else ["-"] * 5
            )
        lines.append(f"| {name} | {_cell(first.bks, 1)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
