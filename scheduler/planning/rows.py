"""A routing solution as plan rows: routes with timed stops, and the unassigned with reasons.

Stops keep the solver's seconds (local wall-clock seconds from midnight of the plan day). In a
re-plan, a van's kept trips (see replan.py) come first, copied from the old version with what
drivers reported on them, then a reload and the solver's new trips. A stop the drivers
already reported on keeps its status, confirmation time and note: the record of what was
delivered is a financial record and must not be lost to a re-plan.
"""

from __future__ import annotations

from collections.abc import Mapping

import routing
from routing.travel import TravelProvider
from scheduler.models import Route, Stop, StopKind, StopStatus, Unassigned
from scheduler.planning.explain import explain
from scheduler.planning.registry import BuiltProblem, JobRef
from scheduler.planning.replan import KeptPart, kept_travel
from scheduler.repositories.plans import RouteRows

_COPIED = ("kind", "job_id", "client_id", "order_id", "visit_id", "trip", "arrival_s", "start_s",
           "departure_s", "late_s", "load", "status", "confirmed_at", "note")  # fmt: skip


def route_rows(
    built: BuiltProblem,
    solution: routing.Solution,
    reported: Mapping[str, Stop],
    kept: Mapping[str, KeptPart],
    provider: TravelProvider | None = None,
) -> RouteRows:
    """One route per van (or caregiver): kept trips, then the solver's trips joined by reloads."""
    rows: RouteRows = []
    for resource, vehicles in _resources(built).items():
        fresh = [
            (trip, route)
            for trip, vehicle in vehicles
            if (route := solution.route_of(vehicle.id)) is not None and route.job_ids
        ]
        part = kept.get(resource)
        if not fresh and part is None:
            continue  # a van with nothing to carry stays at the kitchen: no route for it
        stops = [_copy(s) for s in part.stops] if part else []
        back = part.back_s if part else None
        next_trip = part.trips + 1 if part else 1
        for trip, route in fresh:
            first = trip or next_trip  # a trip vehicle has its number; a whole van counts on
            stops = [s for s in stops if s.kind != StopKind.end]  # the van goes on: no end yet
            stops += _stops(route, built.jobs, reported, first, back)
            back, next_trip = stops[-1].arrival_s, stops[-1].trip + 1
        if not fresh and part is not None:
            stops.append(Stop(municipality_id=0, route_id=0, seq=0, kind=StopKind.end,
                              arrival_s=part.back_s, start_s=part.back_s,
                              departure_s=part.back_s, trip=part.trips))  # fmt: skip
        for seq, stop in enumerate(stops):
            stop.seq = seq
        vehicle = vehicles[0][1]
        travel = kept_travel(part, built.problem, vehicle, provider) if part else (0, 0)
        rows.append((_route(built, resource, vehicle.id, fresh, travel, stops), stops))
    return rows


def _resources(built: BuiltProblem) -> dict[str, list[tuple[int, routing.Vehicle]]]:
    """The routing vehicles of each stored resource, by trip (0: a whole van)."""
    found: dict[str, list[tuple[int, routing.Vehicle]]] = {}
    for vehicle in built.problem.vehicles:
        ref = built.vehicles.get(vehicle.id)
        resource = ref.resource if ref and ref.resource else vehicle.id
        found.setdefault(resource, []).append((ref.trip if ref else 0, vehicle))
    for vehicles in found.values():
        vehicles.sort(key=lambda tv: tv[0])
    return found


def _route(
    built: BuiltProblem,
    resource: str,
    vehicle_id: str,
    fresh: list[tuple[int, routing.Route]],
    travel: tuple[int, int],
    stops: list[Stop],
) -> Route:
    ref = built.vehicles.get(vehicle_id)
    return Route(
        municipality_id=0,
        plan_version_id=0,
        resource=resource,
        vehicle_id=ref.vehicle_id if ref else None,
        caregiver_id=ref.caregiver_id if ref else None,
        distance=travel[0] + sum(r.distance for _, r in fresh),
        duration=travel[1] + sum(r.duration for _, r in fresh),
        start_s=stops[0].departure_s,
        end_s=stops[-1].arrival_s,
    )


