"""The care search's route builder: its shortcuts give what the long way gives.

The search makes thousands of rounds a second only because the builder takes shortcuts (a ruin
times each route once, a tried place is undone by restoring the route, a place that delays
nothing is priced without walking the route); each is checked here against the long way on a
generated day with breaks, preferences, soft ends and visits for two. On the same day, the
search's strings among the caregivers who could take a visit, and its two searches' plans; on
a day of three visits, how a late day is priced.
"""

from __future__ import annotations

import random
import time

import pytest

from routing.care import build, lns
from routing.care.build import Builder, RouteState
from routing.care.insert import first_plan
from routing.exchange import problem_from_dict
from routing.lab.caregen import CareDayConfig, care_day
from routing.reasons import eligibility
from routing.travel import with_matrices


def _state(route: RouteState) -> tuple[object, ...]:
    """What a route is now (copies: the builder changes its lists in place)."""
    lists = (route.items, route.before, route.latest, route.after)
    return (*(list(x) for x in lists), route.end, route.feasible)


@pytest.fixture(scope="module")
def plan() -> Builder:
    problem = with_matrices(care_day(CareDayConfig(visits=60, caregivers=8, seed=3)).problem)
    vans = [c.vans if c.reason is None else () for c in eligibility(problem)]
    b = first_plan(problem, vans, time.time() + 30)
    b.all_late = True  # every soft end open: places may push later visits past theirs
    return b


def test_taking_out_several_visits_at_once_times_the_routes_as_one_by_one(plan: Builder) -> None:
    placed = sorted(plan.placed)
    out = set(random.Random(1).sample(placed, 12))
    kept = plan.snapshot()
    try:
        for j in out:
            plan.remove(j)
        one_by_one = [_state(r) for r in plan.routes], dict(plan.fixed)
        plan.restore(kept)
        plan.remove_all(out)
        assert ([_state(r) for r in plan.routes], dict(plan.fixed)) == one_by_one
        assert not out & plan.placed
    finally:
        plan.restore(kept)


def _timed_whole(b: Builder, route: RouteState) -> tuple[object, ...]:
    whole = route.copy()
    b.refresh(whole)  # no change given: the whole route is walked
    return _state(whole)


def test_routes_timed_from_their_change_on_are_timed_as_the_whole_walk_times_them(
    plan: Builder,
) -> None:
    """Inserting and taking out walk only the part of a route that changed, and stop where
    the times meet the old ones: after each of 80 rounds of the search, every route is what
    timing it whole gives (a route not changed since the ends opened keeps its bounds, see
    below)."""
    kept = plan.snapshot()
    search = lns.Search(plan, random.Random(5))
    try:
        for _ in range(80):
            search.recreate(search.ruin())
            timed = [route for route in plan.routes if route.epoch == plan.epoch]
            assert timed
            for route in timed:
                assert _state(route) == _timed_whole(plan, route)
    finally:
        plan.restore(kept)


def test_opening_every_soft_end_times_each_route_whole_at_its_next_change() -> None:
    """The bounds of a route found while ends were hard are too tight once they are open: the
    first change after `all_late` walks the whole route, not just the changed part."""
    problem = with_matrices(care_day(CareDayConfig(visits=60, caregivers=8, seed=3)).problem)
    vans = [c.vans if c.reason is None else () for c in eligibility(problem)]
    b = first_plan(problem, vans, time.time() + 30)
    b.all_late = True
    changed = 0
    for route in b.routes:
        jobs = [i for i in route.items if isinstance(i, int) and i not in b.fixed]
        if not jobs:
            continue
        before = list(route.latest)
        b.remove(jobs[-1])
        assert _state(b.routes[route.van]) == _timed_whole(b, b.routes[route.van])
        changed += b.routes[route.van].latest[: len(before) - 1] != before[: len(before) - 1]
    assert changed  # some route's bounds did open up


def test_a_place_tried_leaves_the_route_as_it_was(plan: Builder) -> None:
    kept = plan.snapshot()
    j = max(plan.placed)
    plan.remove(j)
    routes = [_state(r) for r in plan.routes]
    places = plan.places(j)
    assert places
    try:
        for p in places:
            with plan.trying(j, p, p.earliest):
                assert j in plan.routes[p.van].items and plan.fixed[j] == p.earliest
            assert [_state(r) for r in plan.routes] == routes
            assert j not in plan.fixed
    finally:
        plan.restore(kept)


