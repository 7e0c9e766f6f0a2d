"""The routing problem: immutable types, each checked when it is built.

Every check raises `ValueError("<field>: Expected ...")` naming the field relative to the object
being built; `Problem` names fields from its own root (`jobs[3].time_windows[0]`), and the
exchange reader prefixes the path of nested objects the same way, so a person can find the bad
value in the file.

Times are integer seconds from midnight of the plan day, durations integer seconds, distances
integer metres (or the unit of the given matrix). Coordinates are `(lon, lat)`. Data that comes
in as floats (great-circle or OSRM travel) becomes integer with `to_int` (see travel.py) before it
reaches these types, so the solver only ever sees integers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

TimeWindow = tuple[int, int]
Location = tuple[float, float]  # (lon, lat)

SYNC_TYPES = ("simultaneous", "sequential")
OBJECTIVES = ("distance", "duration")
DEFAULT_PROFILE = "car"


def _fail(name: str, expected: str, got: object) -> ValueError:
    return ValueError(f"{name}: Expected {expected}, got {got!r}")


def _int(name: str, value: object, *, minimum: int | None = 0) -> int:
    # bool is an int in Python; a `true` in a capacity is a mistake, not a 1.
    if not isinstance(value, int) or isinstance(value, bool):
        raise _fail(name, "an integer", value)
    if minimum is not None and value < minimum:
        raise _fail(name, f"an integer >= {minimum}", value)
    return value


def _number(name: str, value: object, *, minimum: float = 0.0) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise _fail(name, "a finite number", value)
    if value < minimum:
        raise _fail(name, f"a number >= {minimum:g}", value)
    return float(value)


def _ints(name: str, values: Iterable[object]) -> tuple[int, ...]:
    return tuple(_int(f"{name}[{i}]", v) for i, v in enumerate(values))


def _window(name: str, window: object) -> TimeWindow:
    if not isinstance(window, tuple | list) or len(window) != 2:
        raise _fail(name, "a [start, end] pair", window)
    start = _int(f"{name}[0]", window[0])
    end = _int(f"{name}[1]", window[1])
    if end < start:
        raise _fail(name, "a window that ends no earlier than it starts", [start, end])
    return (start, end)


def _windows(name: str, windows: Iterable[object]) -> tuple[TimeWindow, ...]:
    result = tuple(_window(f"{name}[{i}]", w) for i, w in enumerate(windows))
    for i in range(1, len(result)):
        if result[i][0] <= result[i - 1][1]:
            raise _fail(f"{name}[{i}]", "windows sorted and not overlapping", list(result[i]))
    return result


def _location(name: str, value: object) -> Location:
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise _fail(name, "[lon, lat]", value)
    lon = _number(f"{name}[0]", value[0], minimum=-180.0)
    lat = _number(f"{name}[1]", value[1], minimum=-90.0)
    if lon > 180.0:
        raise _fail(f"{name}[0]", "a longitude <= 180", lon)
    if lat > 90.0:
        raise _fail(f"{name}[1]", "a latitude <= 90", lat)
    return (lon, lat)


def _id(name: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise _fail(name, "a non-empty string", value)
    return value


def _strings(name: str, values: Iterable[object]) -> tuple[str, ...]:
    return tuple(_id(f"{name}[{i}]", v) for i, v in enumerate(values))


def _set(obj: object, attr: str, value: object) -> None:
    """Normalise a field of a frozen dataclass during its own __post_init__."""
    object.__setattr__(obj, attr, value)


V = TypeVar("V")


class FrozenMap(Mapping[str, V]):
    """A read-only mapping that pickles (problems cross process boundaries) and hashes."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, V] | Iterable[tuple[str, V]] = ()) -> None:
        self._data: dict[str, V] = dict(data)

    def __getitem__(self, key: str) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(tuple(self._data.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __getstate__(self) -> dict[str, V]:
        return self._data

    def __setstate__(self, state: dict[str, V]) -> None:
        self._data = state


def _frozen_map(value: Mapping[str, Any]) -> FrozenMap[Any]:
    return FrozenMap(value)


@dataclass(frozen=True)
class Break:
    """A break of a vehicle (a caregiver's lunch): one of its windows, lasting `service`."""

    id: str
    time_windows: tuple[TimeWindow, ...]
    service: int = 0

    def __post_init__(self) -> None:
        _id("id", self.id)
        _set(self, "time_windows", _windows("time_windows", self.time_windows))
        if not self.time_windows:
            raise _fail("time_windows", "at least one window", [])
        _int("service", self.service)


@dataclass(frozen=True)
class Sync:
    """Jobs of one `group` belong to one visit (two caregivers at once, or one after another)."""

    group: str
    type: Literal["simultaneous", "sequential"]
    order: int | None = None
    min_gap: int | None = None
    max_gap: int | None = None

    def __post_init__(self) -> None:
        _id("group", self.group)
        if self.type not in SYNC_TYPES:
            raise _fail("type", f"one of {list(SYNC_TYPES)}", self.type)
        if self.type == "sequential" and self.order is None:
            raise _fail("order", "an order for a sequential sync", None)
        if self.type == "simultaneous" and (
            self.order is not None or self.min_gap is not None or self.max_gap is not None
        ):
            raise _fail("type", "no order or gaps on a simultaneous sync", self.type)
        for attr in ("order", "min_gap", "max_gap"):
            value = getattr(self, attr)
            if value is not None:
                _int(attr, value, minimum=1 if attr == "order" else 0)
        if self.min_gap is not None and self.max_gap is not None and self.max_gap < self.min_gap:
            raise _fail("max_gap", f"max_gap >= min_gap ({self.min_gap})", self.max_gap)


@dataclass(frozen=True)
class Vehicle:
    """A van (or a caregiver): where it starts and ends, its shift and what it carries.

    `end_index`/`end` absent means the vehicle ends at its last job. `capacity` empty means no
    capacity limit when no job has a delivery. `max_trips > 1` lets it come back to its start to
    load again, which takes `reload_time` seconds each time.
    """

    id: str
    start_index: int | None = None
    end_index: int | None = None
    start: Location | None = None
    end: Location | None = None
    time_window: TimeWindow | None = None
    capacity: tuple[int, ...] = ()
    skills: frozenset[str] = frozenset()
    profile: str = DEFAULT_PROFILE
    breaks: tuple[Break, ...] = ()
    max_travel_time: int | None = None
    max_trips: int = 1
    reload_time: int = 0
    fixed_cost: int = 0

    def __post_init__(self) -> None:
        _id("id", self.id)
        if (self.start_index is None) == (self.start is None):
            raise _fail("start_index", "exactly one of start_index and start", self.start_index)
        if self.start_index is not None:
            _int("start_index", self.start_index)
        if self.end_index is not None:
            _int("end_index", self.end_index)
        if self.start is not None:
            _set(self, "start", _location("start", self.start))
        if self.end is not None:
            _set(self, "end", _location("end", self.end))
        if (self.start_index is not None and self.end is not None) or (
            self.start is not None and self.end_index is not None
        ):
            raise _fail("end", "the same kind of location as the start", self.end or self.end_index)
        if self.time_window is not None:
            _set(self, "time_window", _window("time_window", self.time_window))
        _set(self, "capacity", _ints("capacity", self.capacity))
        _set(self, "skills", frozenset(_strings("skills", sorted(self.skills))))
        _id("profile", self.profile)
        _set(self, "breaks", tuple(self.breaks))
        for i, brk in enumerate(self.breaks):
            if not isinstance(brk, Break):
                raise _fail(f"breaks[{i}]", "a Break", brk)
        if len({b.id for b in self.breaks}) != len(self.breaks):
            raise _fail("breaks", "unique break ids", [b.id for b in self.breaks])
        if self.max_travel_time is not None:
            _int("max_travel_time", self.max_travel_time)
        _int("max_trips", self.max_trips, minimum=1)
        _int("reload_time", self.reload_time)
        _int("fixed_cost", self.fixed_cost)

    @property
    def uses_index(self) -> bool:
        return self.start_index is not None


@dataclass(frozen=True)
class Follow:
    """The job starts `min_gap` to `max_gap` seconds after job `job` starts (medication before
    a meal). A job of a simultaneous group may follow, or be followed: the link then ties the
    whole group, which starts at one second. Both are served or neither."""

    job: str
    min_gap: int = 0
    max_gap: int | None = None

    def __post_init__(self) -> None:
        _id("job", self.job)
        _int("min_gap", self.min_gap)
        if self.max_gap is not None:
            _int("max_gap", self.max_gap)
            if self.max_gap < self.min_gap:
                raise _fail("max_gap", f"max_gap >= min_gap ({self.min_gap})", self.max_gap)


@dataclass(frozen=True)
class Job:
    """A stop to serve: a meal delivery or a home-care visit.

    `time_windows` are hard for the start of service unless `late_cost_per_s > 0`, which makes
    the end of the last window soft. `penalty` None means mandatory in spirit (a very large
    penalty). `allowed_vehicles` None means any vehicle.
    """

    id: str
    location_index: int | None = None
    location: Location | None = None
    service: int = 0
    delivery: tuple[int, ...] = ()
    time_windows: tuple[TimeWindow, ...] = ()
    skills: frozenset[str] = frozenset()
    penalty: int | None = None
    late_cost_per_s: int = 0
    max_ride_time: int | None = None
    preferred_vehicles: tuple[str, ...] = ()
    preference_cost: int = 0
    allowed_vehicles: tuple[str, ...] | None = None
    sync: Sync | None = None
    follows: tuple[Follow, ...] = ()

    def __post_init__(self) -> None:
        _id("id", self.id)
        if (self.location_index is None) == (self.location is None):
            raise _fail("location_index", "exactly one of location_index and location", None)
        if self.location_index is not None:
            _int("location_index", self.location_index)
        if self.location is not None:
            _set(self, "location", _location("location", self.location))
        _int("service", self.service)
        _set(self, "delivery", _ints("delivery", self.delivery))
        _set(self, "time_windows", _windows("time_windows", self.time_windows))
        _set(self, "skills", frozenset(_strings("skills", sorted(self.skills))))
        if self.penalty is not None:
            _int("penalty", self.penalty)
        _int("late_cost_per_s", self.late_cost_per_s)
        if self.late_cost_per_s and not self.time_windows:
            raise _fail("late_cost_per_s", "0 for a job without time windows", self.late_cost_per_s)
        if self.max_ride_time is not None:
            _int("max_ride_time", self.max_ride_time)
        _set(self, "preferred_vehicles", _strings("preferred_vehicles", self.preferred_vehicles))
        _int("preference_cost", self.preference_cost)
        if self.allowed_vehicles is not None:
            _set(self, "allowed_vehicles", _strings("allowed_vehicles", self.allowed_vehicles))
        if self.sync is not None and not isinstance(self.sync, Sync):
            raise _fail("sync", "a Sync", self.sync)
        _set(self, "follows", tuple(self.follows))
        for k, link in enumerate(self.follows):
            if not isinstance(link, Follow):
                raise _fail(f"follows[{k}]", "a Follow", link)
            if link.job == self.id:
                raise _fail(f"follows[{k}].job", "another job than itself", link.job)


@dataclass(frozen=True)
class Matrices:
    """Travel between locations, indexed `[from][to]`; `distances` defaults to `durations`."""

    durations: tuple[tuple[int, ...], ...]
    distances: tuple[tuple[int, ...], ...] | None = None

    def __post_init__(self) -> None:
        _set(self, "durations", _square("durations", self.durations))
        if self.distances is not None:
            _set(self, "distances", _square("distances", self.distances))
            if len(self.distances) != len(self.durations):
                raise _fail(
                    "distances", f"{len(self.durations)} rows like durations", len(self.distances)
                )

    @property
    def size(self) -> int:
        return len(self.durations)

    @property
    def costs_distances(self) -> tuple[tuple[int, ...], ...]:
        """The distances, or the durations when no distances were given."""
        return self.distances if self.distances is not None else self.durations


def _square(name: str, rows: Iterable[Iterable[object]]) -> tuple[tuple[int, ...], ...]:
    result: list[tuple[int, ...]] = []
    for i, raw in enumerate(rows):
        row: tuple[Any, ...] = tuple(raw)
        # The fast path checks a whole row at C speed; matrices have millions of entries.
        if not (set(map(type, row)) <= {int} and (not row or min(row) >= 0)):
            row = _ints(f"{name}[{i}]", row)
        result.append(row)
    for i, row in enumerate(result):
        if len(row) != len(result):
            raise _fail(f"{name}[{i}]", f"{len(result)} columns (a square matrix)", len(row))
    return tuple(result)


@dataclass(frozen=True)
class Travel:
    """How the embedded travel provider turns coordinates into times (see travel.py)."""

    profile_speeds_kmh: Mapping[str, float] = field(
        default_factory=lambda: FrozenMap({"car": 35.0, "foot": 4.5, "bus": 18.0})
    )
    circuity: float = 1.3

    def __post_init__(self) -> None:
        speeds = {}
        for profile, speed in self.profile_speeds_kmh.items():
            _id("profile_speeds_kmh", profile)
            speeds[profile] = _number(f"profile_speeds_kmh.{profile}", speed)
            if speeds[profile] <= 0:
                raise _fail(f"profile_speeds_kmh.{profile}", "a speed > 0", speed)
        _set(self, "profile_speeds_kmh", _frozen_map(speeds))
        _set(self, "circuity", _number("circuity", self.circuity, minimum=1.0))


@dataclass(frozen=True)
class Objective:
    minimize: Literal["distance", "duration"] = "distance"
    balance_weight: int = 0

    def __post_init__(self) -> None:
        if self.minimize not in OBJECTIVES:
            raise _fail("minimize", f"one of {list(OBJECTIVES)}", self.minimize)
        _int("balance_weight", self.balance_weight)


@dataclass(frozen=True)
class Options:
    """Defaults for `solve` that travel with the problem; arguments to `solve` win."""

    time_limit_s: float | None = None
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.time_limit_s is not None:
            _number("time_limit_s", self.time_limit_s)
            if self.time_limit_s <= 0:
                raise _fail("time_limit_s", "a time limit > 0", self.time_limit_s)
        if self.seed is not None:
            _int("seed", self.seed)


@dataclass(frozen=True)
class Problem:
    """A whole routing problem. Cross-field checks name fields from the problem's root.

    Either `matrices` (or `profile_matrices`) is given and every job and vehicle uses location
    indices into it, or neither is and every one uses coordinates (`location`, `start`, `end`),
    to be turned into matrices by a travel provider (`travel.with_matrices`) before solving.
    `profile_matrices` gives one matrix per vehicle profile; `matrices` serves profiles without
    their own.
    """

    vehicles: tuple[Vehicle, ...]
    jobs: tuple[Job, ...]
    matrices: Matrices | None = None
    profile_matrices: Mapping[str, Matrices] = field(default_factory=dict)
    travel: Travel = field(default_factory=Travel)
    objective: Objective = field(default_factory=Objective)
    initial_routes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    pinned: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Jobs held on that vehicle in that relative order, anywhere in its route (order.py).
    ordered: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    options: Options = field(default_factory=Options)
    # The trip (from 1) of each job of `initial_routes[vehicle]`, in the same order: a re-plan
    # seeds the trips the vans were given, not a cut the solver would guess.
    initial_trips: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _set(self, "vehicles", tuple(self.vehicles))
        _set(self, "jobs", tuple(self.jobs))
        _set(self, "profile_matrices", _frozen_map(self.profile_matrices))
        _set(self, "initial_routes", _route_map("initial_routes", self.initial_routes))
        _set(self, "pinned", _route_map("pinned", self.pinned))
        _set(self, "ordered", _route_map("ordered", self.ordered))
        _set(self, "initial_trips", _trip_map(self.initial_trips))
        _check_types(self)
        _check_ids(self)
        _check_locations(self)
        _check_dimensions(self)
        _check_vehicle_refs(self)
        _check_routes(self)
        _check_trips(self)
        _check_sync(self)
        _check_follows(self)

    @property
    def uses_matrices(self) -> bool:
        return self.matrices is not None or bool(self.profile_matrices)

    @property
    def dimensions(self) -> int:
        """How many capacity dimensions (portions, boxes, ...) the problem has."""
        sizes = [len(v.capacity) for v in self.vehicles] + [len(j.delivery) for j in self.jobs]
        return max(sizes, default=0)

    def matrices_for(self, profile: str) -> Matrices:
        """The matrices a vehicle of this profile travels by."""
        found = self.profile_matrices.get(profile, self.matrices)
        if found is None:
            raise ValueError(f"profile_matrices: Expected a matrix for profile {profile!r}")
        return found

    def vehicle(self, vehicle_id: str) -> Vehicle:
        return next(v for v in self.vehicles if v.id == vehicle_id)

    def job(self, job_id: str) -> Job:
        return next(j for j in self.jobs if j.id == job_id)


def _route_map(name: str, routes: Mapping[str, Iterable[str]]) -> Mapping[str, tuple[str, ...]]:
    return _frozen_map({_id(name, k): _strings(f"{name}.{k}", v) for k, v in routes.items()})


def _trip_map(trips: Mapping[str, Iterable[int]]) -> Mapping[str, tuple[int, ...]]:
    name = "initial_trips"
    return _frozen_map({_id(name, k): _ints(f"{name}.{k}", v) for k, v in trips.items()})


def _check_types(p: Problem) -> None:
    for i, v in enumerate(p.vehicles):
        if not isinstance(v, Vehicle):
            raise _fail(f"vehicles[{i}]", "a Vehicle", v)
    for i, j in enumerate(p.jobs):
        if not isinstance(j, Job):
            raise _fail(f"jobs[{i}]", "a Job", j)


def _check_ids(p: Problem) -> None:
    for name, ids in (("vehicles", [v.id for v in p.vehicles]), ("jobs", [j.id for j in p.jobs])):
        seen: set[str] = set()
        for i, item_id in enumerate(ids):
            if item_id in seen:
                raise _fail(f"{name}[{i}].id", "a unique id", item_id)
            seen.add(item_id)


def _check_locations(p: Problem) -> None:
    if p.uses_matrices:
        sizes = {m.size for m in [p.matrices, *p.profile_matrices.values()] if m is not None}
        if len(sizes) != 1:
            raise _fail("profile_matrices", "every matrix of the same size", sorted(sizes))
        size = sizes.pop()
        for i, v in enumerate(p.vehicles):
            for attr in ("start_index", "end_index"):
                _check_index(f"vehicles[{i}].{attr}", getattr(v, attr), size, v.uses_index)
            if v.profile not in p.profile_matrices and p.matrices is None:
                raise _fail(f"vehicles[{i}].profile", "a profile with a matrix", v.profile)
        for i, j in enumerate(p.jobs):
            _check_index(f"jobs[{i}].location_index", j.location_index, size, j.location is None)
    else:
        for i, v in enumerate(p.vehicles):
            if v.start is None:
                raise _fail(f"vehicles[{i}].start", "a [lon, lat] start (no matrices)", None)
        for i, j in enumerate(p.jobs):
            if j.location is None:
                raise _fail(f"jobs[{i}].location", "a [lon, lat] location (no matrices)", None)


def _check_index(name: str, index: int | None, size: int, expected: bool) -> None:
    if not expected:
        raise _fail(name, "a location index (matrices are given)", None)
    if index is not None and index >= size:
        raise _fail(name, f"an index below the matrix size {size}", index)


def _check_dimensions(p: Problem) -> None:
    dims = p.dimensions
    for i, v in enumerate(p.vehicles):
        if len(v.capacity) != dims:
            raise _fail(f"vehicles[{i}].capacity", f"{dims} dimensions", list(v.capacity))
    for i, j in enumerate(p.jobs):
        if j.delivery and len(j.delivery) != dims:
            raise _fail(f"jobs[{i}].delivery", f"{dims} dimensions", list(j.delivery))


def _check_vehicle_refs(p: Problem) -> None:
    known = {v.id for v in p.vehicles}
    for i, j in enumerate(p.jobs):
        for attr in ("preferred_vehicles", "allowed_vehicles"):
            for k, vid in enumerate(getattr(j, attr) or ()):
                if vid not in known:
                    raise _fail(f"jobs[{i}].{attr}[{k}]", "a known vehicle id", vid)


def _check_routes(p: Problem) -> None:
    vehicles = {v.id for v in p.vehicles}
    jobs = {j.id for j in p.jobs}
    named = (("initial_routes", p.initial_routes), ("pinned", p.pinned), ("ordered", p.ordered))
    for name, routes in named:
        placed: set[str] = set()
        for vid, route in routes.items():
            if vid not in vehicles:
                raise _fail(f"{name}.{vid}", "a known vehicle id", vid)
            for k, jid in enumerate(route):
                if jid not in jobs:
                    raise _fail(f"{name}.{vid}[{k}]", "a known job id", jid)
                if jid in placed:
                    raise _fail(f"{name}.{vid}[{k}]", "each job in one route only", jid)
                placed.add(jid)
    for vid, route in p.ordered.items():
        for k, jid in enumerate(route):
            allowed = p.job(jid).allowed_vehicles
            if allowed is not None and vid not in allowed:
                raise _fail(f"ordered.{vid}[{k}]", "a job whose allowed_vehicles hold it", jid)


def _check_trips(p: Problem) -> None:
    """One trip number per seeded job, from 1 up, never going back to an earlier trip."""
    for vid, trips in p.initial_trips.items():
        route = p.initial_routes.get(vid)
        if route is None:
            raise _fail(f"initial_trips.{vid}", "a vehicle with initial_routes", vid)
        if len(trips) != len(route):
            raise _fail(f"initial_trips.{vid}", f"{len(route)} trip numbers", len(trips))
        for k, trip in enumerate(trips):
            if trip < 1 or (k and trip < trips[k - 1]):
                expected = f"a trip >= {max(1, trips[k - 1]) if k else 1}"
                raise _fail(f"initial_trips.{vid}[{k}]", expected, trip)


def _check_sync(p: Problem) -> None:
    groups: dict[str, list[tuple[int, Sync]]] = {}
    for i, j in enumerate(p.jobs):
        if j.sync is not None:
            groups.setdefault(j.sync.group, []).append((i, j.sync))
    for members in groups.values():
        first_i, first = members[0]
        for i, s in members[1:]:
            if s.type != first.type:
                raise _fail(f"jobs[{i}].sync.type", f"{first.type!r} like jobs[{first_i}]", s.type)
        if first.type == "sequential":
            _check_sequence(members)


def _check_sequence(members: list[tuple[int, Sync]]) -> None:
    orders = [s.order for _, s in members]
    if len(set(orders)) != len(orders):
        raise _fail(f"jobs[{members[0][0]}].sync.order", "distinct orders in a group", orders)
    for attr in ("min_gap", "max_gap"):
        values = {getattr(s, attr) for _, s in members} - {None}
        if len(values) > 1:
            i = members[0][0]
            raise _fail(f"jobs[{i}].sync.{attr}", "one value for the whole group", sorted(values))


def _check_follows(p: Problem) -> None:
    """Every followed job exists, and no job follows itself through a chain (its start would
    have to come after itself)."""
    ids = {j.id: i for i, j in enumerate(p.jobs)}
    waiting = {j.id: len(j.follows) for j in p.jobs}
    after: dict[str, list[str]] = {}
    for i, job in enumerate(p.jobs):
        for k, link in enumerate(job.follows):
            if link.job not in ids:
                raise _fail(f"jobs[{i}].follows[{k}].job", "the id of a job", link.job)
            after.setdefault(link.job, []).append(job.id)
    ready = [jid for jid, n in waiting.items() if n == 0]
    while ready:
        for then in after.get(ready.pop(), ()):
            waiting[then] -= 1
            if waiting[then] == 0:
                ready.append(then)
    looped = [jid for jid, n in waiting.items() if n > 0]
    if looped:
        raise _fail(f"jobs[{ids[looped[0]]}].follows", "no cycle of follows", looped[0])
