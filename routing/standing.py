"""A re-plan's routes as they stand: the seeded routes, timed and checked, without a search.

A cancellation after the cut-off only takes a stop out of a route. What is left of that route
is still a valid route in all but pathological cases: capacity only falls, and each later stop
is reached no later than before when the road from the stop before the gap to the stop after
it is no longer than the way through the gap (the triangle inequality), so windows and the
shift still hold; a later stop that is reached earlier waits for its window, and the trip's
departure is delayed only by waiting the van would otherwise do (schedule.py), so no hot-meal
ride gets longer. Road matrices can break the triangle inequality by a few seconds, and the
van's day may have moved (a trip under way, the present moment), so that is not assumed but
checked: every route is re-timed by schedule.py and the whole answer by the caller with
validate.py before it is used. Anything else (a job not seeded where it was, a pin, linked
visits, a route that fails the check) gets the full search.

Nothing else moves: with the old times given (`held`), every stop keeps the time its client
was told, on every van, the gap's van waiting where the stop was; each trip leaves as late as
its first stop allows, so no ride is longer than before. A search could shorten the gap's
route by a few hundred metres by reordering; the re-plan's preference for the old van and
order (replan.py) would keep almost all of it anyway, and the search costs the dispatcher one
to two seconds on a large day.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace

from routing.problem import Job, Problem, Vehicle
from routing.schedule import TimedRoute, time_route
from routing.solution import Route, Solution
from routing.solver import assembled


def as_they_stand(problem: Problem, held: Mapping[str, int] | None = None) -> Solution | None:
    """The seeded routes (`initial_routes` cut into `initial_trips`) as the answer, when they
    hold every job of the problem, and each route passes schedule.py's check; else None.

    `held` gives jobs their old service start: each keeps it (the van waits where the gap
    was), so every stop keeps the time its client was told and no ride gets longer; without
    it, routes are timed as schedule.py times any answer."""
    started = time.time()
    if not problem.uses_matrices or problem.pinned or problem.ordered:
        return None
    if any(j.sync is not None or j.follows for j in problem.jobs):
        return None
    if any(v.breaks for v in problem.vehicles):
        return None  # breaks are placed by the search (care/timing.py), not by schedule.py
    by_id = {j.id: j for j in problem.jobs}
    seeded = [j for seq in problem.initial_routes.values() for j in seq]
    if len(seeded) != len(by_id) or set(seeded) != by_id.keys():
        return None  # a job to place (a new order, one left out before) or seeded twice
    timed: list[TimedRoute] = []
    for vehicle in problem.vehicles:
        ids = problem.initial_routes.get(vehicle.id, ())
        if not ids:
            continue
        if any(not _may(by_id[j], vehicle) for j in ids):
            return None
        trips = _trips(ids, problem.initial_trips.get(vehicle.id, ()), by_id)
        if len(trips) > vehicle.max_trips:
            return None
        route = time_route(problem, vehicle, trips)
        if not route.feasible or route.late:
            return None
        if held is not None:
            kept = _held(problem, vehicle, route, held)
            if kept is None:
                return None
            route = replace(route, route=kept)
        timed.append(route)
    return assembled(timed, [], time.time() - started)


def _held(
    problem: Problem, vehicle: Vehicle, timed: TimedRoute, held: Mapping[str, int]
) -> Route | None:
    """The route's steps with each job at its held start, each trip leaving as late as its
    first stop allows (never before the van is ready); None when a stop cannot be reached by
    its held time (a road longer than the way through the gap, a van ready later now)."""
    durations = problem.matrices_for(vehicle.profile).durations
    jobs = {j.id: j for j in problem.jobs}
    home = vehicle.start_index
    assert home is not None
    steps, now, loc = list(timed.route.steps), (vehicle.time_window or (0, 0))[0], home
    for i, step in enumerate(steps):
        if step.type in ("start", "reload"):
            arrival = now if step.type == "start" else now + durations[loc][home]
            ready = arrival + (vehicle.reload_time if step.type == "reload" else 0)
            first = steps[i + 1]
            if first.id is None or first.id not in held:
                return None
            now, loc = max(ready, held[first.id] - durations[home][_at(jobs[first.id])]), home
            steps[i] = replace(
                step, arrival=arrival if step.type == "reload" else now, departure=now
            )
        elif step.type == "job" and step.id is not None:
            job = jobs[step.id]
            arrival, start = now + durations[loc][_at(job)], held.get(step.id)
            if start is None or arrival > start:
                return None
            now, loc = start + job.service, _at(job)
            steps[i] = replace(step, arrival=arrival, start=start, departure=now, late=0)
        elif step.type == "end":
            end = vehicle.end_index
            steps[i] = replace(step, arrival=now + (0 if end is None else durations[loc][end]))
    return replace(timed.route, steps=tuple(steps))


def _at(job: Job) -> int:
    assert job.location_index is not None
    return job.location_index


def _may(job: Job, vehicle: Vehicle) -> bool:
    allowed = job.allowed_vehicles is None or vehicle.id in job.allowed_vehicles
    return allowed and job.skills <= vehicle.skills


def _trips(ids: Sequence[str], numbers: Sequence[int], jobs: dict[str, Job]) -> list[list[Job]]:
    """The jobs cut into trips where the seeded trip number changes (one trip without)."""
    trips: list[list[Job]] = []
    last: int | None = None
    for k, job_id in enumerate(ids):
        number = numbers[k] if k < len(numbers) else last
        if not trips or number != last:
            trips.append([])
        trips[-1].append(jobs[job_id])
        last = number
    return trips
