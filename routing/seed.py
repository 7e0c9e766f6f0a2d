"""The routes a search starts from when the problem gives some (`initial_routes`, `pinned`).

OR-Tools takes a start only if every route in it is feasible (`ReadAssignmentFromRoutes`
returns nothing otherwise), and then searches from scratch: on a re-plan that is the old
plan thrown away, and with a re-plan's short budget most stops moved and dozens were left
out. So each van's seeded jobs are cut into the trips it was given (`initial_trips`), or,
without them, where the trip's load or the route's times would break; and a job that would
make the van's route infeasible (its window or ride limit passed, the van's shift shortened
since) is left out of the start for the search to place.
"""

from __future__ import annotations

from routing.problem import Problem, Vehicle
from routing.schedule import time_route

Routes = dict[int, list[list[int]]]  # van -> trips -> problem job indices


def start_routes(problem: Problem, eligible: set[int]) -> Routes:
    """Feasible routes per van and trip from the problem's pinned and initial routes, over the
    `eligible` jobs (the others are not in the model)."""
    index = {job.id: i for i, job in enumerate(problem.jobs)}
    routes: Routes = {}
    for i, vehicle in enumerate(problem.vehicles):
        pinned = [index[j] for j in problem.pinned.get(vehicle.id, ())]
        seeded = problem.initial_routes.get(vehicle.id, ())
        given = dict(zip(seeded, problem.initial_trips.get(vehicle.id, ()), strict=False))
        rest = [(index[j], given.get(j)) for j in seeded if index[j] not in pinned]
        trips = _trips(problem, vehicle, pinned, [(j, t) for j, t in rest if j in eligible])
        if trips:
            routes[i] = trips
    return routes


def _trips(
    problem: Problem, vehicle: Vehicle, pinned: list[int], seeded: list[tuple[int, int | None]]
) -> list[list[int]]:
    # Pinned jobs open the first trip whatever the check says: the model forces them there.
    trips: list[list[int]] = [list(pinned)]
    trip_of_last: int | None = None
    for job, trip in seeded:
        given_next = trip is not None and trip_of_last is not None and trip > trip_of_last
        if given_next and trips[-1] and len(trips) < vehicle.max_trips:
            trips.append([])
        trip_of_last = trip if trip is not None else trip_of_last
        if _fits(problem, vehicle, [*trips[:-1], [*trips[-1], job]]):
            trips[-1].append(job)
        elif trip is None and _opens_trip(problem, vehicle, trips, job):
            trips.append([job])
    return [t for t in trips if t]


def _opens_trip(problem: Problem, vehicle: Vehicle, trips: list[list[int]], job: int) -> bool:
    """Whether the job can start a new trip of its own after the van's trips so far."""
    room = bool(trips[-1]) and len(trips) < vehicle.max_trips
    return room and _fits(problem, vehicle, [*trips, [job]])


def _fits(problem: Problem, vehicle: Vehicle, trips: list[list[int]]) -> bool:
    jobs = [[problem.jobs[j] for j in trip] for trip in trips]
    return time_route(problem, vehicle, jobs, with_steps=False).feasible


def with_pins(
    problem: Problem, jobs: tuple[int, ...], allowed: tuple[tuple[int, ...] | None, ...]
) -> tuple[tuple[int, ...] | None, ...]:
    """A pinned job goes on its own vehicle (the driver already carries it), and so does an
    ordered one (the dispatcher put it there)."""
    van_of = {
        jid: i
        for routes in (problem.pinned, problem.ordered)
        for i, v in enumerate(problem.vehicles)
        for jid in routes.get(v.id, ())
    }
    ids = [problem.jobs[j].id for j in jobs]
    return tuple(
        (van_of[jid],) if jid in van_of else a for jid, a in zip(ids, allowed, strict=True)
    )
