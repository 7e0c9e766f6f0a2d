"""A re-plan's routes as they stand (routing/standing.py): the old routes less a cancelled stop,
timed and checked without a search, and None whenever anything else changed."""

from __future__ import annotations

from dataclasses import replace

from routing import Problem, Solution, SolveParams, solve
from routing.standing import as_they_stand
from routing.validate import validate
from tests.routing.line import ELEVEN, two_vans_six_meals


def _seeded(problem: Problem, solution: Solution, without: str) -> Problem:
    """The problem of a re-plan after `without` was cancelled: the old routes as the seed."""
    routes = {r.vehicle: tuple(j for j in r.job_ids if j != without) for r in solution.routes}
    trips = {
        r.vehicle: tuple(s.trip or 1 for s in r.steps if s.type == "job" and s.id != without)
        for r in solution.routes
    }
    jobs = tuple(j for j in problem.jobs if j.id != without)
    return replace(problem, jobs=jobs, initial_routes=routes, initial_trips=trips)


def _starts(solution: Solution, vehicle: str) -> dict[str, int | None]:
    route = solution.route_of(vehicle)
    assert route is not None
    return {s.id or "": s.start for s in route.steps if s.type == "job"}


def test_a_cancelled_stop_leaves_the_other_stops_where_and_when_they_were() -> None:
    problem = two_vans_six_meals()
    before = solve(problem, SolveParams(time_limit_s=1.0))
    assert before.unassigned == ()
    rest = _seeded(problem, before, "w2")  # van 1 goes w1 w2 w3 w4
    after = as_they_stand(rest)
    assert after is not None and after.unassigned == ()
    assert validate(rest, after) == []
    assert _starts(after, "van-2") == _starts(before, "van-2")  # the other van: untouched
    old, new = _starts(before, "van-1"), _starts(after, "van-1")
    assert list(new) == [j for j in old if j != "w2"]  # the same order, less the gap
    assert all((new[j] or 0) <= (old[j] or 0) for j in new)  # nobody later than promised
    # With the old times held, nobody's time changes: the van waits where w2 was.
    held = as_they_stand(rest, {j: t or 0 for j, t in {**old, **_starts(before, "van-2")}.items()})
    assert held is not None and validate(rest, held) == []
    assert _starts(held, "van-1") == {j: t for j, t in old.items() if j != "w2"}
    assert _starts(held, "van-2") == _starts(before, "van-2")


def test_a_stop_to_place_or_a_route_that_no_longer_holds_needs_the_search() -> None:
    problem = two_vans_six_meals()
    before = solve(problem, SolveParams(time_limit_s=1.0))
    rest = _seeded(problem, before, "w2")
    # A job not seeded (a new order, one left out before): the search places it.
    routes = {**rest.initial_routes, "van-2": ("e2",)}
    assert as_they_stand(replace(rest, initial_routes=routes, initial_trips={})) is None
    # e1's window moved before the van can reach it: the old route breaks it.
    e1 = replace(rest.job("e1"), time_windows=((ELEVEN - 600, ELEVEN - 300),))
    moved = replace(rest, jobs=tuple(e1 if j.id == "e1" else j for j in rest.jobs))
    assert as_they_stand(moved) is None
    # A pin is the dispatcher's order: the search keeps it.
    pinned = replace(rest, pinned={"van-2": ("e1",)})
    assert as_they_stand(pinned) is None
