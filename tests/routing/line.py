"""Tiny instances on a straight road that a person can solve by hand.

Locations sit at whole kilometres along one road, the kitchen at 0 km. A van covers a kilometre
in 120 s (30 km/h), so the matrices are |a - b| * 1000 m and |a - b| * 120 s.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from routing import Job, Matrices, Problem, Vehicle

SECONDS_PER_KM = 120
ELEVEN = 11 * 3600
SHIFT = (ELEVEN, 14 * 3600 + 1800)


def line(kms: list[int]) -> Matrices:
    """Matrices for locations at these kilometres (the kitchen is `kms[0]`)."""
    return Matrices(
        durations=tuple(tuple(abs(a - b) * SECONDS_PER_KM for b in kms) for a in kms),
        distances=tuple(tuple(abs(a - b) * 1000 for b in kms) for a in kms),
    )


def van(vid: str, capacity: int = 10, **kwargs: Any) -> Vehicle:
    fields: dict[str, Any] = {
        "start_index": 0,
        "end_index": 0,
        "time_window": SHIFT,
        "capacity": (capacity,),
    }
    fields.update(kwargs)
    return Vehicle(id=vid, **fields)


def meal(jid: str, at: int, **kwargs: Any) -> Job:
    fields: dict[str, Any] = {"location_index": at, "service": 60, "delivery": (1,)}
    fields.update(kwargs)
    return Job(id=jid, **fields)


def two_vans_six_meals() -> Problem:
    """West: four meals at -1..-4 km; east: two at +1, +2 km. Van 1 carries 4, van 2 carries 2,
    so van 1 must take the west. The 700 s ride limit makes van 1 go outwards (the other way
    round the meal at -2 km would ride 840 s); e1 wants lunch by 11:03, so van 2 goes outwards
    too (e2 first, it would come at 11:07)."""
    kms = [0, -1, -2, -3, -4, 1, 2]
    west = tuple(meal(f"w{k}", k, max_ride_time=700) for k in range(1, 5))
    e1 = meal("e1", 5, max_ride_time=700, time_windows=((ELEVEN, ELEVEN + 180),))
    jobs = (*west, e1, meal("e2", 6, max_ride_time=700))
    return Problem(vehicles=(van("van-1", 4), van("van-2", 2)), jobs=jobs, matrices=line(kms))


def with_jobs(problem: Problem, *jobs: Job) -> Problem:
    return replace(problem, jobs=problem.jobs + jobs)
