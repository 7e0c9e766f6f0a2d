"""A pause ended early or taken back gives its days back: the orders the pause cancelled are
placed again and missing ones made, from the first day whose cut-off is still ahead; a day
cancelled on its own stays cancelled.

Town: Kazanlak (Sofia time, cut-off 14:00 the day before). Client a eats Mon-Fri; orders of
Mon 2 - Fri 6 June 2025 were made; a cancelled Thu 5 on its own on Sunday 1 June, then went
to hospital from Tue 3 to Fri 13 June. It is Tuesday 3 June, 15:00: Wednesday has closed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.errors import InvalidInputError, NotFoundError
from scheduler.intake.cutoff import freeze_day, latest_freeze
from scheduler.intake.orders import (
    Actor,
    cancel_order,
    end_pause_early,
    pause_subscription,
    take_back_pause,
)
from scheduler.intake.subscriptions import generate_orders
from scheduler.models import (
    AuditEntry,
    Event,
    MealOrder,
    MealSubscription,
    OrderStatus,
    Role,
    SubscriptionPause,
)
from tests.scheduler import meal_town

SUNDAY = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
TUESDAY_3PM = datetime(2025, 6, 3, 12, 0, tzinfo=UTC)  # 15:00 in Sofia
WED, THU = date(2025, 6, 4), date(2025, 6, 5)


def _hospital(session: Session) -> tuple[int, int]:
    """The story above; returns (town id, the pause's id)."""
    town = meal_town.town(session)
    k = meal_town.kitchen(session, town)
    a = meal_town.client(session, town, k, "a")
    meal_town.client(session, town, k, "b")
    assert town.id is not None and a.id is not None
    for offset in range(2, 7):
        generate_orders(town.id, date(2025, 6, offset), session=session)
    office = Actor("ana", Role.dispatcher, now=SUNDAY)
    cancel_order(town.id, a.id, THU, session=session, by=office)
    sub = session.exec(select(MealSubscription).where(MealSubscription.client_id == a.id)).one()
    pause = pause_subscription(town.id, sub.id or 0, date(2025, 6, 3), date(2025, 6, 13),
                               session=session, by=office, reason="hospital")  # fmt: skip
    return town.id, pause.id or 0


def _days(session: Session, status: OrderStatus) -> list[int]:
    orders = session.exec(select(MealOrder).where(MealOrder.status == status)).all()
    return sorted(o.day.day for o in orders if o.client_id == 1)


def test_a_pause_ended_early_brings_back_the_orders_from_the_next_open_day(
    engine: Engine,
) -> None:
    kitchen = Actor("kiril", Role.kitchen, now=TUESDAY_3PM)
    with Session(engine) as session:
        mid, pause_id = _hospital(session)
        assert _days(session, OrderStatus.cancelled) == [3, 4, 5, 6]
        refusals = {
            date(2025, 6, 3): "can end on 2025-06-04 at the earliest",  # gives back Wednesday
            date(2025, 6, 1): "before the pause's start",
            date(2025, 6, 20): "after the pause's end",
        }
        for end, message in refusals.items():
            with pytest.raises(InvalidInputError, match=message) as refused:
                end_pause_early(mid, pause_id, end, session=session, by=kitchen)
            assert refused.value.problems[0].field == "end"
        pause = end_pause_early(mid, pause_id, WED, session=session, by=kitchen)
        session.commit()
        assert (pause.start.day, pause.end.day) == (3, 4)
        # Fri 6 placed again, Mon 9 - Fri 13 made; Thu 5 was cancelled on its own.
        assert _days(session, OrderStatus.ordered) == [2, 6, 9, 10, 11, 12, 13]
        assert _days(session, OrderStatus.cancelled) == [3, 4, 5]
        events = session.exec(select(Event).where(Event.kind == "order.placed")).all()
        assert sorted(e.day.day for e in events if e.day) == [6, 9, 10, 11, 12, 13]
        assert {tuple(e.payload["pause"]) for e in events} == {("2025-06-03", "2025-06-13")}
        assert all(e.payload["late"] is False and e.actor == "kiril" for e in events)
        again = end_pause_early(mid, pause_id, WED, session=session, by=kitchen)  # no change
        assert again.end == WED
        assert len(session.exec(select(Event).where(Event.kind == "order.placed")).all()) == 6
        with pytest.raises(NotFoundError):
            end_pause_early(mid + 1, pause_id, WED, session=session, by=kitchen)


def test_a_dispatcher_forces_back_a_closed_day_and_the_day_is_frozen_again(
    engine: Engine,
) -> None:
    forced = Actor("maria", Role.dispatcher, force=True, now=TUESDAY_3PM)
    with Session(engine) as session:
        mid, pause_id = _hospital(session)
        first = freeze_day(mid, WED, "meals", session=session)
        end_pause_early(mid, pause_id, date(2025, 6, 3), session=session, by=forced)
        session.commit()
        wednesday = session.exec(
            select(MealOrder).where(MealOrder.client_id == 1, MealOrder.day == WED)
        ).one()
        assert wednesday.status == OrderStatus.ordered
        assert (wednesday.changed_after_cutoff, wednesday.forced_by) == (True, "maria")
        second = latest_freeze(mid, WED, "meals", session=session)
        assert second is not None and (first.portion_count, second.version) == (1, 2)
        assert second.portion_count == 2
        audit = session.exec(select(AuditEntry)).all()
        assert [a.action for a in audit] == ["order.placed.forced"]


def test_a_pause_not_begun_is_taken_back_and_one_begun_is_refused(engine: Engine) -> None:
    office = Actor("ana", Role.dispatcher, now=TUESDAY_3PM)
    with Session(engine) as session:
        mid, begun = _hospital(session)
        sub_id = session.exec(select(SubscriptionPause)).one().subscription_id
        later = pause_subscription(mid, sub_id, date(2025, 6, 23), date(2025, 6, 27),
                                   session=session, by=office, reason="family")  # fmt: skip
        with pytest.raises(InvalidInputError, match="2025-06-03 closed at") as refused:
            take_back_pause(mid, begun, session=session, by=office)
        assert refused.value.problems[0].field == "start"
        tomorrow = Actor(
            "maria", Role.dispatcher, force=True, now=datetime(2025, 6, 4, 6, tzinfo=UTC)
        )
        with pytest.raises(InvalidInputError, match="has passed") as past:  # not even forced
            take_back_pause(mid, begun, session=session, by=tomorrow)
        assert past.value.problems[0].field == "start"
        take_back_pause(mid, later.id or 0, session=session, by=office)
        session.commit()
        assert [p.id for p in session.exec(select(SubscriptionPause)).all()] == [begun]
        assert _days(session, OrderStatus.ordered)[-5:] == [23, 24, 25, 26, 27]
