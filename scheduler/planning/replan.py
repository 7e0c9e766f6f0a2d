"""Re-planning without shuffling what the vans carry, and counting what moved.

What a van carries: in the version the drivers follow (the published one, else the latest),
a trip is under way once its departure from the kitchen has passed while that version is
published, or as soon as a driver has confirmed any stop on it or on a later trip.

Those trips are kept exactly as they were (less the stops of orders cancelled since): their
meals are in the van, so no other stop may join them and none of theirs may leave. They are
not given to the solver; the van comes back into the problem from its planned return to the
kitchen (plus the time to reload), with the trips it has left. Had they been given as
FORMAT.md `pinned` jobs, the solver would keep them at the head of the van's first trip but
could append stops whose meals were never loaded. Every other job is seeded where it was
(`initial_routes`, on the trips it had: `initial_trips`) and prefers that van and trip
(`preferred_vehicles`, at `KEEP_VAN_COST` for another van and per trip of difference), so the
search starts from the old plan and moves a stop only when that pays. On the plan date
no van can leave before the present moment (a past date is planned as if from its start,
for tests and what-ifs); a van with no trips or shift left gets an empty
window, so whatever only it could serve is reported as unassigned with its reason.

A van out of service from a time (a breakdown) keeps, of its trips under way, only the stops
drivers reported and, while that time is still ahead, those it leaves before it; its other
stops go back to the solver as if never loaded (their meals are stuck in the van: another van
fetches new ones from the kitchen, on a trip of its own). It is not seeded with its old
stops, and must be back at the kitchen by that time, so it serves nothing after it. There are
no hand-over points in the model: a van cannot meet the broken one to take its meals over.

A moved stop is a job served in both the old and the new version that changed van, or trip,
or its place among the other such jobs of its van. Place is judged by the longest common
subsequence of the van's old and new order: a stop outside it moved; one stop inserted
before others moves nothing. Jobs that appear (a new order) or disappear (a cancellation)
are counted apart as added and removed. Kept stops never move.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import routing
from routing.travel import GreatCircle, TravelProvider
from scheduler.intake.cutoff import as_utc
from scheduler.models import Stop, StopStatus

EVERYTHING_DEPARTED = 10**6  # seconds: later than any time of the plan day
# What moving a stop to another van (or trip) costs in a re-plan, in the objective's unit
# (metres by default): a stop moves only when that saves more than about 5 km of driving.
KEEP_VAN_COST = 5000

# (job id, trip) per van, in route order
Sequences = Mapping[str, Sequence[tuple[str, int]]]


def seconds_into_day(now: datetime, day: date, timezone: str) -> int | None:
    """Local wall-clock seconds of `now` on `day`; None before the day, huge after it."""
    local = as_utc(now).astimezone(ZoneInfo(timezone))
    if local.date() < day:
        return None
    if local.date() > day:
        return EVERYTHING_DEPARTED
    return local.hour * 3600 + local.minute * 60 + local.second


@dataclass(frozen=True)
class KeptPart:
    """The trips of a van that are under way or done, as the old version's stops."""

    van: str
    stops: tuple[Stop, ...]  # start, jobs and reloads between them, in order
    trips: int
    back_s: int  # planned return to the kitchen after the last of these trips

    @property
    def job_ids(self) -> tuple[str, ...]:
        return tuple(s.job_id for s in self.stops if s.kind == "job" and s.job_id)


def _reported(stop: Stop) -> bool:
    return stop.status != StopStatus.planned or stop.confirmed_at is not None


def _trip_bounds(stops: Sequence[Stop]) -> list[tuple[int, int]]:
    """(index of the start/reload stop, index of the next reload/end stop) of each trip."""
    heads = [i for i, s in enumerate(stops) if s.kind in ("start", "reload")]
    ends = [i for i, s in enumerate(stops) if s.kind in ("reload", "end")]
    return [(h, next((e for e in ends if e > h), len(stops) - 1)) for h in heads]


def kept_part(
    van: str,
    stops: Sequence[Stop],
    *,
    published: bool,
    now_s: int | None,
    live: set[str],
    out_from: int | None = None,
) -> KeptPart | None:
    """The van's trips under way or done (see the module notes), or None."""
    bounds = _trip_bounds(stops)
    gone = -1
    for index, (head, end) in enumerate(bounds):
        left = published and now_s is not None and stops[head].departure_s <= now_s
        if left or any(_reported(s) for s in stops[head:end] if s.kind == "job"):
            gone = index  # a confirmation on a later trip means the earlier ones left too
    if gone < 0:
        return None
    last_end = bounds[gone][1]
    kept = [
        s for s in stops[:last_end]
        if s.kind != "job" or s.job_id in live or _reported(s)
    ]  # fmt: skip
    # Trips are numbered on their start/reload stop (a van planned in slots may skip numbers).
    trips = stops[bounds[gone][0]].trip or gone + 1
    part = KeptPart(van, tuple(kept), trips, stops[last_end].arrival_s)
    return part if out_from is None else _broken_down(part, now_s, out_from)


