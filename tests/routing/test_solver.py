"""The solver on instances small enough to check by hand: exact routes, times and reasons."""

from __future__ import annotations

from dataclasses import replace

import pytest

from routing import Job, Problem, Reason, Solution, Sync, Vehicle
from routing.params import Search, SolveParams
from routing.search import GLS, Phase
from routing.solver import solve
from tests.routing.line import ELEVEN, SHIFT, line, meal, two_vans_six_meals, van

LIMIT = 1.0


def _routes(solution: Solution) -> dict[str, list[str]]:
    return {r.vehicle: list(r.job_ids) for r in solution.routes}


def _reasons(solution: Solution) -> dict[str, Reason]:
    return {u.id: u.reason for u in solution.unassigned}


def test_two_vans_six_meals_exact_routes_and_times() -> None:
    solution = solve(two_vans_six_meals(), SolveParams(time_limit_s=LIMIT))
    assert _routes(solution) == {"van-1": ["w1", "w2", "w3", "w4"], "van-2": ["e1", "e2"]}
    assert solution.unassigned == ()
    # 8 km out and back west, 4 km east; travel 96 min in all.
    assert (solution.summary.distance, solution.summary.duration) == (12_000, 1440)
    assert solution.summary.cost == 12_000
    west = solution.route_of("van-1")
    assert west is not None
    starts = [s.start for s in west.steps if s.type == "job"]
    # Leaves at 11:00; each stop is 2 min further and takes 1 min.
    assert starts == [ELEVEN + 120, ELEVEN + 300, ELEVEN + 480, ELEVEN + 660]
    assert west.steps[0].type == "start" and west.steps[0].departure == ELEVEN
    assert west.steps[0].load == (4,)
    assert west.steps[-1].type == "end" and west.steps[-1].arrival == ELEVEN + 720 + 480


def test_a_second_trip_after_reloading_at_the_kitchen() -> None:
    """One van carrying two meals, four clients at 1 and 2 km: two trips, a reload between."""
    problem = Problem(
        vehicles=(van("van-1", 2, max_trips=2, reload_time=300),),
        jobs=(meal("a", 1), meal("b", 1), meal("c", 2), meal("d", 2)),
        matrices=line([0, 1, 2]),
    )
    solution = solve(problem, SolveParams(time_limit_s=LIMIT))
    route = solution.route_of("van-1")
    assert route is not None and solution.unassigned == ()
    assert sorted(map(sorted, route.trips)) == [["a", "b"], ["c", "d"]]
    kinds = [s.type for s in route.steps]
    assert kinds == ["start", "job", "job", "reload", "job", "job", "end"]
    reload = route.steps[3]
    assert reload.load == (2,) and reload.departure == (reload.arrival or 0) + 300
    assert [s.trip for s in route.steps if s.type == "job"] == [1, 1, 2, 2]
    assert route.distance == 2_000 + 4_000


def test_without_a_second_trip_the_extra_meals_wait_for_another_day() -> None:
    problem = Problem(
        vehicles=(van("van-1", 2),),
        jobs=(meal("a", 1), meal("b", 1), meal("c", 2)),
        matrices=line([0, 1, 2]),
    )
    solution = solve(problem, SolveParams(time_limit_s=LIMIT))
    assert len(solution.route_of("van-1").job_ids) == 2  # type: ignore[union-attr]
    assert list(_reasons(solution).values()) == [Reason.capacity]


def test_ride_time_reorders_stops_and_the_van_leaves_late_instead_of_waiting() -> None:
    """Both want lunch from 12:00. Far first, the near meal would ride 660 s (limit 500); near
    first, the van leaves just in time for noon instead of waiting at the door for an hour."""
    noon = 12 * 3600
    problem = Problem(
        vehicles=(van("van-1"),),
        jobs=(
            meal("near", 1, max_ride_time=500, time_windows=((noon, noon + 3600),)),
            meal("far", 2, max_ride_time=500, time_windows=((noon, noon + 3600),)),
        ),
        matrices=line([0, 1, 3]),
    )
    solution = solve(problem, SolveParams(time_limit_s=LIMIT))
    route = solution.route_of("van-1")
    assert route is not None and route.job_ids == ("near", "far")
    start = route.steps[0]
    assert start.departure == noon - 120  # arrives at the near client just at noon
    assert [s.start for s in route.steps if s.type == "job"] == [noon, noon + 60 + 240]


def _reason_case(job: Job, *, vehicles: tuple[Vehicle, ...] | None = None) -> Reason:
    problem = Problem(
        vehicles=vehicles or (van("van-1", 4),),
        jobs=(meal("ok", 1), job),
        matrices=line([0, 1, 2, 30]),
    )
    solution = solve(problem, SolveParams(time_limit_s=LIMIT))
    assert "ok" in solution.assigned
    return _reasons(solution)[job.id]


