"""The answer to a routing problem: routes of timed steps, and what could not be served and why.

A vehicle that makes several trips has one route whose steps run start, jobs of trip 1,
`reload` at its start, jobs of trip 2, ..., end. `load` on `start` and `reload` steps is what
the vehicle takes on there, per capacity dimension.

Money and time in the summary: `distance` and `duration` (travel time, not counting service or
waiting, as in VROOM) are sums over routes; `cost` is what the objective counts for the routes
(travel distance or duration, fixed costs, late costs, preference costs, balance) and leaves out
the penalties of unassigned jobs, which are listed instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal


class Reason(StrEnum):
    """Why a job is unassigned; see reasons.py for the order they are tried in."""

    skills = "skills"
    time_window = "time_window"
    capacity = "capacity"
    max_ride_time = "max_ride_time"
    sync = "sync"
    shift = "shift"
    no_vehicle = "no_vehicle"
    cost = "cost"


class Cause(StrEnum):
    """The cause a person can act on, finer than `Reason`: each names one of them and says
    whether the job cannot be served even alone or the others took the room (reasons.py)."""

    no_vehicle = "no_vehicle"  # no vehicle may serve it at all
    no_skill = "no_skill"  # skills: nobody has them
    off_shift = "off_shift"  # nobody is on duty in its window
    unreachable = "unreachable"  # even alone, the earliest arrival is after its window
    too_big = "too_big"  # its order alone is more than a trip holds
    ride_too_long = "ride_too_long"  # even straight from the start, the ride is over the limit
    shift_too_short = "shift_too_short"  # alone, the vehicle cannot be back before its shift ends
    window_full = "window_full"  # reachable alone, but the vans' time in its window is taken
    boxes_full = "boxes_full"  # no trip that could reach it in time has room for its order
    ride_full = "ride_full"  # every trip that has room would carry its meal too long
    shifts_full = "shifts_full"  # the shifts are full: no route has time left for it
    sync = "sync"
    cost = "cost"


# The format's reason of each cause.
REASON_OF: dict[Cause, Reason] = {
    Cause.no_vehicle: Reason.no_vehicle,
    Cause.no_skill: Reason.skills,
    Cause.off_shift: Reason.time_window,
    Cause.unreachable: Reason.time_window,
    Cause.window_full: Reason.time_window,
    Cause.too_big: Reason.capacity,
    Cause.boxes_full: Reason.capacity,
    Cause.ride_too_long: Reason.max_ride_time,
    Cause.ride_full: Reason.max_ride_time,
    Cause.shift_too_short: Reason.shift,
    Cause.shifts_full: Reason.shift,
    Cause.sync: Reason.sync,
    Cause.cost: Reason.cost,
}

Param = int | str


@dataclass(frozen=True)
class Why:
    """A cause with its numbers: times are seconds from midnight (`*_at`, `window_*`),
    durations seconds (`*_s`), counts and portions plain integers, names strings."""

    code: Cause
    params: tuple[tuple[str, Param], ...] = ()

    @property
    def reason(self) -> Reason:
        return REASON_OF[self.code]

    def get(self, name: str, default: Param = 0) -> Param:
        return next((v for k, v in self.params if k == name), default)

    def as_dict(self) -> dict[str, Param]:
        return dict(self.params)


def why(code: Cause, **params: Param) -> Why:
    return Why(code, tuple(sorted(params.items())))


StepType = Literal["start", "job", "break", "reload", "end"]
STEP_TYPES: tuple[str, ...] = ("start", "job", "break", "reload", "end")


@dataclass(frozen=True)
class Step:
    """One stop of a route. `start` is when service begins (jobs and breaks).

    `departure` is None on `end`; `id`, `start`, `late` and `trip` are set on jobs (and `id`,
    `start` on breaks); `load` on `start` and `reload`.
    """

    type: StepType
    arrival: int
    departure: int | None = None
    id: str | None = None
    start: int | None = None
    late: int | None = None
    trip: int | None = None
    load: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.type not in STEP_TYPES:
            raise ValueError(f"type: Expected one of {list(STEP_TYPES)}, got {self.type!r}")
        if self.type in ("job", "break") and (self.id is None or self.start is None):
            raise ValueError(f"id: Expected an id and a start on a {self.type} step")
        if self.departure is not None and self.departure < self.arrival:
            raise ValueError(f"departure: Expected >= arrival {self.arrival}, got {self.departure}")


@dataclass(frozen=True)
class Route:
    vehicle: str
    steps: tuple[Step, ...]
    distance: int = 0
    duration: int = 0

    @property
    def job_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.steps if s.type == "job" and s.id is not None)

    @property
    def trips(self) -> tuple[tuple[str, ...], ...]:
        """The job ids of each trip, in order."""
        trips: list[list[str]] = [[]]
        for step in self.steps:
            if step.type == "reload":
                trips.append([])
            elif step.type == "job" and step.id is not None:
                trips[-1].append(step.id)
        return tuple(tuple(t) for t in trips)


@dataclass(frozen=True)
class Unassigned:
    id: str
    reason: Reason
    why: Why | None = None  # the finer cause with its numbers, when it is known


@dataclass(frozen=True)
class Summary:
    cost: int
    distance: int
    duration: int
    late: int
    routes: int
    unassigned: int
    solve_time_s: float


@dataclass(frozen=True)
class Solution:
    summary: Summary
    routes: tuple[Route, ...] = ()
    unassigned: tuple[Unassigned, ...] = field(default=())

    def route_of(self, vehicle_id: str) -> Route | None:
        return next((r for r in self.routes if r.vehicle == vehicle_id), None)

    @property
    def assigned(self) -> frozenset[str]:
        return frozenset(j for r in self.routes for j in r.job_ids)