def _broken_down(part: KeptPart, now_s: int | None, out_from: int) -> KeptPart | None:
    """What a van out of service from `out_from` still does of its kept trips."""
    ahead = now_s is not None and now_s < out_from
    stops = [
        s for s in part.stops
        if s.kind != "job" or _reported(s) or (ahead and s.departure_s <= out_from)
    ]  # fmt: skip
    while stops and stops[-1].kind == "reload":
        stops.pop()  # a trip left with nothing to deliver is no trip
    if not any(s.kind == "job" for s in stops):
        return None
    last = max(s.departure_s for s in stops)
    trips = max(s.trip for s in stops) or part.trips
    return KeptPart(part.van, tuple(stops), trips, max(last, min(part.back_s, out_from)))


@dataclass(frozen=True)
class Slot:
    """A routing vehicle that stands for one trip of a van (see planning/meals.py)."""

    van: str
    trip: int
    reload_s: int


def continue_day(
    problem: routing.Problem,
    old: Mapping[str, Sequence[Stop]],
    *,
    published: bool,
    now_s: int | None,
    slots: Mapping[str, Slot] | None = None,
    out_of_service: Mapping[str, int] | None = None,
) -> tuple[routing.Problem, dict[str, KeptPart]]:
    """The problem of what is left to plan, and the kept trips of each van.

    `old` holds the old version's stops by van; `slots` names the routing vehicles that are one
    trip of a van (the others are whole vans); `out_of_service` the vans broken down, with the
    local second from which they serve nothing.
    """
    slots = slots or {}
    broken = out_of_service or {}
    live = {j.id for j in problem.jobs}
    kept: dict[str, KeptPart] = {}
    for van, stops in old.items():
        part = kept_part(
            van, stops, published=published, now_s=now_s, live=live, out_from=broken.get(van)
        )
        if part is not None:
            kept[van] = part
    done = {j for part in kept.values() for j in part.job_ids}
    vehicles = tuple(
        _out_from(_rest(v, slots.get(v.id), kept, now_s), broken.get(_van(v.id, slots)))
        for v in problem.vehicles
    )
    allowed = {j.id: j.allowed_vehicles for j in problem.jobs if j.id not in done}
    initial: dict[str, tuple[str, ...]] = {}
    trips: dict[str, tuple[int, ...]] = {}
    for vehicle in vehicles:
        slot = slots.get(vehicle.id)
        if _van(vehicle.id, slots) in broken:
            continue  # seeding its old stops would start the search from an infeasible plan
        stops = [
            s
            for s in old.get(slot.van if slot else vehicle.id, ())
            if s.kind == "job" and s.job_id and _may(vehicle.id, s.job_id, allowed)
            and (slot is None or s.trip == slot.trip)
        ]  # fmt: skip
        if stops:
            initial[vehicle.id] = tuple(s.job_id or "" for s in stops)
            # Its trips as they were: cut anew, a van's first trip would swallow its second.
            trips[vehicle.id] = tuple(max(1, s.trip) for s in stops)
    was_on = {job: vehicle for vehicle, jobs in initial.items() for job in jobs}
    rest = dataclasses.replace(
        problem,
        vehicles=vehicles,
        jobs=tuple(_stay(j, was_on.get(j.id)) for j in problem.jobs if j.id not in done),
        initial_routes=initial,
        initial_trips=trips,
        pinned={},
    )
    return rest, kept


def _van(vehicle_id: str, slots: Mapping[str, Slot]) -> str:
    slot = slots.get(vehicle_id)
    return slot.van if slot else vehicle_id


def _out_from(vehicle: routing.Vehicle, out_from: int | None) -> routing.Vehicle:
    """A van broken down from `out_from` must be back at the kitchen by then."""
    if out_from is None:
        return vehicle
    first, last = vehicle.time_window or (0, 24 * 3600)
    last = max(0, min(last, out_from))
    return dataclasses.replace(vehicle, time_window=(min(first, last), last))


