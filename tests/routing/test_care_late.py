"""Soft window ends in the care search: a visit whose end is soft is served late at its price
rather than left out, and the price of a place counts what the visits after it lose; and the
search's own plan stands when OR-Tools, started from it, returns less or breaks a rule."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest

from routing import Job, Problem, Solution, Sync, Vehicle
from routing.care import lns
from routing.care.build import Builder
from routing.care.exact import exact_search
from routing.care.lns import LATE_SEED, Search
from routing.care.solve import solve_synced
from routing.search import Routes
from routing.solution import Reason, Step, Summary, Unassigned
from routing.travel import with_matrices
from routing.validate import validate
from tests.routing.test_care_solve import H, carer, day, solved, visit


def test_a_two_person_visit_with_a_soft_end_is_served_late_rather_than_left_out() -> None:
    # b starts at 09:30, after the window's end: on time, the visit has no second caregiver.
    late_starter = Vehicle("b", start_index=0, end_index=0, time_window=(9 * H + 1800, 16 * H))
    lift = Sync("lift", "simultaneous")
    soft: dict[str, Any] = {
        "time_windows": ((9 * H, 9 * H + 600),),
        "late_cost_per_s": 1,
        "sync": lift,
    }
    problem = day([carer("a"), late_starter], [visit("lift-1", **soft), visit("lift-2", **soft)])
    solution = solved(problem)  # validate.py: every rule held
    assert solution.unassigned == ()
    starts = [s for r in solution.routes for s in r.steps if s.type == "job"]
    assert {s.start for s in starts} == {9 * H + 1800 + 300}  # together, when b can be there
    assert all(isinstance(s, Step) and (s.late or 0) > 0 for s in starts)


def test_a_place_before_a_soft_visit_is_priced_with_the_lateness_it_causes() -> None:
    # x is due at 09:00 sharp (soft); a 30-minute visit before it makes it 30 min and more late.
    x = visit("x", at=2, service=600, time_windows=((9 * H, 9 * H),), late_cost_per_s=2)
    y = Job("y", location_index=1, service=1800, time_windows=((8 * H + 1800, 16 * H),))
    problem = day([Vehicle("a", start_index=0, end_index=0, time_window=(8 * H, 16 * H))], [x, y])
    b = Builder(problem, [(0,), (0,)])
    b.all_late = True
    state = b.routes[0]
    b.insert(0, b.place(0, state, 0))  # type: ignore[arg-type]
    before = b.place(1, state, 0)
    after = b.place(1, state, 1)
    assert before is not None and after is not None
    # y at 08:30 to 09:00, then 900 s to x: x starts 09:15, 900 s late at 2 per second.
    assert before.push == 2 * 900
    assert after.push == 0
    assert before.cost - before.push == 300 + 900 - 600  # travel 0-1-2 instead of 0-2


def _lift_day() -> Problem:
    lift = Sync("lift", "simultaneous")
    return with_matrices(
        day(
            [carer("a"), carer("b")],
            [visit("lift-1", sync=lift), visit("lift-2", sync=lift), visit("tea", at=2)],
        ),
        None,
    )


def test_the_plan_stands_when_or_tools_returns_less_than_it_was_given() -> None:
    problem = _lift_day()
    empty = Solution(Summary(0, 0, 0, 0, 0, 3, 0.0), (), ())
    given: list[Routes] = []

    def nothing(problem: Problem, starts: Sequence[Routes], seed: int, seconds: float) -> Solution:
        given.append(starts[0])
        return replace(empty, unassigned=tuple(Unassigned(j.id, Reason.cost) for j in problem.jobs))

    solution = solve_synced(problem, 1.0, 0, nothing)
    assert validate(problem, solution) == []
    assert solution.assigned == {"lift-1", "lift-2", "tea"}
    assert solution.unassigned == ()
    # OR-Tools was started from the search's plan: every visit, each on one caregiver.
    assert sorted(j for trips in given[0].values() for trip in trips for j in trip) == [0, 1, 2]


def test_or_tools_starts_from_both_searches_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lns, "processes", lambda: 2)
    problem = _lift_day()
    given: list[Sequence[Routes]] = []

    def recorded(problem: Problem, starts: Sequence[Routes], seed: int, limit: float) -> Solution:
        given.append(starts)
        return exact_search(problem, starts, seed, limit)

    assert validate(problem, solve_synced(problem, 1.0, 0, recorded)) == []
    assert len(given[0]) == 2
    for start in given[0]:
        assert sorted(j for trips in start.values() for trip in trips for j in trip) == [0, 1, 2]


def test_the_plan_stands_when_or_tools_returns_routes_that_break_a_rule() -> None:
    problem = _lift_day()
    good = solve_synced(problem, 1.0, 0)
    assert validate(problem, good) == []

    def apart(problem: Problem, starts: Sequence[Routes], seed: int, seconds: float) -> Solution:
        # The second caregiver ten minutes after the first, at no cost: cheaper, and wrong.
        routes = tuple(
            replace(r, steps=tuple(_later(s, 600) if s.id == "lift-2" else s for s in r.steps))
            for r in good.routes
        )
        return replace(good, routes=routes, summary=replace(good.summary, cost=0))

    assert validate(problem, apart(problem, [{}], 0, 1.0)) != []
    solution = solve_synced(problem, 1.0, 0, apart)
    assert validate(problem, solution) == []
    starts = {s.id: s.start for r in solution.routes for s in r.steps if s.type == "job"}
    assert starts["lift-1"] == starts["lift-2"]


def _later(step: Step, seconds: int) -> Step:
    assert step.start is not None and step.departure is not None
    return replace(step, start=step.start + seconds, departure=step.departure + seconds)


def _late_day() -> Builder:
    """One caregiver, six half-hour visits all due by 08:30 (soft): the last ones are late."""
    jobs = [
        visit(f"v{k}", at=1 + k % 2, time_windows=((8 * H, 8 * H + 1800),), late_cost_per_s=1)
        for k in range(6)
    ]
    problem = with_matrices(day([carer("a")], jobs), None)
    b = Builder(problem, [(0,)] * len(jobs))
    b.all_late = True
    for j in range(len(jobs)):
        b.insert(j, b.places(j)[-1])  # each at the end of the day
    return b


def test_the_search_draws_its_random_seeds_among_the_late_visits_as_often_as_not() -> None:
    b = _late_day()
    state = b.routes[0]
    late = {
        j
        for k, j in enumerate(state.items)
        if isinstance(j, int) and b.late_cost(j, b.start_of(state, k))
    }
    assert 0 < len(late) < 6
    search = Search(b, random.Random(3))
    placed = search._placed_times()
    draws = [search._seed(placed) for _ in range(400)]
    share = sum(d in late for d in draws) / len(draws)
    # Half the draws among the late visits, half among all six.
    expected = LATE_SEED + (1 - LATE_SEED) * len(late) / 6
    assert abs(share - expected) < 0.08


def test_a_stretch_is_consecutive_visits_of_the_seeds_route_around_it() -> None:
    b = _late_day()
    route = [j for j in b.routes[0].items if isinstance(j, int)]
    search = Search(b, random.Random(5))
    for _ in range(50):
        seed = search.rnd.choice(route)
        stretch = search._stretch(seed, 0)
        positions = sorted(route.index(j) for j in stretch)
        assert seed in stretch
        assert 3 <= len(stretch) <= 6
        assert positions == list(range(positions[0], positions[-1] + 1))
