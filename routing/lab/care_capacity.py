"""Can a care day be served at all? Bounds no plan can beat, to tell the data from the search.

Two checks, both relaxations (a day that fails them cannot be served whole; one that passes
them may still not be):

- `window_excess`: for a set of skills and a stretch of the day [a, b], every visit needing
  one of those skills whose start window forces part of its service into [a, b] must get that
  part from caregivers who have one of the skills and are on duty then (less a lunch whose
  window lies inside). Travel is left out entirely: service alone against duty time. Checked
  for every set of skills and every stretch between window bounds, for all caregivers and for
  the visits only a bus or a car reaches (villages).
- `lp_bound`: a time-indexed linear relaxation. Each job takes its service plus a lower bound
  on the travel into it (from the nearest other place or the caregiver's start, shared between
  the visits at one address) from one caregiver able to serve it, in slots of its window; no
  caregiver gives more than the slot, than its shift less lunch, or than its lunch window
  less the lunch; a tie's jobs are served all or none. The largest number of jobs it serves
  is an upper bound on what any plan serves.

    python -m routing.lab.care_capacity problem.json [--lp SLOT_S]
"""

from __future__ import annotations

import argparse
import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from routing.exchange import read_problem
from routing.links import links
from routing.problem import Job, Problem, Vehicle
from routing.reasons import eligibility
from routing.travel import with_matrices

SHORTEST = 1800  # stretches shorter than this are not checked


@dataclass(frozen=True)
class Excess:
    """Service that must fall inside [start, end] against the duty time that can give it."""

    skills: tuple[str, ...]
    villages: bool  # only the visits no caregiver on foot can reach
    start: int
    end: int
    service_s: int
    duty_s: int
    jobs: int
    caregivers: int

    @property
    def excess_s(self) -> int:
        return self.service_s - self.duty_s


def _overlap(a: int, b: int, c: int, d: int) -> int:
    return max(0, min(b, d) - max(a, c))


def forced(job: Job, a: int, b: int) -> int:
    """The least of the job's service inside [a, b] over every start its windows allow."""
    if not job.time_windows:
        return 0
    lo, hi = job.time_windows[0][0], job.time_windows[-1][1]
    starts = {lo, hi, min(max(a, lo), hi), min(max(b - job.service, lo), hi)}
    return min(_overlap(t, t + job.service, a, b) for t in starts)


def _duty(v: Vehicle, a: int, b: int) -> int:
    shift = v.time_window or (0, 10**9)
    inside = _overlap(a, b, *shift)
    for brk in v.breaks:
        opens, closes = brk.time_windows[0][0], brk.time_windows[-1][1]
        if a <= opens and closes <= b:
            inside -= brk.service
    return max(0, inside)


def window_excess(problem: Problem) -> list[Excess]:
    """Every (skills, stretch) whose forced service is positive, most excess first."""
    problem = with_matrices(problem)
    vans = [c.vans for c in eligibility(problem)]
    jobs, vehicles = problem.jobs, problem.vehicles
    skills = sorted({s for job in jobs for s in job.skills})
    bounds = sorted(
        {t for job in jobs for w in job.time_windows for t in w}
        | {w[-1][1] + job.service for job in jobs if (w := job.time_windows)}
        | {t for v in vehicles if v.time_window for t in v.time_window}
    )
    found = []
    for size in range(1, len(skills) + 1):
        for chosen in itertools.combinations(skills, size):
            for villages in (False, True):
                subset = [
                    j
                    for j, job in enumerate(jobs)
                    if job.skills & set(chosen)
                    and (not villages or all(vehicles[v].profile != "foot" for v in vans[j]))
                ]
                able = sorted({v for j in subset for v in vans[j]})
                for a, b in itertools.combinations(bounds, 2):
                    service = sum(forced(jobs[j], a, b) for j in subset) if b - a >= SHORTEST else 0
                    if service > 0:
                        duty = sum(_duty(vehicles[v], a, b) for v in able)
                        found.append(
                            Excess(chosen, villages, a, b, service, duty, len(subset), len(able))
                        )
    return sorted(found, key=lambda e: -e.excess_s)


def _arrival(problem: Problem, j: int, v: Vehicle, places: dict[int, list[int]]) -> int:
    """The least travel into job j by caregiver v, shared between the visits at its address
    that one caregiver could make (the halves of a visit for two are made by two)."""
    durations = problem.matrices_for(v.profile).durations
    here = problem.jobs[j].location_index
    assert here is not None and v.start_index is not None  # with_matrices
    best = min([durations[v.start_index][here]] + [durations[q][here] for q in places if q != here])
    # The halves of a visit for two are made by two caregivers; linked visits may be one's.
    groups = {
        sync.group if (sync := problem.jobs[k].sync) and sync.type == "simultaneous" else k
        for k in places[here]
    }
    return best // len(groups)


