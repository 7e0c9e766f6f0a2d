"""The JSON exchange format of ../shared/FORMAT.md: problems in, solutions out, and back.

Reading is strict: an unknown field is an error (a typo must not be silently ignored), and every
error is a `ValueError` whose message starts with the path of the field in the file, such as
`jobs[3].time_windows[0]: Expected ...`. Writing leaves out fields that hold their default, so
`read_problem(problem_to_dict(p)) == p`.

Added to FORMAT.md's fields, as it allows: `vehicles[].reload_time` (seconds to load again at
the start between trips), `jobs[].allowed_vehicles`, `jobs[].follows` (a visit that follows
another by a gap, docs/format.md), and per-profile matrices as
`"matrices": {"car": {"durations": ...}, "foot": {...}}` beside (or instead of) the shared
`durations`/`distances`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from routing.problem import (
    Break,
    Follow,
    Job,
    Matrices,
    Objective,
    Options,
    Problem,
    Sync,
    Travel,
    Vehicle,
)
from routing.solution import Cause, Reason, Route, Solution, Step, Summary, Unassigned, Why
from routing.wording import describe

T = TypeVar("T")
_MISSING: Any = object()

# The exchange format is JSON: what is read and written at this boundary is a JSON object.
JsonObject = dict[str, Any]


class _Fields:
    """The fields of one JSON object, taken one by one; what is left at the end is unknown."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, dict):
            raise ValueError(f"{path or 'problem'}: Expected an object, got {type(data).__name__}")
        self.data = dict(data)
        self.path = path

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def take(self, key: str, default: Any = _MISSING) -> Any:
        if key in self.data:
            return self.data.pop(key)
        if default is _MISSING:
            raise ValueError(f"{self.at(key)}: Expected a value, the field is missing")
        return default

    def done(self) -> None:
        for key in self.data:
            raise ValueError(f"{self.at(key)}: unknown field")


def _build(path: str, ctor: Callable[..., T], **kwargs: Any) -> T:
    """Build a checked type, naming the failing field from the root of the file."""
    try:
        return ctor(**kwargs)
    except ValueError as exc:
        raise ValueError(f"{path}.{exc}" if path else str(exc)) from None
    except TypeError as exc:  # a list where an object was expected, and the like
        raise ValueError(f"{path}: Expected another kind of value ({exc})") from None


def _list(path: str, value: object) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"{path}: Expected a list, got {type(value).__name__}")
    return value


def _opt_tuple(value: object) -> Any:
    return tuple(value) if isinstance(value, list) else value


# ---------------------------------------------------------------------------------- problems


def read_problem(source: str | Path | Mapping[str, Any]) -> Problem:
    """A problem from a JSON file path, a JSON text, or already-parsed JSON."""
    if isinstance(source, Path):
        data: Any = json.loads(source.read_text(encoding="utf-8"))
    elif isinstance(source, str):
        data = json.loads(source)
    else:
        data = source
    return problem_from_dict(data)


def problem_from_dict(data: object) -> Problem:
    f = _Fields(data, "")
    matrices, profile_matrices = _matrices(f.take("matrices", None))
    travel = _travel(f.take("travel", None))
    vehicles = tuple(
        _vehicle(f"vehicles[{i}]", v) for i, v in enumerate(_list("vehicles", f.take("vehicles")))
    )
    jobs = tuple(_job(f"jobs[{i}]", j) for i, j in enumerate(_list("jobs", f.take("jobs"))))
    objective = _objective(f.take("objective", None))
    initial_routes = _routes("initial_routes", f.take("initial_routes", {}))
    pinned = _routes("pinned", f.take("pinned", {}))
    ordered = _routes("ordered", f.take("ordered", {}))
    initial_trips = _trips(f.take("initial_trips", {}))
    options = _options(f.take("options", None))
    f.done()
    return _build(
        "",
        Problem,
        vehicles=vehicles,
        jobs=jobs,
        matrices=matrices,
        profile_matrices=profile_matrices,
        travel=travel,
        objective=objective,
        initial_routes=initial_routes,
        pinned=pinned,
        ordered=ordered,
        options=options,
        initial_trips=initial_trips,
    )


def _matrix(path: str, data: object) -> Matrices:
    f = _Fields(data, path)
    durations = _list(f.at("durations"), f.take("durations"))
    distances = f.take("distances", None)
    for name, rows in (("durations", durations), ("distances", distances or [])):
        for i, row in enumerate(_list(f.at(name), rows)):
            _list(f"{f.at(name)}[{i}]", row)
    f.done()
    return _build(path, Matrices, durations=durations, distances=distances)


