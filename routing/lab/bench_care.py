"""Benchmarks on generated home-care days (caregen.py): what a care dispatcher would look at.

For each day: the objective's cost, travel time, minutes late, visits left out, the share of
visits served by their preferred caregiver among those the generator made possible (the hidden
plan serves every one of them so), the longest and shortest working day, the solve time, and
the verdict of validate.py on every hard constraint (the solver's own word is not taken).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from routing.care.exact import exact_search
from routing.care.timing import span_of
from routing.lab.caregen import CareDay, CareDayConfig, care_day
from routing.params import SolveParams
from routing.problem import Problem
from routing.solution import Solution
from routing.solver import solve
from routing.validate import hard_violations

CareSolver = Callable[[CareDay, float, int], Solution]


@dataclass(frozen=True)
class CareRecord:
    visits: int
    caregivers: int
    seed: int
    solver: str
    cost: int
    travel_h: float
    late_min: float
    unassigned: int
    preferred: int  # served by their preferred caregiver, of `possible`
    possible: int
    longest_day_h: float
    shortest_day_h: float
    seconds: float
    violations: int  # hard violations found by validate.py

    @property
    def preferred_pct(self) -> float:
        return round(100.0 * self.preferred / self.possible, 1) if self.possible else 100.0

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {"preferred_pct": self.preferred_pct}


def ours(day: CareDay, limit: float, seed: int) -> Solution:
    return solve(day.problem, SolveParams(limit, seed))


def exact(day: CareDay, limit: float, seed: int) -> Solution:
    return exact_model(day.problem, limit, seed)


def exact_model(problem: Problem, limit: float, seed: int) -> Solution:
    """OR-Tools alone on the exact sync model (care.add_sync: equal cumuls, different vehicles,
    gap inequalities, all or none), the engine's own searches side by side, no first plan;
    its routes are timed with every sync constraint by care/sync.py."""
    return exact_search(problem, [{}], seed, limit)


SOLVERS: dict[str, CareSolver] = {"patronage": ours, "exact": exact}


def measure(day: CareDay, solution: Solution, solver: str, seed: int, seconds: float) -> CareRecord:
    problem = day.problem
    vehicle_of = {jid: r.vehicle for r in solution.routes for jid in r.job_ids}
    preferred = sum(
        1
        for jid in day.preferred_possible
        if vehicle_of.get(jid) in problem.job(jid).preferred_vehicles
    )
    spans = [span_of(r) for r in solution.routes if r.job_ids] or [0]
    late = sum(
        max(0, s.start - problem.job(s.id).time_windows[-1][1])
        for r in solution.routes
        for s in r.steps
        if s.type == "job" and s.id and s.start is not None and problem.job(s.id).time_windows
    )
    return CareRecord(
        visits=len(problem.jobs),
        caregivers=len(problem.vehicles),
        seed=seed,
        solver=solver,
        cost=solution.summary.cost,
        travel_h=round(sum(r.duration for r in solution.routes) / 3600, 1),
        late_min=round(late / 60, 1),
        unassigned=len(problem.jobs) - len(vehicle_of),
        preferred=preferred,
        possible=len(day.preferred_possible),
        longest_day_h=round(max(spans) / 3600, 2),
        shortest_day_h=round(min(spans) / 3600, 2),
        seconds=round(seconds, 1),
        violations=len(hard_violations(problem, solution)),
    )


def run_care(
    visits: int,
    caregivers: int,
    seeds: Sequence[int],
    limit: float,
    solvers: dict[str, CareSolver] | None = None,
) -> list[CareRecord]:
    """Each seed's day solved by each solver (default: ours) within `limit` seconds."""
    records = []
    for seed in seeds:
        day = care_day(CareDayConfig(visits=visits, caregivers=caregivers, seed=seed))
        for name, run in (solvers or {"patronage": ours}).items():
            started = time.perf_counter()
            solution = run(day, limit, seed)
            seconds = time.perf_counter() - started
            records.append(measure(day, solution, name, seed, seconds))
    return records


COLUMNS = (
    ("seed", "seed"),
    ("solver", "solver"),
    ("unassigned", "unassigned"),
    ("late min", "late_min"),
    ("preferred", "preferred_pct"),
    ("longest day h", "longest_day_h"),
    ("shortest day h", "shortest_day_h"),
    ("travel h", "travel_h"),
    ("cost", "cost"),
    ("s", "seconds"),
    ("violations", "violations"),
)


def rows(records: Sequence[CareRecord]) -> list[list[str]]:
    out = []
    for r in records:
        row = []
        for _, attr in COLUMNS:
            value = getattr(r, attr)
            row.append(f"{value}%" if attr == "preferred_pct" else str(value))
        out.append(row)
    return out


def markdown(records: Sequence[CareRecord]) -> str:
    head = [name for name, _ in COLUMNS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows(records)]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str]) -> None:
    """`python -m routing.lab.bench_care exact PROBLEM OUT [SECONDS]`: the exact sync model on
    a problem in the exchange format (the HHCRSP instances' converter writes one), for the
    published-instance table of docs/benchmarks.md."""
    from pathlib import Path

    from routing.exchange import read_problem, write_solution
    from routing.travel import with_matrices

    _, source, out, *rest = argv
    problem = with_matrices(read_problem(Path(source)), None)
    write_solution(exact_model(problem, float(rest[0]) if rest else 10.0, 0), Path(out))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
