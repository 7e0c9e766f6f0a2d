"""The driver's phone shows what a stop carries: with a closed day delivered the day before,
the eve's stop hands over both days' meals, and the trip loads them all.

Week of 2 June 2025 in Kazanlak: Wednesday 4 June closed, its meals delivered on Tuesday 3 June.
Client a (diabetic, 2 portions, Mon-Fri), b (general, 1, Mon-Fri), c (general, 1, Mon,Wed,Fri:
no meal of its own on Tuesday, so its stop is Wednesday's order).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.intake.cutoff import freeze_day
from scheduler.intake.date_overrides import set_override
from scheduler.models import Diet, Service
from scheduler.planning import plan_day
from scheduler.repositories.plans import get_plan, mark_published
from scheduler.views.phone import phone_route
from tests.scheduler import meal_town

EVE, CLOSED = date(2025, 6, 3), date(2025, 6, 4)
BEFORE = datetime(2025, 5, 30, 8, 0, tzinfo=UTC)  # every cut-off of the week still ahead


def _published_eve(session: Session, *, closed: bool) -> int:
    town = meal_town.town(session)
    k = meal_town.kitchen(session, town)
    meal_town.van(session, town, k, "V1")
    meal_town.client(session, town, k, "a", diet=Diet.diabetic, portions=2)
    meal_town.client(session, town, k, "b", offset=(-0.003, 0.001))
    meal_town.client(session, town, k, "c", offset=(0.001, -0.003), weekdays="Mon,Wed,Fri")
    assert town.id is not None
    if closed:
        set_override(town.id, CLOSED, delivers=False, deliver_before=True, session=session,
                     now=BEFORE)  # fmt: skip
    freeze_day(town.id, EVE, Service.meals, session=session)
    version = plan_day(town.id, EVE, Service.meals, session=session, time_limit=0.5, now=BEFORE)
    plan = get_plan(town.id, EVE, Service.meals, session=session)
    assert plan is not None
    mark_published(plan, version.version, session=session)
    return town.id


def _carried(session: Session, mid: int) -> tuple[dict[str, int], int]:
    route = phone_route(mid, EVE, Service.meals, "V1", session=session)
    assert route is not None
    by_name = {s.name.removeprefix("Client "): s.portions for s in route.stops}
    return by_name, sum(t.portions for t in route.trips)


def test_the_eves_stop_shows_both_days_portions(engine: Engine) -> None:
    with Session(engine) as session:
        mid = _published_eve(session, closed=True)
        stops, loaded = _carried(session, mid)
    # a: 2 on Tuesday and 2 for Wednesday; b: 1 and 1; c: Wednesday's 1 is its stop's own.
    assert stops == {"a": 4, "b": 2, "c": 1}
    assert loaded == 7


def test_an_ordinary_day_shows_each_stops_own_order(engine: Engine) -> None:
    with Session(engine) as session:
        mid = _published_eve(session, closed=False)
        stops, loaded = _carried(session, mid)
    assert stops == {"a": 2, "b": 1}
    assert loaded == 3
