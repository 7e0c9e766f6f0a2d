"""Home-care constraints on the OR-Tools model: breaks, preferences, balance and exact sync.

`hooks(problem)` lists what a problem needs; model.build calls each on the built model. Skills,
allowed vehicles, soft window ends and travel profiles need no hook: the pre-checks restrict
each job's vehicles, the time dimension carries soft upper bounds, and each profile has its own
time matrix.

Sync groups are usually not modelled here: care_solve.py turns each group into jobs at fixed
times before the search (see there why). `add_sync` is the exact model (equal time cumuls,
different vehicles, gaps as cumul inequalities, all or none), which bench_care.py measures
against.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations, pairwise

import numpy as np

from routing.links import links
from routing.model import Built, ModelHook, node_matrix, node_services, per_vehicle
from routing.problem import Job, Problem


def hooks(problem: Problem) -> list[ModelHook]:
    """The hooks the problem needs. Sync left in a problem that reaches the model means the
    exact model: solver.solve never does that (care_solve.py fixes groups first), the
    comparison in bench_care.py does."""
    found: list[ModelHook] = []
    if any(v.breaks for v in problem.vehicles):
        found.append(add_breaks)
    if any(j.preferred_vehicles and j.preference_cost for j in problem.jobs):
        found.append(add_preferences)
    if problem.objective.balance_weight:
        found.append(add_balance)
    if any(j.sync or j.follows for j in problem.jobs):
        found.append(add_sync)
    return found


def _services(b: Built) -> list[int]:
    """The service time at each model index: a break may not fall inside a visit (or reload)."""
    services = node_services(b)
    return [services[b.manager.IndexToNode(index)] for index in range(b.model.Size())]


def add_breaks(b: Built) -> None:
    """Each break an interval on the vehicle's route: inside a window, between visits.

    OR-Tools lets a break fall before the route's start or after its end: a caregiver whose
    day ends at 11:00 has lunch at home, off duty, which validate.py accepts the same way.
    """
    solver = b.model.solver()
    visits = _services(b)
    for r, route in enumerate(b.layout.vehicles):
        vehicle = b.problem.vehicles[route.van]
        if not vehicle.breaks:
            continue
        intervals = []
        for brk in vehicle.breaks:
            first, last = brk.time_windows[0][0], brk.time_windows[-1][1]
            name = f"{vehicle.id}/{brk.id}"
            interval = solver.FixedDurationIntervalVar(first, last, brk.service, False, name)
            start = interval.SafeStartExpr(0).Var()
            for (_, gap_lo), (gap_hi, _) in pairwise(brk.time_windows):
                start.RemoveInterval(gap_lo + 1, gap_hi - 1)
            intervals.append(interval)
        b.time.SetBreakIntervalsOfVehicle(intervals, r, visits)


def _preference_extra(problem: Problem, jobs: Sequence[int], van: int, nodes: int) -> np.ndarray:
    """What entering each node costs this van on top of travel: the preference it breaks."""
    vid = problem.vehicles[van].id
    extra = np.zeros(nodes, dtype=np.int64)
    for n, j in enumerate(jobs):
        job: Job = problem.jobs[j]
        if job.preferred_vehicles and vid not in job.preferred_vehicles:
            extra[n] = job.preference_cost
    return extra


def add_preferences(b: Built) -> None:
    """Arc costs per van: travel plus the preference cost of every job it serves unpreferred.

    The cost sits on the arcs into a job, so it is counted once per served job. Vans with the
    same profile and the same preferences share one registered matrix.
    """
    p, layout = b.problem, b.layout
    by_distance = p.objective.minimize == "distance"
    zeros = [0] * layout.num_nodes
    base: dict[str, np.ndarray] = {}
    registered: dict[tuple[str, bytes], int] = {}
    for r, route in enumerate(layout.vehicles):
        profile = p.vehicles[route.van].profile
        if profile not in base:
            m = p.matrices_for(profile)
            raw = m.costs_distances if by_distance else m.durations
            base[profile] = np.asarray(node_matrix(raw, layout.node_locs, zeros), dtype=np.int64)
        extra = _preference_extra(p, layout.jobs, route.van, layout.num_nodes)
        key = (profile, extra.tobytes())
        if key not in registered:
            matrix = base[profile] + extra[None, :]
            registered[key] = b.model.RegisterTransitMatrix(matrix.tolist())
        b.model.SetArcCostEvaluatorOfVehicle(registered[key], r)


def add_balance(b: Built) -> None:
    """`balance_weight` per second of the longest working day.

    A "work" dimension runs on the time transits from 0 at every start, and each vehicle's
    end is tied to its time span, so work's global span is the longest day whatever the
    shifts (the time dimension's own global span would count from the earliest shift's start
    to the latest shift's end).
    """
    h = b.horizon
    b.model.AddDimensionWithVehicleTransits(per_vehicle(b, "time"), h, h, True, "work")
    work = b.model.GetDimensionOrDie("work")
    solver = b.model.solver()
    for r in range(len(b.layout.vehicles)):
        span = b.time.CumulVar(b.model.End(r)) - b.time.CumulVar(b.model.Start(r))
        solver.Add(work.CumulVar(b.model.End(r)) == span)
    work.SetGlobalSpanCostCoefficient(b.problem.objective.balance_weight)


def add_sync(b: Built) -> None:
    """The exact sync model (routing/links.py): equal starts on different vehicles for a
    simultaneous group, each gap as two cumul inequalities, and all or none along every rule
    (a tie is connected by its rules, so equal ActiveVars along them hold the whole tie)."""
    solver = b.model.solver()
    node_of = {j: n for n, j in enumerate(b.layout.jobs)}
    found = links(b.problem)
    # A job of a tie left out of the layout (impossible before the search) leaves it all out.
    out = {found.tie_of[j] for j in found.tie_of if j not in node_of}
    for j, name in found.tie_of.items():
        if name in out and j in node_of:
            solver.Add(b.model.ActiveVar(b.index(node_of[j])) == 0)

    def at(j: int) -> int | None:
        return b.index(node_of[j]) if j in node_of else None

    for unit in found.together:
        for a, c in combinations([at(j) for j in unit], 2):
            if a is None or c is None:
                continue
            solver.Add(b.model.ActiveVar(a) == b.model.ActiveVar(c))
            solver.Add(b.time.CumulVar(a) == b.time.CumulVar(c))
            different = solver.IsDifferentVar(b.model.VehicleVar(a), b.model.VehicleVar(c))
            solver.Add(different >= b.model.ActiveVar(a))
    for gap in found.gaps:
        a, c = at(gap.first), at(gap.then)
        if a is None or c is None:
            continue
        solver.Add(b.model.ActiveVar(a) == b.model.ActiveVar(c))
        ta, tc = b.time.CumulVar(a), b.time.CumulVar(c)
        # Only binding when the tie is served: an unserved pair's cumuls are free.
        slack = b.horizon * (1 - b.model.ActiveVar(a))
        solver.Add(tc - ta + slack >= gap.low)
        if gap.high is not None:
            solver.Add(ta - tc + slack >= -gap.high)
