"""The care search's repair: a visit the first plan leaves out goes in by moving a placed visit
to another caregiver, and a plan it cannot improve that way stays as it was."""

from __future__ import annotations

import time

from routing import Problem, Sync
from routing.care.build import Builder
from routing.care.insert import first_plan
from routing.care.repair import repair
from routing.care.solve import _plan_of, fixed_problem
from routing.care.timing import retime_solution
from routing.reasons import eligibility
from routing.validate import validate
from tests.routing.test_care_solve import H, carer, day, solved, visit

LIFT = Sync("lift", "simultaneous")


def _crowded_morning(helper: bool) -> Problem:
    """a, b and c may lift; a visit for two at 09:00 sharp needs two of them. a and c each
    prefer an hour-long visit of their own to start 08:30-09:00, so the first plan gives them
    those first and only b is free at 09:00. The helper, who may not lift, could take either."""
    nine = ((9 * H, 9 * H),)
    window = (8 * H + 1800, 9 * H)
    lifters = [carer(name, skills=frozenset({"lift"})) for name in "abc"]
    return day(
        [*lifters, *([carer("helper")] if helper else [])],
        [visit("lift-1", time_windows=nine, sync=LIFT, skills=frozenset({"lift"})),
         visit("lift-2", time_windows=nine, sync=LIFT, skills=frozenset({"lift"})),
         visit("k", at=2, service=H, time_windows=(window,), preferred_vehicles=("a",),
               preference_cost=600),
         visit("m", at=2, service=H, time_windows=(window,), preferred_vehicles=("c",),
               preference_cost=600)],
    )  # fmt: skip


def _first(problem: Problem) -> Builder:
    vans = [c.vans for c in eligibility(problem)]
    return first_plan(problem, vans, time.time() + 5.0)


def _ids(b: Builder) -> set[str]:
    return {b.problem.jobs[j].id for j in b.placed}


def test_the_repair_moves_a_visit_to_make_room_for_a_pair_the_first_plan_left_out() -> None:
    problem = _crowded_morning(helper=True)
    b = _first(problem)
    assert _ids(b) == {"k", "m"}  # greedy: the preferred visits took a's and c's 09:00
    assert repair(b, time.time() + 5.0) == 2
    assert _ids(b) == {"lift-1", "lift-2", "k", "m"}
    assert b.fixed[0] == b.fixed[1] == 9 * H
    helper = b.routes[3].items
    assert 2 in helper or 3 in helper  # k or m went to the helper
    assert all(state.feasible for state in b.routes)
    # The repaired plan, timed as the solver times it, holds every rule.
    fixed, _ = fixed_problem(problem, b)
    plan = retime_solution(problem, _plan_of(problem, b), timing=fixed)
    assert validate(problem, plan) == []


def test_the_repair_keeps_the_plan_when_what_it_moves_cannot_go_back() -> None:
    # Without the helper, k or m taken out to seat the pair has nowhere to go.
    problem = _crowded_morning(helper=False)
    b = _first(problem)
    before = [list(state.items) for state in b.routes]
    assert repair(b, time.time() + 5.0) == 0
    assert [list(state.items) for state in b.routes] == before
    assert _ids(b) == {"k", "m"}


def test_the_solver_serves_the_crowded_morning_whole() -> None:
    solution = solved(_crowded_morning(helper=True))  # validate.py inside
    assert solution.unassigned == ()