def test_a_place_is_priced_with_the_lateness_the_long_walk_finds(plan: Builder) -> None:
    kept = plan.snapshot()
    jobs = sorted(plan.placed)[::3]
    plan.remove_all(set(jobs))
    pushes = []
    try:
        for j in jobs:
            loc = plan.problem.jobs[j].location_index
            assert loc is not None
            for p in plan.places(j):
                state = plan.routes[p.van]
                walked = plan.push_cost(state, p.pos, p.earliest + plan.service[j], loc)
                assert p.push == walked, (j, p)
                pushes.append(p.push)
    finally:
        plan.restore(kept)
    # Both ways are taken: places that delay nothing and places that make a later visit late.
    assert 0 in pushes and any(push > 0 for push in pushes)


def test_the_shortcut_for_a_place_that_delays_nothing_agrees_with_the_walk(plan: Builder) -> None:
    # Leaving for the next visit from a minute to 20 minutes either side of the latest time
    # that delays it: on one side nothing moves, on the other its lateness grows.
    answers = []
    for state in plan.routes:
        for pos, item in enumerate(state.items):
            if not isinstance(item, int):
                continue
            at = plan.location[item]
            assert at is not None
            starts = plan.start_of(state, pos)
            for here in {at, state.before[pos].place or at}:  # from there, or the last place
                leg = plan.dur_of[state.van][here][at]
                for shift in range(-1200, 1201, 60):
                    departs = starts - leg + shift
                    walked = plan.push_cost(state, pos, departs, here)
                    assert plan._pushed(state, pos, departs, here) == walked, (state.van, pos)
                    answers.append(walked)
    assert 0 in answers and any(0 < a < 10**9 for a in answers)


def test_strings_among_able_caregivers_come_only_from_routes_that_could_take_the_seed(
    plan: Builder, monkeypatch: pytest.MonkeyPatch
) -> None:
    search = lns.Search(plan, random.Random(4))
    placed = search._placed_times()
    few = [j for j in sorted(placed) if len(plan.vans[j]) <= len(plan.routes) // 2][:12]
    assert few  # visits that only some caregivers can make

    def taken(share: float) -> list[set[int]]:
        monkeypatch.setattr(lns, "ABLE_STRINGS", share)
        out = []
        for seed in few:
            nearest = sorted(placed, key=lambda j: abs(placed[j][1] - placed[seed][1]))
            out.append({placed[j][0] for j in search._strings(seed, nearest, placed)})
        return out

    assert all(vans <= set(plan.vans[seed]) for seed, vans in zip(few, taken(1.0), strict=True))
    assert any(not vans <= set(plan.vans[seed]) for seed, vans in zip(few, taken(0.0), strict=True))


def test_two_searches_keep_the_better_plan_and_hand_back_the_other(
    plan: Builder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lns, "processes", lambda: 2)  # a second search even on one core
    kept, late = plan.snapshot(), plan.all_late
    try:
        other = lns.improve(plan, 1, time.time() + 0.5)
        assert other is not None
        better = lns.Search(plan, random.Random(0)).value()
        plan.restore(other)
        assert lns.Search(plan, random.Random(0)).value() >= better
    finally:
        plan.restore(kept)
        plan.all_late = late


def _late_day_cost(order: list[int]) -> int:
    """The builder's cost of one caregiver's day at one address: visits 0 and 1 due at 0,
    visit 2 by 100, each 100 s long, every end soft at 1 a second; served in `order`."""
    jobs = [
        {
            "id": name,
            "location_index": 1,
            "service": 100,
            "time_windows": [[0, end]],
            "late_cost_per_s": 1,
        }
        for name, end in (("a", 0), ("b", 0), ("d", 100))
    ]
    problem = problem_from_dict(
        {
            "matrices": {"durations": [[0, 0], [0, 0]]},
            "vehicles": [{"id": "c", "start_index": 0, "end_index": 0}],
            "jobs": jobs,
        }
    )
    b = Builder(problem, [(0,)] * len(jobs))
    b.all_late = True
    b.pin(0, order)
    return b.cost()


def test_the_latest_visit_counts_once_more_so_a_late_day_is_spread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a, b, d: late 0, 100, 100; a, d, b: 0, 0, 200. As late in all, but one client waits
    # twice as long in the second.
    spread, on_one = _late_day_cost([0, 1, 2]), _late_day_cost([0, 2, 1])
    assert on_one - spread == 100
    monkeypatch.setattr(build, "WORST_LATE", 0)
    assert _late_day_cost([0, 1, 2]) == _late_day_cost([0, 2, 1])