def _copy(stop: Stop) -> Stop:
    copied = Stop(municipality_id=0, route_id=0, seq=0, kind=stop.kind)
    for name in _COPIED:
        setattr(copied, name, getattr(stop, name))
    copied.load = list(stop.load)
    return copied


def _stops(
    route: routing.Route,
    jobs: Mapping[str, JobRef],
    reported: Mapping[str, Stop],
    first_trip: int,
    back: int | None,
) -> list[Stop]:
    """The solver's steps as stops, trips numbered from `first_trip`. After earlier trips
    (`back`: when the van is back at the kitchen) the route's start is a reload there."""
    stops: list[Stop] = []
    trip = first_trip
    for step in route.steps:
        if step.type == "reload":
            trip += 1
        joined = step.type == "start" and back is not None  # a later trip of the same van
        kind = StopKind.reload if joined else StopKind(step.type)
        ref = jobs.get(step.id or "") if step.type == "job" else None
        stop = Stop(
            municipality_id=0,
            route_id=0,
            seq=0,
            kind=kind,
            job_id=step.id,
            client_id=ref.client_id if ref else None,
            order_id=ref.order_ids[0] if ref and ref.order_ids else None,
            visit_id=ref.visit_id if ref else None,
            trip=trip,
            arrival_s=back if joined and back is not None else step.arrival,
            start_s=step.start if step.start is not None else step.arrival,
            departure_s=step.departure if step.departure is not None else step.arrival,
            late_s=step.late or 0,
            load=list(step.load or ()),
        )
        old = reported.get(step.id or "") if step.type == "job" else None
        if old is not None:
            stop.status, stop.confirmed_at, stop.note = old.status, old.confirmed_at, old.note
        stops.append(stop)
    return stops


def unassigned_rows(built: BuiltProblem, solution: routing.Solution) -> list[Unassigned]:
    rows = [
        _unassigned(u.id, built.jobs.get(u.id, JobRef(None)), u.reason, _job(built, u.id), u.why)
        for u in solution.unassigned
    ]
    for known in built.unroutable:
        row = _unassigned(known.job_id, known.ref, known.reason, None)
        row.explanation = known.explanation[:500]
        rows.append(row)
    return sorted(rows, key=lambda r: r.job_id)


def _job(built: BuiltProblem, job_id: str) -> routing.Job | None:
    return next((j for j in built.problem.jobs if j.id == job_id), None)


def _unassigned(
    job_id: str,
    ref: JobRef,
    reason: routing.Reason,
    job: routing.Job | None,
    why: routing.Why | None = None,
) -> Unassigned:
    said = explain(reason, job, ref, why)
    return Unassigned(
        municipality_id=0,
        plan_version_id=0,
        job_id=job_id,
        client_id=ref.client_id,
        order_id=ref.order_ids[0] if ref.order_ids else None,
        visit_id=ref.visit_id,
        reason=reason.value,
        explanation=said.words()[:500],  # English, for logs and exports
        detail=said.to_json(),  # the same in each reader's language (views/board.py)
    )


def reported_stops(routes: RouteRows) -> dict[str, Stop]:
    """Job stops of a version that a driver has reported on, by job id."""
    return {
        s.job_id: s
        for _, stops in routes
        for s in stops
        if s.kind == "job" and s.job_id and (s.status != StopStatus.planned or s.confirmed_at)
    }


def sequences(routes: RouteRows) -> dict[str, list[tuple[str, int]]]:
    """(job id, trip) per route resource, in order: what `count_moves` compares."""
    return {
        r.resource: [(s.job_id, s.trip) for s in stops if s.kind == "job" and s.job_id]
        for r, stops in routes
    }


def longest_ride(routes: RouteRows) -> int:
    """The longest time a meal spends between leaving the kitchen and reaching its client."""
    longest = 0
    for _, stops in routes:
        left = 0
        for stop in stops:
            if stop.kind in ("start", "reload"):
                left = stop.departure_s
            elif stop.kind == "job":
                longest = max(longest, stop.start_s - left)
    return longest
