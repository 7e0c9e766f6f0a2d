"""Subscriptions turn into orders across month ends and holidays; changes obey the cut-off."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.errors import CutoffPassedError, InvalidInputError
from scheduler.intake.cutoff import freeze_day, latest_freeze
from scheduler.intake.delivery_days import DeliveryCalendar
from scheduler.intake.orders import Actor, cancel_order, pause_subscription, place_order
from scheduler.intake.subscriptions import Pause, generate_orders, subscription_dates
from scheduler.models import (
    AuditEntry,
    ClientStatus,
    Diet,
    Event,
    MealOrder,
    MealSubscription,
    OrderSource,
    OrderStatus,
    Outbox,
    Role,
)
from tests.scheduler import meal_town


def _sub(weekdays: str, start: date, until: date | None = None) -> MealSubscription:
    return MealSubscription(
        municipality_id=1, client_id=1, weekdays=weekdays, valid_from=start, valid_until=until
    )


def test_weekdays_across_a_month_end_skip_bulgarian_holidays() -> None:
    sub = _sub("Mon-Fri", date(2025, 4, 1))
    got = list(
        subscription_dates(sub, [], DeliveryCalendar("BG"), date(2025, 4, 28), date(2025, 5, 9))
    )
    # 1 May (Labour Day) and 6 May (St George's Day) are holidays; weekends are not subscribed.
    assert got == [
        date(2025, 4, 28),
        date(2025, 4, 29),
        date(2025, 4, 30),
        date(2025, 5, 2),
        date(2025, 5, 5),
        date(2025, 5, 7),
        date(2025, 5, 8),
        date(2025, 5, 9),
    ]


def test_until_from_pauses_and_overrides_shape_the_calendar() -> None:
    sub = _sub("Mon,Wed,Fri", date(2025, 4, 30), date(2025, 5, 30))
    calendar = DeliveryCalendar("BG", {date(2025, 5, 2): False, date(2025, 5, 6): True})
    pauses = [Pause(date(2025, 5, 12), date(2025, 5, 16))]
    got = list(subscription_dates(sub, pauses, calendar, date(2025, 4, 25), date(2025, 6, 6)))
    assert got[0] == date(2025, 4, 30)  # valid_from; 28 April is before it
    assert date(2025, 5, 2) not in got  # override: no delivery that Friday
    assert date(2025, 5, 6) not in got  # a Tuesday: override or not, not subscribed
    assert not [d for d in got if date(2025, 5, 12) <= d <= date(2025, 5, 16)]
    assert got[-1] == date(2025, 5, 30)  # valid_until inclusive (a Friday)
    assert date(2025, 5, 26) not in got  # Monday: 24 May observed on the Monday
    assert date(2025, 5, 28) in got


def test_year_end_and_slovenian_holidays() -> None:
    bg = list(
        subscription_dates(
            _sub("Mon-Fri", date(2025, 1, 1)),
            [],
            DeliveryCalendar("BG"),
            date(2025, 12, 22),
            date(2026, 1, 5),
        )
    )
    # 24-26 Dec holidays; 31 Dec and 2 Jan government non-working days; 1 Jan New Year.
    assert bg == [
        date(2025, 12, 22),
        date(2025, 12, 23),
        date(2025, 12, 29),
        date(2025, 12, 30),
        date(2026, 1, 5),
    ]
    si = list(
        subscription_dates(
            _sub("Mon-Fri", date(2025, 1, 1)),
            [],
            DeliveryCalendar("SI"),
            date(2025, 6, 23),
            date(2025, 6, 27),
        )
    )
    assert date(2025, 6, 25) not in si  # Statehood Day in Slovenia
    assert len(si) == 4


def test_generate_is_idempotent_and_respects_status_and_holidays(engine: Engine) -> None:
    with Session(engine) as session:
        town = meal_town.town(session)
        k = meal_town.kitchen(session, town)
        a = meal_town.client(session, town, k, "a", diet=Diet.diabetic, portions=2)
        meal_town.client(session, town, k, "b", status=ClientStatus.paused)
        meal_town.client(session, town, k, "c", valid_until=date(2025, 5, 30))
        assert town.id is not None
        first = generate_orders(town.id, date(2025, 6, 2), session=session)
        again = generate_orders(town.id, date(2025, 6, 2), session=session)
        holiday = generate_orders(town.id, date(2025, 5, 6), session=session)
        session.commit()
        assert [(o.client_id, o.diet, o.portions) for o in first] == [(a.id, Diet.diabetic, 2)]
        assert again == [] and holiday == []
        assert len(session.exec(select(MealOrder)).all()) == 1


def test_cancel_in_time_is_recorded_and_not_revived(engine: Engine) -> None:
    day = date(2025, 6, 3)
    in_time = Actor("maria", Role.dispatcher, now=datetime(2025, 6, 2, 9, 0, tzinfo=UTC))
    with Session(engine) as session:
        town = meal_town.town(session)
        k = meal_town.kitchen(session, town)
        a = meal_town.client(session, town, k, "a")
        assert town.id is not None and a.id is not None
        cancel_order(town.id, a.id, day, session=session, by=in_time)
        cancel_order(town.id, a.id, day, session=session, by=in_time)  # again: no change
        generate_orders(town.id, day, session=session)
        session.commit()
        orders = session.exec(select(MealOrder)).all()
        assert [(o.status, o.changed_after_cutoff) for o in orders] == [
            (OrderStatus.cancelled, False)
        ]
        events = session.exec(select(Event).where(Event.kind == "order.cancelled")).all()
        assert len(events) == 1 and events[0].payload["late"] is False
        assert session.exec(select(Outbox)).all() == []  # not frozen yet: nothing to plan


def test_late_cancel_is_refused_with_the_next_date(engine: Engine) -> None:
    day = date(2025, 6, 3)
    late = Actor("maria", Role.kitchen, now=datetime(2025, 6, 2, 12, 0, tzinfo=UTC))  # 15:00
    with Session(engine) as session:
        town = meal_town.town(session)
        k = meal_town.kitchen(session, town)
        a = meal_town.client(session, town, k, "a")
        assert town.id is not None and a.id is not None
        with pytest.raises(CutoffPassedError) as caught:
            cancel_order(town.id, a.id, day, session=session, by=late)
        assert caught.value.next_day == date(2025, 6, 4)
        assert "14:00 EEST" in str(caught.value)


def test_forced_late_cancel_refreezes_and_asks_for_a_replan(engine: Engine) -> None:
    day = date(2025, 6, 3)
    now = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
    with Session(engine) as session:
        town = meal_town.town(session)
        k = meal_town.kitchen(session, town)
        a = meal_town.client(session, town, k, "a")
        meal_town.client(session, town, k, "b", portions=3)
        assert town.id is not None and a.id is not None
        first = freeze_day(town.id, day, "meals", session=session)
        forced = Actor("maria", Role.dispatcher, force=True, now=now)
        cancel_order(town.id, a.id, day, session=session, by=forced)
        session.commit()
        order = session.exec(select(MealOrder).where(MealOrder.client_id == a.id)).one()
        assert (order.changed_after_cutoff, order.forced_by) == (True, "maria")
        second = latest_freeze(town.id, day, "meals", session=session)
        assert second is not None
        assert (first.version, first.portion_count) == (1, 4)
        assert (second.version, second.portion_count, second.item_count) == (2, 3, 1)
        tasks = session.exec(select(Outbox).order_by(Outbox.id)).all()  # type: ignore[arg-type]
        # one re-plan request per freeze version: the first plan, then the forced change
        assert [(t.task, t.args["day"], t.args["reason"]) for t in tasks] == [
            ("replan", "2025-06-03", "cutoff"),
            ("replan", "2025-06-03", "order.cancelled"),
        ]
        audit = session.exec(select(AuditEntry)).one()
        assert audit.action == "order.cancelled.forced" and audit.actor == "maria"


def test_one_off_orders_are_idempotent_and_refused_on_holidays(sqlite_engine: Engine) -> None:
    by = Actor("ana", Role.dispatcher, now=datetime(2025, 4, 1, 8, 0, tzinfo=UTC))
    with Session(sqlite_engine) as session:
        town = meal_town.town(session)
        k = meal_town.kitchen(session, town)
        a = meal_town.client(session, town, k, "a", weekdays=None)
        assert town.id is not None and a.id is not None
        one = place_order(town.id, a.id, date(2025, 4, 10), session=session, by=by, portions=2)
        two = place_order(town.id, a.id, date(2025, 4, 10), session=session, by=by, portions=2)
        assert one.id == two.id and one.source == OrderSource.one_off
        assert len(session.exec(select(Event)).all()) == 1
        with pytest.raises(InvalidInputError, match=r"day: no delivery.*Велики петък"):
            place_order(town.id, a.id, date(2025, 4, 18), session=session, by=by)
        with pytest.raises(InvalidInputError, match="portions"):
            place_order(town.id, a.id, date(2025, 4, 11), session=session, by=by, portions=0)


def test_pause_cancels_generated_orders_in_its_range(sqlite_engine: Engine) -> None:
    by = Actor("ana", Role.dispatcher, now=datetime(2025, 6, 1, 8, 0, tzinfo=UTC))
    with Session(sqlite_engine) as session:
        town = meal_town.town(session)
        k = meal_town.kitchen(session, town)
        meal_town.client(session, town, k, "a")
        assert town.id is not None
        for offset in range(2, 7):  # Monday 2 June to Friday 6 June
            generate_orders(town.id, date(2025, 6, offset), session=session)
        sub = session.exec(select(MealSubscription)).one()
        assert sub.id is not None
        pause_subscription(
            town.id, sub.id, date(2025, 6, 4), date(2025, 6, 10), session=session, by=by
        )
        generate_orders(town.id, date(2025, 6, 9), session=session)
        status = {o.day: o.status for o in session.exec(select(MealOrder)).all()}
        assert status == {
            date(2025, 6, 2): OrderStatus.ordered,
            date(2025, 6, 3): OrderStatus.ordered,
            date(2025, 6, 4): OrderStatus.cancelled,
            date(2025, 6, 5): OrderStatus.cancelled,
            date(2025, 6, 6): OrderStatus.cancelled,
        }
        with pytest.raises(InvalidInputError, match="end"):
            pause_subscription(
                town.id, sub.id, date(2025, 6, 10), date(2025, 6, 4), session=session, by=by
            )
