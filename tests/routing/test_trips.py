"""Vans that come back to the kitchen to load again: one routing vehicle, reload nodes between
trips. Small cases on the straight road of line.py (120 s per km, 60 s per stop), checked by
hand, and a 200-meal day that must be served whole."""

from __future__ import annotations

import random
import time
from dataclasses import replace

from routing import Job, Matrices, Problem, Reason, Route, Solution, Vehicle
from routing.fill import fill
from routing.params import SolveParams
from routing.seed import start_routes
from routing.slots import joined, slotted, wants_slots
from routing.solver import solve
from routing.validate import validate
from tests.routing.line import ELEVEN, line, meal, van

LIMIT = 1.0


def _rides(route: Route) -> dict[str, int]:
    """Each job's ride: its service start minus its trip's departure from the kitchen."""
    rides, departed = {}, 0
    for step in route.steps:
        if step.type in ("start", "reload"):
            departed = step.departure or 0
        elif step.type == "job" and step.id is not None and step.start is not None:
            rides[step.id] = step.start - departed
    return rides


def _only_route(solution: Solution) -> Route:
    assert len(solution.routes) == 1
    return solution.routes[0]


def test_two_portions_a_trip_four_meals_make_two_trips_with_rides_from_each_departure() -> None:
    """Meals at 1, 2, 3, 4 km, two a trip: {1, 2} and {3, 4} km is 12 km in all (any other
    pairing is 14). Outwards each time: rides 120 and 300 s, then 360 and 540 s, counted from
    each departure; from the day's first departure the last would ride well over 600 s."""
    problem = Problem(
        vehicles=(van("van-1", 2, max_trips=2, reload_time=300),),
        jobs=tuple(meal(name, km, max_ride_time=600) for km, name in enumerate("abcd", 1)),
        matrices=line([0, 1, 2, 3, 4]),
    )
    solution = solve(problem, SolveParams(time_limit_s=LIMIT))
    route = _only_route(solution)
    assert solution.unassigned == ()
    assert sorted(route.trips) == [("a", "b"), ("c", "d")]
    assert [s.type for s in route.steps] == ["start", "job", "job", "reload", "job", "job", "end"]
    assert [s.trip for s in route.steps if s.type == "job"] == [1, 1, 2, 2]
    reload = route.steps[3]
    assert reload.arrival is not None and reload.departure == reload.arrival + 300
    assert reload.load == (2,)
    assert _rides(route) == {"a": 120, "b": 300, "c": 360, "d": 540}
    assert route.distance == 12_000
    assert validate(problem, solution) == []


def test_a_ride_limit_forces_a_second_trip() -> None:
    """Meals 3 km west and 3 km east, 400 s ride limit, room for ten: one trip would bring the
    second meal after 360 + 60 + 720 = 1140 s, so the van comes back in between."""
    jobs = (meal("w", 1, max_ride_time=400), meal("e", 2, max_ride_time=400))
    matrices = Matrices(
        durations=((0, 360, 360), (360, 0, 720), (360, 720, 0)),
        distances=((0, 3000, 3000), (3000, 0, 6000), (3000, 6000, 0)),
    )
    two = Problem(vehicles=(van("van-1", max_trips=2),), jobs=jobs, matrices=matrices)
    solution = solve(two, SolveParams(time_limit_s=LIMIT))
    route = _only_route(solution)
    assert solution.unassigned == ()
    assert sorted(route.trips) == [("e",), ("w",)]
    assert _rides(route) == {"w": 360, "e": 360}
    assert validate(two, solution) == []
    one = Problem(vehicles=(van("van-1"),), jobs=jobs, matrices=matrices)
    single = solve(one, SolveParams(time_limit_s=LIMIT))
    assert [u.reason for u in single.unassigned] == [Reason.max_ride_time]


def test_trips_never_exceed_max_trips() -> None:
    """Six one-portion meals, two a trip, three trips allowed but only two taken: two unserved."""
    problem = Problem(
        vehicles=(van("van-1", 2, max_trips=2),),
        jobs=tuple(meal(f"m{k}", k) for k in range(1, 7)),
        matrices=line([0, 1, 2, 3, 4, 5, 6]),
    )
    solution = solve(problem, SolveParams(time_limit_s=LIMIT))
    route = _only_route(solution)
    assert len(route.trips) == 2 and len(solution.unassigned) == 2
    assert validate(problem, solution) == []