def _stay(job: routing.Job, vehicle: str | None) -> routing.Job:
    """A job prefers the van (and trip) it was on, so a re-plan moves it only to gain much."""
    if vehicle is None or job.preferred_vehicles:
        return job
    return dataclasses.replace(job, preferred_vehicles=(vehicle,), preference_cost=KEEP_VAN_COST)


def _rest(
    vehicle: routing.Vehicle, slot: Slot | None, kept: Mapping[str, KeptPart], now_s: int | None
) -> routing.Vehicle:
    if slot is None:
        return _rest_of_day(vehicle, kept.get(vehicle.id), now_s)
    part = kept.get(slot.van)
    first, last = vehicle.time_window or (0, 24 * 3600)
    if part is not None:
        first = last if slot.trip <= part.trips else max(first, part.back_s + slot.reload_s)
    if now_s is not None and now_s < EVERYTHING_DEPARTED:
        first = max(first, now_s)
    return dataclasses.replace(vehicle, time_window=(min(first, last), last))


def _may(van: str, job: str, allowed: Mapping[str, tuple[str, ...] | None]) -> bool:
    if job not in allowed:
        return False  # gone, or kept on a van already
    vans = allowed[job]
    return vans is None or van in vans


def _rest_of_day(
    vehicle: routing.Vehicle, part: KeptPart | None, now_s: int | None
) -> routing.Vehicle:
    """The van from when it is free again, with the trips it has left."""
    first, last = vehicle.time_window or (0, 24 * 3600)
    trips = vehicle.max_trips
    if part is not None:
        first = max(first, part.back_s + vehicle.reload_time)
        trips -= part.trips
    if now_s is not None and now_s < EVERYTHING_DEPARTED:  # a past date is planned as a whole
        first = max(first, now_s)
    if trips < 1:
        first, trips = last, 1  # no trips left: an empty window
    return dataclasses.replace(vehicle, time_window=(min(first, last), last), max_trips=trips)


def kept_travel(
    part: KeptPart,
    problem: routing.Problem,
    vehicle: routing.Vehicle,
    travel: TravelProvider | None = None,
) -> tuple[int, int]:
    """(distance, travel time) of the kept trips of `vehicle`'s van, by the plan's provider."""
    home = vehicle.start
    where = {j.id: j.location for j in problem.jobs}
    if home is None:
        return 0, 0
    points = [home]
    for stop in part.stops[1:]:
        if stop.kind == "reload":
            points.append(home)
        elif stop.kind == "job":
            point = where.get(stop.job_id or "")
            if point is not None:
                points.append(point)
    points.append(home)
    matrices = (travel or GreatCircle(problem.travel)).matrices(points, vehicle.profile)
    legs = list(zip(range(len(points) - 1), range(1, len(points)), strict=True))
    distances = matrices.costs_distances
    return (
        sum(distances[a][b] for a, b in legs),
        sum(matrices.durations[a][b] for a, b in legs),
    )


@dataclass(frozen=True)
class Moves:
    moved: int
    added: int
    removed: int
    moved_jobs: tuple[str, ...] = ()


def _lcs(a: Sequence[tuple[str, int]], b: Sequence[tuple[str, int]]) -> set[str]:
    """Job ids of a longest common subsequence of two sequences."""
    rows = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            rows[i][j] = (
                rows[i + 1][j + 1] + 1 if a[i] == b[j] else max(rows[i + 1][j], rows[i][j + 1])
            )
    kept: set[str] = set()
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            kept.add(a[i][0])
            i, j = i + 1, j + 1
        elif rows[i + 1][j] >= rows[i][j + 1]:
            i += 1
        else:
            j += 1
    return kept


def count_moves(old: Sequences, new: Sequences) -> Moves:
    """Compare two versions' routes (see the module notes for what counts as moved)."""
    old_van = {job: van for van, seq in old.items() for job, _ in seq}
    new_van = {job: van for van, seq in new.items() for job, _ in seq}
    common = old_van.keys() & new_van.keys()
    moved = {j for j in common if old_van[j] != new_van[j]}
    for van in new:
        stay = [x for x in old.get(van, ()) if x[0] in common and new_van[x[0]] == van]
        now = [x for x in new[van] if x[0] in common and old_van[x[0]] == van]
        kept = _lcs(stay, now)
        moved |= {job for job, _ in now if job not in kept}
    return Moves(
        moved=len(moved),
        added=len(new_van.keys() - old_van.keys()),
        removed=len(old_van.keys() - new_van.keys()),
        moved_jobs=tuple(sorted(moved)),
    )