def _matrices(data: object) -> tuple[Matrices | None, dict[str, Matrices]]:
    if data is None:
        return None, {}
    if not isinstance(data, dict):
        raise ValueError(f"matrices: Expected an object, got {type(data).__name__}")
    shared_keys = {k: data[k] for k in ("durations", "distances") if k in data}
    profiles = {k: v for k, v in data.items() if k not in shared_keys}
    shared = _matrix("matrices", shared_keys) if shared_keys else None
    by_profile = {name: _matrix(f"matrices.{name}", m) for name, m in profiles.items()}
    if shared is None and not by_profile:
        raise ValueError("matrices.durations: Expected a value, the field is missing")
    return shared, by_profile


def _travel(data: object) -> Travel:
    if data is None:
        return Travel()
    f = _Fields(data, "travel")
    kwargs: JsonObject = {}
    speeds = f.take("profile_speeds_kmh", None)
    if speeds is not None:
        if not isinstance(speeds, dict):
            raise ValueError("travel.profile_speeds_kmh: Expected an object")
        kwargs["profile_speeds_kmh"] = speeds
    circuity = f.take("circuity", None)
    if circuity is not None:
        kwargs["circuity"] = circuity
    f.done()
    return _build("travel", Travel, **kwargs)


def _break(path: str, data: object) -> Break:
    f = _Fields(data, path)
    kwargs = {
        "id": f.take("id"),
        "time_windows": tuple(_list(f.at("time_windows"), f.take("time_windows"))),
        "service": f.take("service", 0),
    }
    f.done()
    return _build(path, Break, **kwargs)


def _vehicle(path: str, data: object) -> Vehicle:
    f = _Fields(data, path)
    breaks = _list(f.at("breaks"), f.take("breaks", []))
    kwargs = {
        "id": f.take("id"),
        "start_index": f.take("start_index", None),
        "end_index": f.take("end_index", None),
        "start": _opt_tuple(f.take("start", None)),
        "end": _opt_tuple(f.take("end", None)),
        "time_window": _opt_tuple(f.take("time_window", None)),
        "capacity": tuple(_list(f.at("capacity"), f.take("capacity", []))),
        "skills": frozenset(_list(f.at("skills"), f.take("skills", []))),
        "profile": f.take("profile", "car"),
        "breaks": tuple(_break(f"{f.at('breaks')}[{i}]", b) for i, b in enumerate(breaks)),
        "max_travel_time": f.take("max_travel_time", None),
        "max_trips": f.take("max_trips", 1),
        "reload_time": f.take("reload_time", 0),
        "fixed_cost": f.take("fixed_cost", 0),
    }
    f.done()
    return _build(path, Vehicle, **kwargs)


def _sync(path: str, data: object) -> Sync | None:
    if data is None:
        return None
    f = _Fields(data, path)
    kwargs = {
        "group": f.take("group"),
        "type": f.take("type"),
        "order": f.take("order", None),
        "min_gap": f.take("min_gap", None),
        "max_gap": f.take("max_gap", None),
    }
    f.done()
    return _build(path, Sync, **kwargs)


def _follow(path: str, data: object) -> Follow:
    f = _Fields(data, path)
    kwargs = {
        "job": f.take("job"),
        "min_gap": f.take("min_gap", 0),
        "max_gap": f.take("max_gap", None),
    }
    f.done()
    return _build(path, Follow, **kwargs)


def _job(path: str, data: object) -> Job:
    f = _Fields(data, path)
    allowed = f.take("allowed_vehicles", None)
    kwargs = {
        "id": f.take("id"),
        "location_index": f.take("location_index", None),
        "location": _opt_tuple(f.take("location", None)),
        "service": f.take("service", 0),
        "delivery": tuple(_list(f.at("delivery"), f.take("delivery", []))),
        "time_windows": tuple(_list(f.at("time_windows"), f.take("time_windows", []))),
        "skills": frozenset(_list(f.at("skills"), f.take("skills", []))),
        "penalty": f.take("penalty", None),
        "late_cost_per_s": f.take("late_cost_per_s", 0),
        "max_ride_time": f.take("max_ride_time", None),
        "preferred_vehicles": tuple(
            _list(f.at("preferred_vehicles"), f.take("preferred_vehicles", []))
        ),
        "preference_cost": f.take("preference_cost", 0),
        "allowed_vehicles": None
        if allowed is None
        else tuple(_list(f.at("allowed_vehicles"), allowed)),
        "sync": _sync(f.at("sync"), f.take("sync", None)),
        "follows": tuple(
            _follow(f"{f.at('follows')}[{k}]", link)
            for k, link in enumerate(_list(f.at("follows"), f.take("follows", [])))
        ),
    }
    f.done()
    return _build(path, Job, **kwargs)


