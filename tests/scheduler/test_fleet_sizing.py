"""How many vans a frozen meal day needs: the fewest found, the bound and the what-ifs."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.errors import InvalidInputError
from scheduler.intake.cutoff import freeze_day
from scheduler.planning.fleet import day_problem, size_fleet
from tests.scheduler import meal_town

DAY = date(2025, 6, 3)  # a Tuesday
BUDGET = 1.0


def _boxes_town(session: Session) -> int:
    """One kitchen, one van carrying 2 portions on one trip, six one-portion clients nearby:
    the boxes bind, 3 vans (6 portions / 2 a trip)."""
    town = meal_town.town(session)
    kitchen = meal_town.kitchen(session, town, "K1")
    meal_town.van(session, town, kitchen, "V1", capacity_portions=2, max_trips=1)
    for i in range(6):
        meal_town.client(session, town, kitchen, f"c{i}", offset=(0.002 * i, 0.001))
    assert town.id is not None
    return town.id


def test_the_fewest_vans_equal_the_box_bound_and_the_what_ifs_add_up(
    sqlite_engine: Engine,
) -> None:
    with Session(sqlite_engine) as session:
        mid = _boxes_town(session)
        freeze_day(mid, DAY, "meals", session=session)
        problem, kitchens = day_problem(mid, DAY, session=session)
    answer = size_fleet(problem, kitchens, DAY, budget=BUDGET)
    (k,) = answer.kitchens
    assert (k.kitchen, k.has, k.bound.bound, k.bound.binds) == ("Kitchen K1", 1, 3, "capacity")
    assert answer.fewest == 3 == answer.bound and k.trips == 3
    options = {w.key: (w.vans, w.trips, w.left_out) for w in answer.what_ifs}
    assert options["found"] == (3, 3, 0)
    assert options["van_less"] == (2, 2, 2)  # 4 portions of room for 6
    assert options["trip_more"] == (2, 3, 0)  # a second trip for one van: 3 trips of 2
    assert options["van_more"][2] == 0
    assert options["wider"][2] == options["earlier"][2] == 2  # time was never short
    km = {w.key: w.km for w in answer.what_ifs}
    assert km["found"] > 0 and km["trip_more"] >= km["found"] * 0.9


def test_a_day_not_frozen_is_refused_naming_the_day(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        mid = _boxes_town(session)
        with pytest.raises(InvalidInputError, match="not frozen"):
            day_problem(mid, DAY, session=session)
