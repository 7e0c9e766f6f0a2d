"""A tiny home-care day that a person can check by hand, and a valid plan for it.

Places (travel in seconds, the same both ways): 0 the office, 1, 2 and 3 clients.
    0-1 600, 0-2 900, 0-3 600, 1-2 300, 1-3 900, 2-3 600
Caregivers `a` (a nurse) and `b`, both 08:00-16:00 from the office, each with a 30-minute
lunch starting 12:00-13:00.
Visits: `wound` (nurse) 09:00-10:00 at 1; `lift-a` and `lift-b` together 10:30-11:30 at 2;
`pill` then `meal` at 3, the meal 30-60 minutes after the pill; `shop` 13:00-13:30 at 1 with a
soft end, only for `b`.

The plan: `a` does the wound at 09:00 and one side of the lift at 10:30, and is home at 11:15,
so lunch is off duty. `b` does the pill at 08:20, the meal at 08:50, the other side of the lift
at 10:30, lunch 12:00-12:30 and the shopping at 13:00.
"""

from __future__ import annotations

from dataclasses import replace

from routing import Break, Job, Matrices, Problem, Sync, Vehicle
from routing.solution import Route, Solution, Step, Summary

H = 3600
DURATIONS = (
    (0, 600, 900, 600),
    (600, 0, 300, 900),
    (900, 300, 0, 600),
    (600, 900, 600, 0),
)
LUNCH = Break("lunch", ((12 * H, 13 * H),), 1800)
SHIFT = (8 * H, 16 * H)
MED = {"group": "med", "type": "sequential", "min_gap": 1800, "max_gap": 3600}


def problem(**changes: object) -> Problem:
    vehicles = (
        Vehicle("a", start_index=0, end_index=0, time_window=SHIFT, skills=frozenset({"nurse"}),
                breaks=(LUNCH,)),
        Vehicle("b", start_index=0, end_index=0, time_window=SHIFT, breaks=(LUNCH,)),
    )  # fmt: skip
    jobs = (
        Job("wound", location_index=1, service=1800, time_windows=((9 * H, 10 * H),),
            skills=frozenset({"nurse"})),
        Job("lift-a", location_index=2, service=1800, time_windows=((37800, 41400),),
            sync=Sync("lift", "simultaneous")),
        Job("lift-b", location_index=2, service=1800, time_windows=((37800, 41400),),
            sync=Sync("lift", "simultaneous")),
        Job("pill", location_index=3, service=900, time_windows=((8 * H, 10 * H),),
            sync=Sync(order=1, **MED)),  # type: ignore[arg-type]
        Job("meal", location_index=3, service=1800, time_windows=((8 * H, 14 * H),),
            sync=Sync(order=2, **MED)),  # type: ignore[arg-type]
        Job("shop", location_index=1, service=3600, time_windows=((13 * H, 48600),),
            late_cost_per_s=1, allowed_vehicles=("b",)),
    )  # fmt: skip
    base = Problem(vehicles=vehicles, jobs=jobs, matrices=Matrices(durations=DURATIONS))
    return replace(base, **changes)  # type: ignore[arg-type]


def job_step(jid: str, arrival: int, start: int, departure: int, late: int = 0) -> Step:
    return Step("job", arrival=arrival, departure=departure, id=jid, start=start, late=late, trip=1)


ROUTE_A = (
    Step("start", arrival=31800, departure=31800),
    job_step("wound", 32400, 32400, 34200),
    job_step("lift-a", 34500, 37800, 39600),
    Step("end", arrival=40500),
)
ROUTE_B = (
    Step("start", arrival=29400, departure=29400),
    job_step("pill", 30000, 30000, 30900),
    job_step("meal", 30900, 31800, 33600),
    job_step("lift-b", 34200, 37800, 39600),
    Step("break", arrival=43200, departure=45000, id="lunch", start=43200),
    job_step("shop", 45300, 46800, 50400),
    Step("end", arrival=51000),
)


def plan(a: tuple[Step, ...] = ROUTE_A, b: tuple[Step, ...] = ROUTE_B) -> Solution:
    routes = tuple(Route(vehicle=v, steps=s) for v, s in (("a", a), ("b", b)) if s)
    late = sum(s.late or 0 for r in routes for s in r.steps)
    summary = Summary(0, 0, 0, late, len(routes), 0, 0.0)
    return Solution(summary=summary, routes=routes)
