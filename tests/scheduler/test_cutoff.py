"""The cut-off rule at its edges and on the Sundays Europe/Sofia changes its clocks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.errors import CutoffPassedError, InvalidInputError
from scheduler.intake.cutoff import check_change, cutoff_at, freeze_day, is_open, next_open_day
from scheduler.intake.delivery_days import DeliveryCalendar
from scheduler.models import DayFreeze, Event, FrozenOrder, Municipality, Role
from tests.scheduler import meal_town


def _rule(days_before: int, at: time) -> Municipality:
    return Municipality(
        name="X",
        timezone="Europe/Sofia",
        country="BG",
        cutoff_days_before=days_before,
        cutoff_time=at,
    )


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=UTC)


BG = DeliveryCalendar("BG")


def test_day_before_cutoff_closes_on_the_second() -> None:
    m = _rule(1, time(14, 0))
    day = date(2025, 3, 4)  # winter: Sofia is UTC+2
    assert cutoff_at(m, day).astimezone(UTC) == utc(2025, 3, 3, 12, 0)
    assert is_open(m, day, utc(2025, 3, 3, 11, 59, 59))
    assert not is_open(m, day, utc(2025, 3, 3, 12, 0, 0))


def test_spring_forward_sunday_keeps_local_wall_time() -> None:
    # 2025-03-30 03:00 EET -> 04:00 EEST; 14:00 that Sunday is 11:00 UTC, not 12:00.
    m = _rule(1, time(14, 0))
    monday = date(2025, 3, 31)
    assert cutoff_at(m, monday).astimezone(UTC) == utc(2025, 3, 30, 11, 0)
    assert not is_open(m, monday, utc(2025, 3, 30, 11, 30))  # 14:30 local: closed
    assert is_open(m, date(2025, 3, 30), utc(2025, 3, 29, 11, 30))  # Saturday 13:30 EET


def test_fall_back_sunday_keeps_local_wall_time() -> None:
    # 2025-10-26 04:00 EEST -> 03:00 EET; 14:00 that Sunday is 12:00 UTC, not 11:00.
    m = _rule(1, time(14, 0))
    monday = date(2025, 10, 27)
    assert cutoff_at(m, monday).astimezone(UTC) == utc(2025, 10, 26, 12, 0)
    assert is_open(m, monday, utc(2025, 10, 26, 11, 30))  # 13:30 local: still open


def test_same_day_nine_oclock_on_both_dst_sundays() -> None:
    m = _rule(0, time(9, 0))
    assert cutoff_at(m, date(2025, 3, 30)).astimezone(UTC) == utc(2025, 3, 30, 6, 0)
    assert cutoff_at(m, date(2025, 10, 26)).astimezone(UTC) == utc(2025, 10, 26, 7, 0)
    assert cutoff_at(m, date(2025, 3, 29)).astimezone(UTC) == utc(2025, 3, 29, 7, 0)


def test_skipped_wall_time_means_the_jump_and_repeated_means_the_first() -> None:
    m = _rule(0, time(3, 30))
    assert cutoff_at(m, date(2025, 3, 30)).astimezone(UTC) == utc(2025, 3, 30, 1, 0)
    assert cutoff_at(m, date(2025, 10, 26)).astimezone(UTC) == utc(2025, 10, 26, 0, 30)


def test_refusal_names_cutoff_and_next_working_date_past_holidays() -> None:
    m = _rule(1, time(14, 0))
    now = utc(2025, 12, 23, 13, 0)  # 15:00 local, after the cut-off for 24 December
    with pytest.raises(CutoffPassedError) as caught:
        check_change(m, date(2025, 12, 24), now, BG)
    # 24-26 December are holidays, 27-28 a weekend: the next working date is Monday the 29th.
    assert caught.value.next_day == date(2025, 12, 29)
    assert "2025-12-23 14:00 EET" in str(caught.value)
    assert "2025-12-29" in str(caught.value)


def test_next_open_day_respects_its_own_cutoff() -> None:
    m = _rule(1, time(14, 0))
    # Thursday 15:00: Friday is closed, Monday is the next date still open.
    assert next_open_day(m, date(2025, 6, 5), utc(2025, 6, 5, 12, 0), BG) == date(2025, 6, 9)


def test_only_a_dispatcher_forces_a_late_change() -> None:
    m = _rule(1, time(14, 0))
    late = utc(2025, 3, 3, 13, 0)
    assert check_change(m, date(2025, 3, 4), late, BG, force=True, role=Role.dispatcher)
    with pytest.raises(InvalidInputError, match="role"):
        check_change(m, date(2025, 3, 4), late, BG, force=True, role=Role.driver)
    assert not check_change(m, date(2025, 3, 5), late, BG)  # in time: not late


def test_freeze_is_idempotent_and_records_one_event(engine: Engine) -> None:
    day = date(2025, 3, 4)
    with Session(engine) as session:
        town = meal_town.town(session)
        k = meal_town.kitchen(session, town)
        meal_town.client(session, town, k, "c1", portions=2)
        meal_town.client(session, town, k, "c2", weekdays="Mon,Wed")  # not on Tuesday
        assert town.id is not None
        first = freeze_day(town.id, day, "meals", session=session)
        again = freeze_day(town.id, day, "meals", session=session)
        session.commit()
        assert again.id == first.id
        assert (first.version, first.item_count, first.portion_count) == (1, 1, 2)
        freezes = session.exec(select(DayFreeze)).all()
        rows = session.exec(select(FrozenOrder)).all()
        events = session.exec(select(Event).where(Event.kind == "day.frozen")).all()
        assert (len(freezes), len(rows), len(events)) == (1, 1, 1)


def test_unknown_service_is_refused_by_name(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town = meal_town.town(session)
        assert town.id is not None
        with pytest.raises(InvalidInputError, match="service"):
            freeze_day(town.id, date(2025, 3, 4), "laundry", session=session)


def test_cutoff_is_in_local_zone_for_ljubljana() -> None:
    m = Municipality(
        name="Y",
        timezone="Europe/Ljubljana",
        country="SI",
        cutoff_days_before=1,
        cutoff_time=time(9, 0),
    )
    assert cutoff_at(m, date(2025, 7, 2)).astimezone(UTC) == utc(2025, 7, 1, 7, 0)
    assert cutoff_at(m, date(2025, 7, 2)) - cutoff_at(m, date(2025, 7, 1)) == timedelta(days=1)
