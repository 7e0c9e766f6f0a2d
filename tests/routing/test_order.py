"""`ordered`: jobs held on a vehicle in the dispatcher's relative order, the rest placed around.

On the road of line.py (the west meals w1..w4 at -1..-4 km, the east ones at +1, +2 km).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from routing import Problem, Reason, solve
from routing.exchange import problem_from_dict, problem_to_dict
from routing.order import in_order
from routing.params import SolveParams
from routing.validate import hard_violations
from tests.routing.line import ELEVEN, line, meal, two_vans_six_meals, van

LIMIT = 2.0


def _order_of(problem: Problem, van_id: str) -> list[str]:
    route = solve(problem, SolveParams(time_limit_s=LIMIT)).route_of(van_id)
    assert route is not None
    return list(route.job_ids)


def _without_ride_limit(problem: Problem) -> Problem:
    return replace(problem, jobs=tuple(replace(j, max_ride_time=None) for j in problem.jobs))


@pytest.mark.parametrize("held", [("w4", "w1"), ("w1", "w4"), ("w3", "w1", "w2")])
def test_ordered_jobs_keep_their_relative_order_and_the_rest_fits_around(
    held: tuple[str, ...],
) -> None:
    """Every order of the west meals drives the same 8 km, so no order is free: each one
    asked for (they contradict each other) must be the one served."""
    problem = replace(_without_ride_limit(two_vans_six_meals()), ordered={"van-1": held})
    solution = solve(problem, SolveParams(time_limit_s=LIMIT))
    route = solution.route_of("van-1")
    assert route is not None and set(route.job_ids) == {"w1", "w2", "w3", "w4"}
    assert [j for j in route.job_ids if j in held] == list(held)
    assert hard_violations(problem, solution) == []


def test_the_validator_names_an_order_a_solution_breaks() -> None:
    problem = _without_ride_limit(two_vans_six_meals())
    solution = solve(problem, SolveParams(time_limit_s=LIMIT))
    route = solution.route_of("van-1")
    assert route is not None
    backwards = tuple(reversed(route.job_ids[:2]))
    broken = hard_violations(replace(problem, ordered={"van-1": backwards}), solution)
    assert [(v.constraint, v.subject) for v in broken] == [("ordered", "vehicle van-1")]


def test_an_ordered_job_moves_to_the_vehicle_it_is_held_on() -> None:
    """e2 (+2 km) would go with van 2; held on van 1 after w1, van 1 crosses the kitchen."""
    problem = replace(_without_ride_limit(two_vans_six_meals()), ordered={"van-1": ("w1", "e2")})
    problem = replace(problem, vehicles=(van("van-1", 5), van("van-2", 2)))
    route = _order_of(problem, "van-1")
    assert "e2" in route and route.index("w1") < route.index("e2")
    other = solve(problem, SolveParams(time_limit_s=LIMIT)).route_of("van-2")
    assert other is None or "e2" not in other.job_ids


def test_an_order_the_windows_forbid_leaves_the_later_job_out_with_a_reason() -> None:
    """b must be served by 11:03 at +1 km, a after 11:30 at +2 km: "a before b" cannot hold,
    and the van serves a alone rather than break the order."""
    late = ((ELEVEN + 1800, ELEVEN + 7200),)
    early = ((ELEVEN, ELEVEN + 180),)
    problem = Problem(
        vehicles=(van("van-1"),),
        jobs=(meal("a", 2, time_windows=late), meal("b", 1, time_windows=early)),
        matrices=line([0, 1, 2]),
        ordered={"van-1": ("a", "b")},
    )
    solution = solve(problem, SolveParams(time_limit_s=LIMIT))
    served = solution.route_of("van-1")
    assert served is not None and len(served.job_ids) == 1
    assert len(solution.unassigned) == 1
    assert solution.unassigned[0].reason in set(Reason)


def test_first_routes_are_put_in_order_before_the_search_starts_from_them() -> None:
    problem = replace(two_vans_six_meals(), ordered={"van-1": ("w4", "w1")})
    routes = {0: [["w1", "w2"], ["w3", "w4"]], 1: [["e1", "w4"]]}
    index = {j.id: i for i, j in enumerate(problem.jobs)}
    as_ids = {v: [[index[j] for j in trip] for trip in trips] for v, trips in routes.items()}
    fixed = in_order(problem, as_ids)
    names = {i: jid for jid, i in index.items()}
    assert [[names[i] for i in t] for t in fixed[0]] == [["w4", "w2"], ["w3", "w1"]]
    assert [[names[i] for i in t] for t in fixed[1]] == [["e1"]]


@pytest.mark.parametrize(
    ("ordered", "field"),
    [
        ({"van-9": ("w1",)}, "ordered.van-9"),
        ({"van-1": ("nobody",)}, "ordered.van-1[0]"),
        ({"van-1": ("w1",), "van-2": ("w1",)}, "ordered.van-2[0]"),
    ],
)
def test_bad_ordered_jobs_are_refused_naming_the_field(
    ordered: dict[str, tuple[str, ...]], field: str
) -> None:
    with pytest.raises(ValueError, match=field.replace("[", r"\[")):
        replace(two_vans_six_meals(), ordered=ordered)


def test_a_job_held_on_a_vehicle_it_may_not_use_is_refused() -> None:
    problem = two_vans_six_meals()
    only_van_2 = replace(problem.job("w1"), allowed_vehicles=("van-2",))
    jobs = tuple(only_van_2 if j.id == "w1" else j for j in problem.jobs)
    with pytest.raises(ValueError, match=r"ordered.van-1\[0\]"):
        replace(problem, jobs=jobs, ordered={"van-1": ("w1",)})


def test_ordered_travels_through_the_exchange_format() -> None:
    problem = replace(two_vans_six_meals(), ordered={"van-1": ("w4", "w2")})
    data = problem_to_dict(problem)
    assert data["ordered"] == {"van-1": ["w4", "w2"]}
    assert problem_from_dict(data).ordered == problem.ordered