def _objective(data: object) -> Objective:
    if data is None:
        return Objective()
    f = _Fields(data, "objective")
    kwargs = {
        "minimize": f.take("minimize", "distance"),
        "balance_weight": f.take("balance_weight", 0),
    }
    f.done()
    return _build("objective", Objective, **kwargs)


def _routes(path: str, data: object) -> dict[str, tuple[str, ...]]:
    if not isinstance(data, dict):
        raise ValueError(f"{path}: Expected an object of vehicle id to job ids")
    return {k: tuple(_list(f"{path}.{k}", v)) for k, v in data.items()}


def _trips(data: object) -> dict[str, tuple[int, ...]]:
    if not isinstance(data, dict):
        raise ValueError("initial_trips: Expected an object of vehicle id to trip numbers")
    return {k: tuple(_list(f"initial_trips.{k}", v)) for k, v in data.items()}


def _options(data: object) -> Options:
    if data is None:
        return Options()
    f = _Fields(data, "options")
    kwargs = {"time_limit_s": f.take("time_limit_s", None), "seed": f.take("seed", None)}
    f.done()
    return _build("options", Options, **kwargs)


def problem_to_dict(problem: Problem) -> JsonObject:
    """The problem as exchange-format JSON data, leaving out fields that hold their default."""
    out: JsonObject = {}
    matrices: JsonObject = {}
    if problem.matrices is not None:
        matrices.update(_matrix_dict(problem.matrices))
    for name, m in problem.profile_matrices.items():
        matrices[name] = _matrix_dict(m)
    if matrices:
        out["matrices"] = matrices
    if problem.travel != Travel():
        out["travel"] = {
            "profile_speeds_kmh": dict(problem.travel.profile_speeds_kmh),
            "circuity": problem.travel.circuity,
        }
    out["vehicles"] = [_vehicle_dict(v) for v in problem.vehicles]
    out["jobs"] = [_job_dict(j) for j in problem.jobs]
    if problem.objective != Objective():
        obj = problem.objective
        out["objective"] = _non_default(
            {"minimize": obj.minimize, "balance_weight": obj.balance_weight},
            {"minimize": "distance", "balance_weight": 0},
        )
    for name in ("initial_routes", "pinned", "ordered"):
        routes: Mapping[str, tuple[str, ...]] = getattr(problem, name)
        if routes:
            out[name] = {k: list(v) for k, v in routes.items()}
    if problem.initial_trips:
        out["initial_trips"] = {k: list(v) for k, v in problem.initial_trips.items()}
    if problem.options != Options():
        out["options"] = _non_default(
            {"time_limit_s": problem.options.time_limit_s, "seed": problem.options.seed}, {}
        )
    return out


def _matrix_dict(m: Matrices) -> JsonObject:
    out: JsonObject = {"durations": [list(r) for r in m.durations]}
    if m.distances is not None:
        out["distances"] = [list(r) for r in m.distances]
    return out


def _non_default(values: JsonObject, defaults: JsonObject) -> JsonObject:
    return {k: v for k, v in values.items() if v is not None and defaults.get(k, _MISSING) != v}


def _vehicle_dict(v: Vehicle) -> JsonObject:
    values = {
        "id": v.id,
        "start_index": v.start_index,
        "end_index": v.end_index,
        "start": list(v.start) if v.start else None,
        "end": list(v.end) if v.end else None,
        "time_window": list(v.time_window) if v.time_window else None,
        "capacity": list(v.capacity),
        "skills": sorted(v.skills),
        "profile": v.profile,
        "breaks": [
            {"id": b.id, "time_windows": [list(w) for w in b.time_windows], "service": b.service}
            for b in v.breaks
        ],
        "max_travel_time": v.max_travel_time,
        "max_trips": v.max_trips,
        "reload_time": v.reload_time,
        "fixed_cost": v.fixed_cost,
    }
    defaults = {
        "capacity": [],
        "skills": [],
        "profile": "car",
        "breaks": [],
        "max_trips": 1,
        "reload_time": 0,
        "fixed_cost": 0,
    }
    return _non_default(values, defaults)


def _job_dict(j: Job) -> JsonObject:
    values = {
        "id": j.id,
        "location_index": j.location_index,
        "location": list(j.location) if j.location else None,
        "service": j.service,
        "delivery": list(j.delivery),
        "time_windows": [list(w) for w in j.time_windows],
        "skills": sorted(j.skills),
        "penalty": j.penalty,
        "late_cost_per_s": j.late_cost_per_s,
        "max_ride_time": j.max_ride_time,
        "preferred_vehicles": list(j.preferred_vehicles),
        "preference_cost": j.preference_cost,
        "allowed_vehicles": None if j.allowed_vehicles is None else list(j.allowed_vehicles),
        "sync": None if j.sync is None else _non_default(vars(j.sync).copy(), {}),
        "follows": [_non_default(vars(link).copy(), {"min_gap": 0}) for link in j.follows],
    }
    defaults = {
        "service": 0,
        "delivery": [],
        "time_windows": [],
        "skills": [],
        "late_cost_per_s": 0,
        "preferred_vehicles": [],
        "preference_cost": 0,
        "follows": [],
    }
    return _non_default(values, defaults)


