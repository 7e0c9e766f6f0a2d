"""Days split by kitchen (routing/parts.py): two kitchens 20 km apart on the road of line.py,
each client tied to its own kitchen's vans; solved by parts, the answer is a valid whole."""

from __future__ import annotations

from dataclasses import replace

import pytest

from routing import Problem, SolveParams, solve
from routing import parts as parts_module
from routing.parts import lanes, split
from routing.schedule import time_route
from routing.validate import validate
from tests.routing.line import line, meal, van

WEST = ("w-1", "w-2")
EAST = ("e-1",)


def two_kitchens() -> Problem:
    """Kitchen W at 0 km with two vans of 3 portions, kitchen E at 20 km with one of 4; W's
    five clients at -1..-5 km, E's three at 21..23 km."""
    kms = [0, 20, -1, -2, -3, -4, -5, 21, 22, 23]
    west = tuple(
        meal(f"w{k}", 1 + k, allowed_vehicles=WEST, max_ride_time=1800) for k in range(1, 6)
    )
    east = tuple(meal(f"e{k}", 6 + k, allowed_vehicles=EAST) for k in range(1, 4))
    vans = (van("w-1", 3), van("w-2", 3), van("e-1", 4, start_index=1, end_index=1))
    return Problem(vehicles=vans, jobs=west + east, matrices=line(kms))


def test_a_day_splits_into_its_kitchens_with_their_own_rows_of_the_matrix() -> None:
    problem = two_kitchens()
    west, east = split(problem)
    assert [v.id for v in west.vehicles] == list(WEST) and [v.id for v in east.vehicles] == ["e-1"]
    assert {j.id for j in west.jobs} == {f"w{k}" for k in range(1, 6)}
    assert {j.id for j in east.jobs} == {"e1", "e2", "e3"}
    assert west.matrices is not None and east.matrices is not None
    assert west.matrices.size == 6 and east.matrices.size == 4  # a kitchen and its clients
    # The same roads: e3 (23 km) is 3 km from kitchen E (20 km) in the part as in the whole.
    e3 = next(j for j in east.jobs if j.id == "e3")
    start = east.vehicles[0].start_index
    assert start is not None and e3.location_index is not None
    assert east.matrices.costs_distances[start][e3.location_index] == 3000


def test_solved_by_parts_the_day_is_a_valid_whole_as_good_as_one_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problem = two_kitchens()
    whole = solve(problem, SolveParams(time_limit_s=1.0))
    monkeypatch.setattr(parts_module, "MIN_JOBS", 1)  # split even a day this small
    by_parts = solve(problem, SolveParams(time_limit_s=2.0))
    assert by_parts.unassigned == () and whole.unassigned == ()
    assert validate(problem, by_parts) == []
    assert [r.vehicle for r in by_parts.routes] == ["w-1", "w-2", "e-1"]  # the whole's order
    # Each kitchen's optimum (a tiny day): by parts as by one search.
    assert by_parts.summary.distance == whole.summary.distance
    # Each route re-timed on the whole problem's matrix is the route the part gave.
    for route in by_parts.routes:
        vehicle = problem.vehicle(route.vehicle)
        trips = [[problem.job(j) for j in trip] for trip in route.trips]
        assert time_route(problem, vehicle, trips).route == route


def test_a_job_any_van_may_serve_keeps_the_day_whole() -> None:
    problem = two_kitchens()
    free = meal("anyone", 9)
    assert len(split(replace(problem, jobs=(*problem.jobs, free)))) == 1


def test_parts_are_dealt_to_lanes_that_end_together() -> None:
    sizes = [651, 520, 348, 264, 209]
    fake = [replace(two_kitchens(), jobs=tuple(meal(f"j{i}", 0) for i in range(n))) for n in sizes]
    dealt = lanes(fake, 2)
    assert [[len(p.jobs) for p in lane] for lane in dealt] == [[651, 264], [520, 348, 209]]
    assert len(lanes(fake, 1)) == 1 and len(lanes(fake[:1], 2)) == 1