def _meal_day(jobs: int, vans: int, seed: int = 7) -> Problem:
    """Clients in a 10 km square around the kitchen, 30 km/h, three minutes a stop, lunch
    11:00-14:00 within 90 minutes of leaving; vans of 20 portions, three trips each."""
    rng = random.Random(seed)
    points = [(5000.0, 5000.0)] + [
        (rng.uniform(0, 10_000), rng.uniform(0, 10_000)) for _ in range(jobs)
    ]
    metres = [[round(abs(ax - bx) + abs(ay - by)) for bx, by in points] for ax, ay in points]
    matrices = Matrices(
        durations=tuple(tuple(m * 120 // 1000 for m in row) for row in metres),
        distances=tuple(tuple(row) for row in metres),
    )
    fleet = tuple(
        Vehicle(
            id=f"van-{k}",
            start_index=0,
            end_index=0,
            time_window=(ELEVEN - 1800, 14 * 3600 + 1800),
            capacity=(20,),
            max_trips=3,
            reload_time=600,
        )
        for k in range(vans)
    )
    window = ((ELEVEN, 14 * 3600),)
    clients = tuple(
        Job(
            id=f"c{k:03d}",
            location_index=k,
            service=180,
            delivery=(1,),
            time_windows=window,
            max_ride_time=5400,
        )
        for k in range(1, jobs + 1)
    )
    return Problem(vehicles=fleet, jobs=clients, matrices=matrices)


def test_a_200_meal_day_with_several_trips_is_served_whole_and_valid() -> None:
    problem = _meal_day(200, 8)
    solution = solve(problem, SolveParams(time_limit_s=8.0))
    assert solution.unassigned == ()
    assert validate(problem, solution) == []
    assert any(len(r.trips) > 1 for r in solution.routes)


def test_slots_split_the_shift_into_hot_meal_rides_and_join_back_per_van() -> None:
    """A 4 h shift, 90-minute rides and 10-minute reloads hold two slots of a three-trip van:
    10:30-12:25 and 12:35-14:30; the slots' routes come back as the van's trips in order."""
    problem = _meal_day(4, 1)
    assert wants_slots(problem)
    sliced, van_of = slotted(problem)
    assert [v.time_window for v in sliced.vehicles] == [(37800, 44700), (45300, 52200)]
    assert [v.max_trips for v in sliced.vehicles] == [1, 1] and van_of == [0, 0]
    assert joined({1: [[2, 3]], 0: [[0], []]}, van_of) == {0: [[0], [2, 3]]}


def _four_meals(capacity: int = 10, **job: object) -> Problem:
    """Meals at 1, 2, 3, 4 km, 600 s rides: all four on one trip would bring d after 660 s."""
    return Problem(
        vehicles=(van("van-1", capacity, max_trips=2, reload_time=300),),
        jobs=tuple(meal(name, km, max_ride_time=600, **job) for km, name in enumerate("abcd", 1)),
        matrices=line([0, 1, 2, 3, 4]),
        initial_routes={"van-1": ("a", "c", "b", "d")},
    )


def test_a_seed_keeps_its_given_trips_else_is_cut_where_a_ride_would_break() -> None:
    """Cut by load alone (room for ten) the seed was one trip, infeasible, so OR-Tools refused
    it and searched from nothing: on a re-plan, the old plan thrown away."""
    guessed = _four_meals()
    assert start_routes(guessed, {0, 1, 2, 3}) == {0: [[0, 2, 1], [3]]}  # d alone: 660 s
    given = replace(guessed, initial_trips={"van-1": (1, 1, 2, 2)})
    assert start_routes(given, {0, 1, 2, 3}) == {0: [[0, 2], [1, 3]]}
    late = replace(given, jobs=(*given.jobs[:3], replace(given.jobs[3], time_windows=((0, 60),))))
    assert start_routes(late, {0, 1, 2, 3}) == {0: [[0, 2], [1]]}  # d's window has passed


def test_a_job_that_prefers_its_van_keeps_its_seeded_trip_unless_moving_pays() -> None:
    """Two a trip: {a, c} and {b, d} drive 6 + 8 km; {a, b} and {c, d} 12. Swapping b and c
    saves 2 km but changes two trips: at 5 km a trip (re-plan's KEEP_VAN_COST) it does not
    pay; without the preference the solver swaps."""
    seeded = replace(_four_meals(2), initial_trips={"van-1": (1, 1, 2, 2)})
    free = _only_route(solve(seeded, SolveParams(time_limit_s=LIMIT)))
    assert sorted(free.trips) == [("a", "b"), ("c", "d")] and free.distance == 12_000
    keep = _four_meals(2, preferred_vehicles=("van-1",), preference_cost=5000)
    keep = replace(keep, initial_trips={"van-1": (1, 1, 2, 2)})
    kept = _only_route(solve(keep, SolveParams(time_limit_s=LIMIT)))
    assert sorted(kept.trips) == [("a", "c"), ("b", "d")] and kept.distance == 14_000


def test_fill_puts_a_left_out_meal_in_its_only_place_and_leaves_one_that_fits_nowhere() -> None:
    """Two a trip, trips {a, b} and {c}: d fits only after c (before c, c would ride 660 s);
    e at 6 km is 720 s from the kitchen, over its 600 s ride limit anywhere."""
    problem = _four_meals(2)
    e = meal("e", 5, max_ride_time=600)
    problem = replace(problem, jobs=(*problem.jobs, e), matrices=line([0, 1, 2, 3, 4, 6]))
    a, b, c, d, _ = problem.jobs
    routes = {0: [[a, b], [c]]}
    assert fill(problem, routes, [(3, (0,)), (4, (0,))], deadline=time.time() + 10) == [3]
    assert routes == {0: [[a, b], [c, d]]}


def test_fill_leaves_a_dispatchers_ordered_meal_to_the_search() -> None:
    """d would fit after c, but it is held in an order on the van: only the search, which keeps
    that order, may place it."""
    problem = _four_meals(2)
    a, b, c, _ = problem.jobs
    problem = replace(problem, ordered={problem.vehicles[0].id: ("d", "a")})
    routes = {0: [[a, b], [c]]}
    assert fill(problem, routes, [(3, (0,))], deadline=time.time() + 10) == []
    assert routes == {0: [[a, b], [c]]}
