"""How many vans a frozen meal day needs: the fewest found, the bound, what binds, what-ifs.

The day is built as `plan_day` builds it (planning/meals.py), with the default travel times,
and sized kitchen by kitchen (each kitchen's clients ride only its vans): routing/bounds.py
gives the least any plan needs and the resource that binds, routing/fleet.py searches for the
fewest vans that serve every meal. The what-ifs then solve the whole day once each: the fewest
found, one van less or more, and one van less but with a trip more, shifts starting earlier or
windows closing later, each with its vans, trips, kilometres and meals left out. Nothing is
stored: this is a question asked of the day, not a plan.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from sqlmodel import Session

import routing
from routing.bounds import Group, GroupBound, groups
from routing.fleet import fewest_vans, fleet_of, solve_day, sub_problem, trips_of
from routing.travel import with_matrices
from scheduler.models import Service
from scheduler.planning.registry import PlanContext, builder_for
from scheduler.refusals import Reason, refuse
from scheduler.repositories.freezes import latest_freeze
from scheduler.repositories.tenancy import get_municipality

Note = Callable[[str], None]
EARLIER_S = 30 * 60  # "an earlier start": shifts begin half an hour sooner
WIDER_S = 30 * 60  # "a wider window": every window closes half an hour later


@dataclass(frozen=True)
class KitchenFleet:
    kitchen: str
    has: int  # vans of the kitchen working that day
    bound: GroupBound
    fewest: int | None  # None: the search served not all its meals even with twice the bound
    trips: int
    km: float
    tries: tuple[tuple[int, int], ...]
    # The answer with `fewest` vans: every what-if of the kitchen starts from it.
    solution: routing.Solution | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class WhatIf:
    key: str  # found, van_less, van_more, trip_more, earlier, wider
    vans: int
    trips: int
    km: float
    left_out: int


@dataclass(frozen=True)
class FleetAnswer:
    day: date
    jobs: int
    kitchens: tuple[KitchenFleet, ...]
    what_ifs: tuple[WhatIf, ...]
    seconds: float

    @property
    def fewest(self) -> int | None:
        counts = [k.fewest for k in self.kitchens]
        return None if None in counts else sum(c or 0 for c in counts)

    @property
    def bound(self) -> int:
        return sum(k.bound.bound for k in self.kitchens)

    @property
    def has(self) -> int:
        return sum(k.has for k in self.kitchens)


def day_problem(
    municipality_id: int, day: date, *, session: Session
) -> tuple[routing.Problem, dict[str, str]]:
    """The frozen meal day as `plan_day` gives it to the solver, with travel times, and the
    kitchen of each job."""
    town = get_municipality(municipality_id, session=session)
    freeze = latest_freeze(municipality_id, day, Service.meals, session=session)
    if freeze is None:
        raise refuse("day", Reason.not_frozen, service=Service.meals, day=day)
    built = builder_for(Service.meals)(PlanContext(session, town, day, freeze))
    kitchens = {job_id: ref.home for job_id, ref in built.jobs.items()}
    return with_matrices(built.problem), kitchens


def size_fleet(
    problem: routing.Problem,
    kitchens: dict[str, str],
    day: date,
    *,
    budget: float,
    what_ifs: bool = True,
    note: Note = lambda _: None,
) -> FleetAnswer:
    """The fewest vans per kitchen, then the day's what-ifs, each solve within `budget` s."""
    started = time.perf_counter()
    found = []
    for group in groups(problem):
        name = (
            kitchens.get(problem.jobs[group.jobs[0]].id, "") or problem.vehicles[group.vans[0]].id
        )
        note(f"{name}: {len(group.jobs)} meals, {len(group.vans)} vans working")
        answer = fewest_vans(problem, group, budget=budget, note=_prefixed(note, name))
        found.append(
            KitchenFleet(
                kitchen=name,
                has=len(group.vans),
                bound=answer.bound,
                fewest=answer.vans,
                trips=answer.trips,
                km=round(answer.distance / 1000, 1),
                tries=answer.tries,
                solution=answer.solution,
            )
        )
    options = _what_ifs(problem, found, budget, note) if what_ifs and found else ()
    return FleetAnswer(
        day, len(problem.jobs), tuple(found), options, round(time.perf_counter() - started, 1)
    )


def _prefixed(note: Note, name: str) -> Note:
    return lambda line: note(f"  {name}: {line}")


def _what_ifs(
    problem: routing.Problem, found: list[KitchenFleet], budget: float, note: Note
) -> tuple[WhatIf, ...]:
    base = [k.fewest or 2 * k.bound.bound for k in found]
    biggest = max(range(len(base)), key=lambda i: base[i])  # the kitchen a van goes to or from
    less = [n - (i == biggest) for i, n in enumerate(base)]
    more = [n + (i == biggest) for i, n in enumerate(base)]
    trips = max(k.bound.max_trips for k in found) + 1
    # (key, vans per kitchen, trips a van may make, shifts earlier, windows wider)
    cases = [
        ("found", base, 0, False, 0),
        ("van_less", less, 0, False, 0),
        ("van_more", more, 0, False, 0),
        ("trip_more", less, trips, False, 0),
        ("earlier", less, 0, True, 0),
        ("wider", less, 0, False, WIDER_S),
    ]
    out = []
    for key, counts, max_trips, earlier, wider in cases:
        changes: dict[str, object] = {"max_trips": max_trips} if max_trips else {}
        if key == "found":  # the search's own answers, not solved again
            parts = [
                WhatIf("", k.fewest or 0, k.trips, k.km, 0 if k.fewest else k.bound.jobs)
                for k in found
            ]
        else:
            parts = [
                _what_if_part(problem, group, n, changes, earlier, wider, budget, k.solution)
                for group, n, k in zip(groups(problem), counts, found, strict=True)
                if n > 0
            ]
        option = WhatIf(
            key,
            vans=sum(p.vans for p in parts),
            trips=sum(p.trips for p in parts),
            km=round(sum(p.km for p in parts), 1),
            left_out=sum(p.left_out for p in parts)
            + sum(len(g.jobs) for g, n in zip(groups(problem), counts, strict=True) if n == 0),
        )
        out.append(option)
        note(f"what if {key}: {option.vans} vans, {option.km} km, {option.left_out} left out")
    return tuple(out)


def _what_if_part(
    problem: routing.Problem,
    group: Group,
    vans: int,
    changes: dict[str, object],
    earlier: bool,
    wider: int,
    budget: float,
    start: routing.Solution | None,
) -> WhatIf:
    """One kitchen's part of a what-if: its clients ride only its vans, so it is solved alone,
    starting from the routes of the fewest found (less a route when a van is taken away)."""
    fleet = fleet_of(problem, group.vans, vans, **changes)
    day = sub_problem(problem, group, fleet, seed=start, wider_s=wider)
    solution = solve_day(_earlier(day) if earlier else day, budget)
    used = sum(1 for r in solution.routes if r.job_ids)
    km = solution.summary.distance / 1000
    return WhatIf("", used, trips_of(solution), km, len(solution.unassigned))


def _pairs(problem: routing.Problem, counts: list[int]) -> list[tuple[Group, int]]:
    return [(g, n) for g, n in zip(groups(problem), counts, strict=True) if n > 0]


def _earlier(problem: routing.Problem) -> routing.Problem:
    vans = tuple(
        replace(v, time_window=(max(v.time_window[0] - EARLIER_S, 0), v.time_window[1]))
        if v.time_window
        else v
        for v in problem.vehicles
    )
    return replace(problem, vehicles=vans)