@pytest.mark.parametrize(
    ("job", "reason"),
    [
        (meal("x", 2, skills=frozenset({"nurse"})), Reason.skills),
        (meal("x", 2, time_windows=((0, 3600),)), Reason.time_window),
        (meal("x", 2, delivery=(5,)), Reason.capacity),
        (meal("x", 2, max_ride_time=100), Reason.max_ride_time),
        (meal("x", 3, time_windows=((SHIFT[1] - 3600, SHIFT[1] - 3500),)), Reason.shift),
        (meal("x", 2, allowed_vehicles=()), Reason.no_vehicle),
        (meal("x", 3, penalty=10), Reason.cost),
    ],
)
def test_each_reason_for_a_job_no_van_can_serve(job: Job, reason: Reason) -> None:
    assert _reason_case(job) == reason


def test_sync_reason_when_the_partner_visit_is_impossible() -> None:
    group = Sync(group="lift", type="simultaneous")
    impossible = meal("x", 2, skills=frozenset({"nurse"}), sync=group)
    partner = meal("y", 2, sync=group)
    problem = Problem(
        vehicles=(van("van-1", 4), van("van-2", 4)),
        jobs=(impossible, partner),
        matrices=line([0, 1, 2]),
    )
    assert _reasons(solve(problem, SolveParams(time_limit_s=LIMIT))) == {
        "x": Reason.skills,
        "y": Reason.sync,
    }


def test_reason_for_a_job_the_search_left_out_is_the_constraint_in_the_way() -> None:
    """Both clients want lunch at the same minute, 4 km apart: one van, one of them served."""
    at = ((ELEVEN + 600, ELEVEN + 660),)
    problem = Problem(
        vehicles=(van("van-1"),),
        jobs=(meal("a", 1, time_windows=at), meal("b", 2, time_windows=at)),
        matrices=line([0, 2, -2]),
    )
    solution = solve(problem, SolveParams(time_limit_s=LIMIT))
    assert len(solution.routes) == 1 and len(solution.unassigned) == 1
    assert solution.unassigned[0].reason == Reason.time_window


def test_pinned_jobs_open_the_route_in_their_order() -> None:
    """Pinned: the driver already carries w3 then w1, however odd that order is."""
    problem = replace(two_vans_six_meals(), pinned={"van-1": ("w3", "w1")})
    problem = replace(problem, jobs=tuple(replace(j, max_ride_time=None) for j in problem.jobs))
    route = solve(problem, SolveParams(time_limit_s=LIMIT)).route_of("van-1")
    assert route is not None and route.job_ids[:2] == ("w3", "w1")
    assert set(route.job_ids) == {"w1", "w2", "w3", "w4"}


def test_initial_routes_are_accepted_and_improved() -> None:
    problem = replace(
        two_vans_six_meals(), initial_routes={"van-1": ("w4", "w2", "w1", "w3"), "van-2": ()}
    )
    assert _routes(solve(problem, SolveParams(time_limit_s=LIMIT)))["van-1"] == [
        "w1",
        "w2",
        "w3",
        "w4",
    ]


def test_coordinates_are_turned_into_times_by_the_default_provider() -> None:
    kitchen, client = (23.32, 42.69), (23.34, 42.70)  # Sofia, about 2 km apart
    problem = Problem(
        vehicles=(Vehicle(id="van-1", start=kitchen, end=kitchen, capacity=(5,)),),
        jobs=(Job(id="a", location=client, delivery=(1,)),),
    )
    solution = solve(problem, SolveParams(time_limit_s=LIMIT))
    route = solution.route_of("van-1")
    assert route is not None and route.job_ids == ("a",)
    assert 4_000 < route.distance < 7_000  # there and back, with circuity 1.3


def test_duration_objective_and_fixed_cost_count_in_the_cost() -> None:
    problem = replace(
        two_vans_six_meals(),
        vehicles=(van("van-1", 4, fixed_cost=1000), van("van-2", 2, fixed_cost=500)),
    )
    by_time = replace(problem, objective=replace(problem.objective, minimize="duration"))
    solution = solve(by_time, SolveParams(time_limit_s=LIMIT))
    assert solution.summary.cost == 1440 + 1500


def test_an_empty_fleet_leaves_everything_unassigned_with_a_reason() -> None:
    problem = Problem(vehicles=(), jobs=(meal("a", 1),), matrices=line([0, 1]))
    solution = solve(problem, SolveParams(time_limit_s=LIMIT))
    assert solution.routes == () and _reasons(solution) == {"a": Reason.no_vehicle}


def test_parameters_are_checked_when_built() -> None:
    for bad in ({"time_limit_s": 0}, {"seed": -1}, {"first_answer_grace_s": -1.0}, {"configs": ()}):
        with pytest.raises(ValueError, match="Expected"):
            SolveParams(**bad)  # type: ignore[arg-type]


def test_a_named_search_runs_its_own_phases() -> None:
    assert [len(p.configs) for p in SolveParams(search=Search.settled).plan] == [2, 1]
    assert SolveParams(configs=(GLS,)).plan == (Phase(1.0, (GLS,)),)
