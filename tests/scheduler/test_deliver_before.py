"""A closed date "delivered the day before": its meals ride on the eve's van, billed once.

Week of Mon 2 - Fri 6 June 2025 in Kazanlak (no holidays; orders close at 14:00 the day before).
Wednesday 4 June is closed with its meals delivered on Tuesday 3 June, whose orders close on
Monday 2 June at 14:00 Sofia (11:00 UTC). Clients: a (diabetic, 2 portions, Mon-Fri), b (general,
1, Mon-Fri) and c (general, 1, Mon,Wed,Fri: no meal of its own on Tuesday).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.errors import CutoffPassedError, InvalidInputError
from scheduler.intake.cutoff import freeze_day, latest_freeze
from scheduler.intake.date_overrides import remove_override, set_override
from scheduler.intake.delivery_days import DeliveryCalendar
from scheduler.intake.freezing import freeze_if_delivering
from scheduler.intake.orders import Actor, cancel_order
from scheduler.models import (
    Client,
    DateOverride,
    Diet,
    MealOrder,
    Role,
    Service,
    StopKind,
    StopStatus,
)
from scheduler.planning import plan_day
from scheduler.reports.kitchen import kitchen_day
from scheduler.reports.statements import month_statements
from scheduler.repositories.plans import routes_of
from tests.scheduler import meal_town

EVE, CLOSED = date(2025, 6, 3), date(2025, 6, 4)
BEFORE = datetime(2025, 5, 30, 8, 0, tzinfo=UTC)  # every cut-off of the week still ahead
EVE_SHUT = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)  # Tuesday's orders closed, Wednesday's not
MEALS = Service.meals


def _town(session: Session) -> tuple[int, dict[str, Client]]:
    town = meal_town.town(session)
    k = meal_town.kitchen(session, town)
    meal_town.van(session, town, k, "V1")
    clients = {
        "a": meal_town.client(session, town, k, "a", diet=Diet.diabetic, portions=2),
        "b": meal_town.client(session, town, k, "b", offset=(-0.003, 0.001)),
        "c": meal_town.client(
            session, town, k, "c", offset=(0.001, -0.003), weekdays="Mon,Wed,Fri"
        ),
    }
    meal_town.price(session, town, Diet.diabetic, 350)
    meal_town.price(session, town, Diet.general, 300)
    assert town.id is not None
    return town.id, clients


def _closed_wednesday(session: Session) -> tuple[int, dict[str, Client]]:
    mid, clients = _town(session)
    set_override(mid, CLOSED, delivers=False, deliver_before=True, session=session, now=BEFORE)
    return mid, clients


def test_the_eve_cooks_loads_and_stops_once_with_both_days_portions(engine: Engine) -> None:
    with Session(engine) as session:
        mid, clients = _closed_wednesday(session)
        freeze = freeze_day(mid, EVE, MEALS, session=session)
        # Tuesday's own 2 + 1, and Wednesday's 2 + 1 + 1 that ride on Tuesday's van.
        assert (freeze.item_count, freeze.portion_count) == (5, 7)
        assert not freeze_if_delivering(session, mid, CLOSED, MEALS)  # no van on Wednesday
        wednesday = session.exec(select(MealOrder).where(MealOrder.day == CLOSED)).all()
        assert sorted(o.portions for o in wednesday) == [1, 1, 2]  # still dated Wednesday
        sheet = kitchen_day(mid, EVE, session=session)
        assert sheet.kitchens[0].portions == {"diabetic": 4, "general": 3}
        version = plan_day(mid, EVE, MEALS, session=session, time_limit=0.5, now=BEFORE)
        ((_, stops),) = routes_of(mid, version.id or 0, session=session)
        jobs = [s for s in stops if s.kind == StopKind.job]
        assert sorted(s.job_id or "" for s in jobs) == ["a", "b", "c"]  # one stop per client
        assert max(stops[0].load) == 7  # the van leaves the kitchen with both days' meals
        planned = kitchen_day(mid, EVE, session=session)
        (wave,) = planned.kitchens[0].waves
        assert sum(wave.vans[0].portions.values()) == 7
        packed = {line.client_id: 0 for line in wave.vans[0].lines}
        for line in wave.vans[0].lines:
            packed[line.client_id] += line.portions
        assert packed == {"a": 4, "b": 2, "c": 1}
        assert clients["c"].id is not None


def test_the_statement_bills_the_closed_days_meal_once(engine: Engine) -> None:
    with Session(engine) as session:
        mid, _ = _closed_wednesday(session)
        freeze_day(mid, EVE, MEALS, session=session)
        version = plan_day(mid, EVE, MEALS, session=session, time_limit=0.5, now=BEFORE)
        for _, stops in routes_of(mid, version.id or 0, session=session):
            for stop in stops:
                if stop.kind == StopKind.job:
                    stop.status = StopStatus.delivered
                    stop.confirmed_at = datetime(2025, 6, 3, 11, 0, tzinfo=UTC)
                    session.add(stop)
        session.commit()
        found = {s.client_id: s for s in month_statements(mid, "2025-06", session=session)}
        a, c = found["a"], found["c"]
        delivered = [(line.day, line.portions) for line in a.lines if line.outcome == "delivered"]
        assert delivered == [(EVE, 2), (CLOSED, 2)]  # each day's meal once, from Tuesday's stop
        assert a.fee_cents == 4 * 350 and a.totals()["delivered_days"] == 2
        assert [(x.day, x.outcome) for x in c.lines if x.outcome == "delivered"] == [
            (CLOSED, "delivered")
        ]
        assert c.fee_cents == 300


def test_orders_for_the_closed_day_close_with_the_eve(engine: Engine) -> None:
    with Session(engine) as session:
        mid, clients = _closed_wednesday(session)
        freeze_day(mid, EVE, MEALS, session=session)
        cid = clients["b"].id
        assert cid is not None
        with pytest.raises(CutoffPassedError):  # Wednesday's own cut-off is still ahead
            cancel_order(mid, cid, CLOSED, session=session, by=Actor("ana", now=EVE_SHUT))
        forced = Actor("maria", Role.dispatcher, force=True, now=EVE_SHUT)
        cancel_order(mid, cid, CLOSED, session=session, by=forced)
        again = latest_freeze(mid, EVE, MEALS, session=session)
        assert again is not None and (again.version, again.portion_count) == (2, 6)


def test_refused_combinations_and_a_rule_after_the_eves_cutoff(engine: Engine) -> None:
    with Session(engine) as session:
        mid, _ = _town(session)
        with pytest.raises(InvalidInputError) as both:
            set_override(
                mid, CLOSED, delivers=True, deliver_before=True, session=session, now=BEFORE
            )
        assert [p.field for p in both.value.problems] == ["deliver_before"]
        with pytest.raises(InvalidInputError) as late:
            set_override(
                mid, CLOSED, delivers=False, deliver_before=True, session=session, now=EVE_SHUT
            )
        assert [p.field for p in late.value.problems] == ["deliver_before"]
        assert "2025-06-03" in str(late.value)
        assert session.exec(select(DateOverride)).first() is None  # nothing written
        # A plain closed day is not bound to the eve; a set rule is not lifted after it.
        set_override(mid, CLOSED, delivers=False, session=session, now=EVE_SHUT)
        set_override(mid, CLOSED, delivers=False, deliver_before=True, session=session, now=BEFORE)
        with pytest.raises(InvalidInputError, match="deliver_before"):
            remove_override(mid, CLOSED, session=session, now=EVE_SHUT)
        with pytest.raises(InvalidInputError, match="deliver_before"):
            set_override(mid, CLOSED, delivers=True, session=session, now=EVE_SHUT)
        remove_override(mid, CLOSED, session=session, now=BEFORE)
        assert session.exec(select(DateOverride)).first() is None


def test_the_eve_of_an_already_frozen_day_is_frozen_again(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        mid, _ = _town(session)
        early = freeze_day(mid, EVE, MEALS, session=session)  # a dispatcher froze it early
        assert early.portion_count == 3
        set_override(mid, CLOSED, delivers=False, deliver_before=True, session=session, now=BEFORE)
        again = latest_freeze(mid, EVE, MEALS, session=session)
        assert again is not None and (again.version, again.portion_count) == (2, 7)


def test_a_closed_monday_goes_to_friday(sqlite_engine: Engine) -> None:
    monday, friday = date(2025, 6, 9), date(2025, 6, 6)
    calendar = DeliveryCalendar("BG", {monday: False}, before=frozenset({monday}))
    assert calendar.eve(monday) == friday and calendar.carried_to(friday) == [monday]
    assert calendar.delivered_on(monday) == friday and not calendar.delivers(monday)
    with Session(sqlite_engine) as session:
        mid, _ = _town(session)
        set_override(mid, monday, delivers=False, deliver_before=True, session=session, now=BEFORE)
        freeze = freeze_day(mid, friday, MEALS, session=session)
        # Friday's 2 + 1 + 1 and Monday's 2 + 1 + 1; the weekend between carries nothing.
        assert freeze.portion_count == 8


def test_christmas_days_all_ride_on_the_23rd_and_an_unmarked_holiday_stays_closed() -> None:
    eve, days = date(2025, 12, 23), [date(2025, 12, d) for d in (24, 25, 26)]
    marked = DeliveryCalendar("BG", before=frozenset(days))
    assert [marked.eve(d) for d in days] == [eve] * 3 and marked.carried_to(eve) == days
    partly = DeliveryCalendar("BG", before=frozenset(days[:1]))
    assert partly.carried_to(eve) == days[:1] and not partly.takes_orders(days[1])
    assert marked.carried_to(date(2025, 12, 22)) == []


def test_closing_the_eve_moves_the_meals_to_the_day_before_it(sqlite_engine: Engine) -> None:
    monday = date(2025, 6, 2)
    with Session(sqlite_engine) as session:
        mid, _ = _closed_wednesday(session)
        with pytest.raises(InvalidInputError, match=r"deliver_before: .*2025-06-02"):
            set_override(mid, EVE, delivers=False, session=session, now=EVE_SHUT)
        set_override(mid, EVE, delivers=False, session=session, now=BEFORE)
        # Monday's own 2 + 1 + 1 and Wednesday's 2 + 1 + 1; Tuesday has no van.
        assert freeze_day(mid, monday, MEALS, session=session).portion_count == 8
        assert not freeze_if_delivering(session, mid, EVE, MEALS)