def lp_bound(problem: Problem, slot: int = 900) -> float:
    """The most jobs the time-indexed relaxation serves (see the module's words)."""
    from ortools.linear_solver import pywraplp  # only this lab check needs a linear solver

    problem = with_matrices(problem)
    vans = [c.vans for c in eligibility(problem)]
    places: dict[int, list[int]] = defaultdict(list)
    for j, job in enumerate(problem.jobs):
        assert job.location_index is not None
        places[job.location_index].append(j)
    solver = pywraplp.Solver.CreateSolver("GLOP")
    served = [solver.NumVar(0, 1, f"y{j}") for j in range(len(problem.jobs))]
    per_slot: dict[tuple[int, int], list[Any]] = defaultdict(list)
    per_van: dict[int, list[Any]] = defaultdict(list)
    at_lunch: dict[int, list[Any]] = defaultdict(list)
    sums = (per_slot, per_van, at_lunch)
    for j in range(len(problem.jobs)):
        shares, cores = [], defaultdict(list)
        for v in vans[j]:
            travel = _arrival(problem, j, problem.vehicles[v], places)
            share, core = _job_on(solver, problem, j, v, travel, slot, sums)
            shares.append(share)
            for t, x, seconds in core:
                cores[t, seconds].append(x)
        solver.Add(sum(shares) == served[j])
        # Whatever its start, the service covers [window end, window start + service].
        for (_, seconds), xs in cores.items():
            solver.Add(sum(xs) >= seconds * served[j])
    _van_limits(solver, problem, slot, per_slot, per_van, at_lunch)
    tied = links(problem)
    for name in tied.ties:
        first, *rest = tied.members(name)
        for k in rest:
            solver.Add(served[k] == served[first])
    solver.Maximize(sum(served))
    solver.Solve()
    return float(sum(y.solution_value() for y in served))


def _job_on(
    solver: Any,
    problem: Problem,
    j: int,
    v: int,
    travel: int,
    slot: int,
    sums: tuple[dict[tuple[int, int], list[Any]], dict[int, list[Any]], dict[int, list[Any]]],
) -> tuple[Any, list[tuple[int, Any, int]]]:
    """The share of job j caregiver v makes, spread over the slots it may fall in, and per
    slot the seconds of service every start covers there (slot, its part, seconds)."""
    per_slot, per_van, at_lunch = sums
    job, vehicle = problem.jobs[j], problem.vehicles[v]
    lo, hi = job.time_windows[0][0], job.time_windows[-1][1]
    opens, closes = vehicle.time_window or (0, 10**9)
    lunch = sum(b.service for b in vehicle.breaks)
    # The travel may come before a lunch taken on the way; the service ends by the shift's end.
    a, b = max(opens, lo - travel - lunch), min(closes, hi + job.service)
    share = solver.NumVar(0, 1, "")
    parts, core = [], []
    for t in range(a // slot * slot, b, slot):
        room = _overlap(t, t + slot, a, b)
        if room <= 0:
            continue
        x = solver.NumVar(0, room, "")
        solver.Add(x <= room * share)
        parts.append(x)
        per_slot[v, t].append(x)
        per_van[v].append(x)
        if any(_overlap(t, t + slot, *w) == slot for br in vehicle.breaks for w in br.time_windows):
            at_lunch[v].append(x)
        covered = _overlap(t, t + slot, hi, lo + job.service)
        if covered > 0:
            core.append((t, x, covered))
    solver.Add(sum(parts) == (job.service + travel) * share)
    return share, core


def _van_limits(
    solver: Any,
    problem: Problem,
    slot: int,
    per_slot: dict[tuple[int, int], list[Any]],
    per_van: dict[int, list[Any]],
    at_lunch: dict[int, list[Any]],
) -> None:
    for (v, t), xs in per_slot.items():
        solver.Add(sum(xs) <= _overlap(t, t + slot, *(problem.vehicles[v].time_window or (0, 0))))
    for v, xs in per_van.items():
        vehicle = problem.vehicles[v]
        opens, closes = vehicle.time_window or (0, 10**9)
        solver.Add(sum(xs) <= closes - opens - sum(b.service for b in vehicle.breaks))
    for v, xs in at_lunch.items():
        vehicle = problem.vehicles[v]
        brk = vehicle.breaks[0]
        window = (brk.time_windows[0][0], brk.time_windows[-1][1])
        solver.Add(sum(xs) <= _overlap(*window, *(vehicle.time_window or window)) - brk.service)


def _clock(s: int) -> str:
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}"


def report(problem: Problem, top: int = 5) -> list[str]:
    """The tightest stretches, in words."""
    lines = []
    for e in window_excess(problem)[:top]:
        who = "village visits" if e.villages else "visits"
        lines.append(
            f"{'+'.join(e.skills)} {who} {_clock(e.start)}-{_clock(e.end)}: service "
            f"{e.service_s / 3600:.1f} h of {e.jobs} jobs against {e.duty_s / 3600:.1f} h of "
            f"{e.caregivers} caregivers on duty ({e.excess_s / 3600:+.1f} h)"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("problem", type=Path)
    parser.add_argument("--lp", type=int, default=0, help="Also the LP bound, slots of N s.")
    args = parser.parse_args(argv)
    problem = read_problem(args.problem)
    for line in report(problem):
        print(line)
    if args.lp:
        most = lp_bound(problem, args.lp)
        print(f"LP: at most {most:.1f} of {len(problem.jobs)} jobs served")


if __name__ == "__main__":
    main()
