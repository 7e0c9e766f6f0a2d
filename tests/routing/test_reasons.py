"""The cause of each stop left out, with its numbers, on tiny instances on a straight road.

The kitchen is at 0 km, a kilometre takes 120 s, shifts run 11:00-14:30 and a stop takes 60 s
(tests/routing/line.py): every number below can be checked with a pencil.
"""

from __future__ import annotations

import pytest

from routing import Job, Problem, Reason, Solution, Unassigned, Vehicle
from routing.exchange import solution_from_dict, solution_to_dict
from routing.params import SolveParams
from routing.solution import Cause, Why, why
from routing.solver import solve
from routing.wording import describe
from tests.routing.line import ELEVEN, SHIFT, line, meal, van

LIMIT = 1.0
KMS = [0, 1, 2, 30, 5, -5, -2]  # location indices 0..6


def _left(problem: Problem) -> dict[str, Unassigned]:
    solution: Solution = solve(problem, SolveParams(time_limit_s=LIMIT))
    return {u.id: u for u in solution.unassigned}


def _only(jobs: tuple[Job, ...], vehicles: tuple[Vehicle, ...] = ()) -> Unassigned:
    problem = Problem(vehicles=vehicles or (van("van-1"),), jobs=jobs, matrices=line(KMS))
    left = _left(problem)
    assert len(left) == 1, left
    return next(iter(left.values()))


def test_nobody_can_reach_it_in_its_window_even_alone() -> None:
    """30 km is 60 min away; the van leaves at 11:00, so 12:00 is the earliest, after 11:30."""
    u = _only((meal("far", 3, time_windows=((ELEVEN, ELEVEN + 1800),)),))
    assert u.reason is Reason.time_window
    assert u.why == why(
        Cause.unreachable,
        earliest_at=ELEVEN + 3600,
        window_start=ELEVEN,
        window_end=ELEVEN + 1800,
        travel_s=3600,
    )
    assert describe(u.why) == (
        "Nobody can reach it in its window even as the only stop: the earliest arrival is "
        "12:00 (60 min from the start), the window is 11:00-11:30."
    )


def test_nobody_on_duty_in_its_window() -> None:
    u = _only((meal("early", 1, time_windows=((8 * 3600, 9 * 3600),)),))
    assert u.why is not None and u.why.code is Cause.off_shift
    assert u.why.get("shift_start_at") == SHIFT[0] and u.why.get("window_end") == 9 * 3600


def test_the_vans_are_full_in_that_window_when_each_stop_alone_is_reachable() -> None:
    """Two clients 4 km apart both want lunch between 11:10 and 11:11; one van: the second
    is reachable alone (4 min away), but the van's minute there is taken by the first."""
    at = ((ELEVEN + 600, ELEVEN + 660),)
    left = _left(
        Problem(
            vehicles=(van("van-1"),),
            jobs=(meal("a", 2, time_windows=at), meal("b", 6, time_windows=at)),
            matrices=line(KMS),
        )
    )
    (u,) = left.values()
    assert u.reason is Reason.time_window
    assert u.why == why(
        Cause.window_full,
        window_start=ELEVEN + 600,
        window_end=ELEVEN + 660,
        served=1,
        vans=1,
        busy_s=240 + 60,  # the drive out to the one served (2 km) and its minute there
    )
    assert "already have 1 stops in that window, taking 5 min of driving" in describe(u.why)


def test_an_order_bigger_than_a_trip() -> None:
    u = _only((meal("big", 1, delivery=(5,)),), (van("van-1", 4),))
    assert u.why == why(Cause.too_big, demand=5, capacity=4)


def test_the_boxes_are_full_on_the_one_trip() -> None:
    """Three orders of 2 portions, one trip of 4: the third has no room (0 of 4 left)."""
    jobs = tuple(meal(k, 1, delivery=(2,)) for k in ("a", "b", "c"))
    u = _only(jobs, (van("van-1", 4),))
    assert u.reason is Reason.capacity
    assert u.why == why(Cause.boxes_full, demand=2, capacity=4, free=0, trips=1)


def test_the_ride_limit_even_straight_from_the_kitchen() -> None:
    """2 km is 240 s straight from the kitchen, over a 100 s limit."""
    u = _only((meal("x", 2, max_ride_time=100),))
    assert u.why == why(Cause.ride_too_long, shortest_s=240, limit_s=100)
    assert "takes 4 min, the limit is 2 min" in describe(u.why)


def test_the_ride_limit_with_the_other_stop_on_the_trip() -> None:
    """5 km east and 5 km west, 600 s each straight, limit 700 s: one trip cannot carry both
    (the second would ride 600 + 60 + 1200 s)."""
    jobs = (meal("e", 4, max_ride_time=700), meal("w", 5, max_ride_time=700))
    u = _only(jobs)
    assert u.reason is Reason.max_ride_time
    assert u.why == why(Cause.ride_full, shortest_s=600, limit_s=700)


def test_the_shift_too_short_even_alone() -> None:
    """Served at 13:30 at 30 km, back 61 min later at 14:31, after the 14:30 end."""
    u = _only((meal("x", 3, time_windows=((SHIFT[1] - 3600, SHIFT[1] - 3500),)),))
    assert u.why == why(Cause.shift_too_short, back_at=SHIFT[1] + 60, shift_end_at=SHIFT[1])


def test_the_shift_full_with_the_other_stop() -> None:
    """A 30-minute shift: 5 km out and back is 21 min, both sides 42 min."""
    short = van("van-1", time_window=(ELEVEN, ELEVEN + 1800))
    u = _only((meal("e", 4), meal("w", 5)), (short,))
    assert u.why == why(Cause.shifts_full, vans=1, shift_end_at=ELEVEN + 1800)


def test_nobody_with_the_skill() -> None:
    u = _only(
        (meal("x", 1, skills=frozenset({"insulin", "wound"})),), (van("c", skills={"wound"}),)
    )
    assert u.reason is Reason.skills
    assert u.why == why(Cause.no_skill, skills="insulin")


@pytest.mark.parametrize("code", list(Cause))
def test_every_cause_has_words_and_a_format_reason(code: Cause) -> None:
    assert describe(Why(code)).endswith(".")
    assert Why(code).reason in set(Reason)


def test_the_exchange_format_carries_code_params_and_words() -> None:
    u = _only((meal("x", 2, max_ride_time=100),))
    data = solution_to_dict(
        solve(
            Problem(
                vehicles=(van("v"),), jobs=(meal("x", 2, max_ride_time=100),), matrices=line(KMS)
            ),
            SolveParams(time_limit_s=LIMIT),
        )
    )
    (row,) = data["unassigned"]
    assert row == {
        "id": "x",
        "reason": "max_ride_time",
        "code": "ride_too_long",
        "params": {"limit_s": 100, "shortest_s": 240},
        "text": describe(why(Cause.ride_too_long, shortest_s=240, limit_s=100)),
    }
    assert solution_from_dict(data).unassigned[0] == u
    row["code"] = "tired"
    with pytest.raises(ValueError, match=r"unassigned\[0\]\.code: Expected one of"):
        solution_from_dict(data)
