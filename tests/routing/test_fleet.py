"""How many vans: the bound from the work and the fewest found, on tiny instances.

Road, times and shifts as in tests/routing/line.py: the kitchen at 0 km, 120 s a kilometre,
60 s a stop, shifts 11:00-14:30 (12,600 s).
"""

from __future__ import annotations

from routing import Problem
from routing.bounds import day_bound, groups, mst_edges
from routing.fleet import day_fleet, fewest_vans, solve_day
from tests.routing.line import ELEVEN, line, meal, van

BUDGET = 1.0


def _boxes() -> Problem:
    """Six one-portion meals 1 km out, two portions a trip, one trip a van: 3 vans."""
    jobs = tuple(meal(f"m{k}", 1) for k in range(6))
    return Problem(vehicles=(van("v", 2),), jobs=jobs, matrices=line([0, 1]))


def _east_west(limit: int = 1300) -> Problem:
    """Meals 5 km east and 5 km west (600 s each way), a hot-meal limit of `limit` s."""
    jobs = (meal("e", 1, max_ride_time=limit), meal("w", 2, max_ride_time=limit))
    return Problem(vehicles=(van("v"), van("u")), jobs=jobs, matrices=line([0, 5, -5]))


def test_mst_of_a_road_is_its_length() -> None:
    assert sorted(mst_edges(line([0, 5, -5, 2]).durations, [0, 1, 2, 3])) == [240, 360, 600]


def test_the_boxes_bind_and_the_fleet_found_equals_the_bound() -> None:
    problem = _boxes()
    (group,) = groups(problem)
    bound = day_bound(problem).groups[0]
    assert (bound.bound, bound.trips, bound.binds) == (3, 3, "capacity")
    # 6 stops of 60 s and 120 s to reach them all: one shift is plenty.
    assert dict(bound.by_kind)["time"] == 1
    found = fewest_vans(problem, group, budget=BUDGET)
    assert found.vans == 3 == bound.bound
    assert found.solution is not None and not found.solution.unassigned
    assert found.distance == 3 * 2000  # three round trips of 1 km each way


def test_the_bound_is_not_tight_when_the_ride_limit_splits_the_trip() -> None:
    """Alone each meal rides 600 s; together the second rides 600 + 60 + 1200 = 1860 s, over
    1300: two vans. The work bound, (120 s + 1200 s MST) / (1300 + 60) s, says one trip."""
    problem = _east_west()
    (group,) = groups(problem)
    bound = day_bound(problem)
    assert (bound.vans, bound.trips) == (1, 1)
    found = fewest_vans(problem, group, budget=BUDGET)
    assert found.vans == 2 and found.trips == 2
    assert [k for k, _ in found.tries][:1] == [2]


def test_a_tight_window_binds_with_its_clients() -> None:
    """Two clients 4 km apart both want lunch between 11:10 and 11:11: two vans."""
    at = ((ELEVEN + 600, ELEVEN + 660),)
    problem = Problem(
        vehicles=(van("v"),),
        jobs=(meal("a", 1, time_windows=at), meal("b", 2, time_windows=at)),
        matrices=line([0, 2, -2]),
    )
    bound = day_bound(problem).groups[0]
    assert (bound.bound, bound.binds, bound.window) == (
        2,
        "window",
        (ELEVEN + 600, ELEVEN + 660, 2),
    )
    found = fewest_vans(problem, groups(problem)[0], budget=BUDGET)
    assert found.vans == 2  # one copy of the single van beyond the fleet
    assert found.solution is not None and {r.vehicle for r in found.solution.routes} == {"v", "v+1"}


def test_what_ifs_one_van_less_and_a_trip_more() -> None:
    problem = _east_west()
    (group,) = groups(problem)
    less = solve_day(day_fleet(problem, [(group, 1)]), BUDGET)
    assert len(less.unassigned) == 1
    two_trips = solve_day(day_fleet(problem, [(group, 1)], van_changes={"max_trips": 2}), BUDGET)
    assert not two_trips.unassigned and two_trips.summary.distance == 20_000
    assert [len(t) for t in two_trips.routes[0].trips] == [1, 1]