def write_problem(problem: Problem, path: Path) -> None:
    path.write_text(json.dumps(problem_to_dict(problem), indent=1) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------- solutions


def solution_to_dict(solution: Solution) -> JsonObject:
    s = solution.summary
    return {
        "summary": {
            "cost": s.cost,
            "distance": s.distance,
            "duration": s.duration,
            "late": s.late,
            "routes": s.routes,
            "unassigned": s.unassigned,
            "solve_time_s": s.solve_time_s,
        },
        "routes": [
            {
                "vehicle": r.vehicle,
                "distance": r.distance,
                "duration": r.duration,
                "steps": [_step_dict(step) for step in r.steps],
            }
            for r in solution.routes
        ],
        "unassigned": [_unassigned_dict(u) for u in solution.unassigned],
    }


def _unassigned_dict(u: Unassigned) -> JsonObject:
    out: JsonObject = {"id": u.id, "reason": u.reason.value}
    if u.why is not None:
        out["code"] = u.why.code.value
        out["params"] = u.why.as_dict()
        out["text"] = describe(u.why)
    return out


def _step_dict(step: Step) -> JsonObject:
    out: JsonObject = {"type": step.type}
    if step.id is not None:
        out["id"] = step.id
    out["arrival"] = step.arrival
    for name in ("start", "departure", "late", "trip"):
        value = getattr(step, name)
        if value is not None:
            out[name] = value
    if step.load is not None:
        out["load"] = list(step.load)
    return out


def solution_from_dict(data: object) -> Solution:
    f = _Fields(data, "")
    sf = _Fields(f.take("summary"), "summary")
    summary = _build(
        "summary",
        Summary,
        **{k: sf.take(k) for k in ("cost", "distance", "duration", "late", "routes", "unassigned")},
        solve_time_s=float(sf.take("solve_time_s")),
    )
    sf.done()
    routes = tuple(
        _route(f"routes[{i}]", r) for i, r in enumerate(_list("routes", f.take("routes", [])))
    )
    unassigned = tuple(
        _unassigned(f"unassigned[{i}]", u)
        for i, u in enumerate(_list("unassigned", f.take("unassigned", [])))
    )
    f.done()
    return Solution(summary=summary, routes=routes, unassigned=unassigned)


def _route(path: str, data: object) -> Route:
    f = _Fields(data, path)
    steps = _list(f.at("steps"), f.take("steps"))
    route = Route(
        vehicle=f.take("vehicle"),
        distance=f.take("distance", 0),
        duration=f.take("duration", 0),
        steps=tuple(_step(f"{f.at('steps')}[{i}]", s) for i, s in enumerate(steps)),
    )
    f.done()
    return route


def _step(path: str, data: object) -> Step:
    f = _Fields(data, path)
    load = f.take("load", None)
    kwargs = {
        "type": f.take("type"),
        "arrival": f.take("arrival"),
        "departure": f.take("departure", None),
        "id": f.take("id", None),
        "start": f.take("start", None),
        "late": f.take("late", None),
        "trip": f.take("trip", None),
        "load": None if load is None else tuple(_list(f.at("load"), load)),
    }
    f.done()
    return _build(path, Step, **kwargs)


def _unassigned(path: str, data: object) -> Unassigned:
    f = _Fields(data, path)
    job_id, reason = f.take("id"), f.take("reason")
    code, params = f.take("code", None), f.take("params", {})
    f.take("text", None)  # words for people, made again from code and params
    f.done()
    try:
        known = Reason(reason)
    except ValueError:
        raise ValueError(f"{path}.reason: Expected one of {[r.value for r in Reason]}") from None
    return Unassigned(id=job_id, reason=known, why=_why(path, code, params))


def _why(path: str, code: object, params: object) -> Why | None:
    if code is None:
        return None
    try:
        cause = Cause(str(code))
    except ValueError:
        raise ValueError(f"{path}.code: Expected one of {[c.value for c in Cause]}") from None
    if not isinstance(params, dict) or not all(
        isinstance(v, int | str) and not isinstance(v, bool) for v in params.values()
    ):
        raise ValueError(f"{path}.params: Expected an object of integers and strings")
    return Why(cause, tuple(sorted((str(k), v) for k, v in params.items())))


def write_solution(solution: Solution, path: Path) -> None:
    path.write_text(json.dumps(solution_to_dict(solution), indent=1) + "\n", encoding="utf-8")
