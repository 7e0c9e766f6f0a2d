"""The canteen and the milk kitchen: one record per person and date, counted per age group,
billed from what was collected, and scoped to the municipality.

Town: kitchen K1 with canteen P1 (milk days Mon, Wed, Fri). June 2025: Mon 2, Wed 4, Fri 6.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.errors import InvalidInputError, NotFoundError
from scheduler.intake.counter import check_in_canteen, collect_milk
from scheduler.intake.subscriptions import generate_orders
from scheduler.models import (
    CanteenCheckIn,
    Client,
    Diet,
    Event,
    MealOrder,
    MilkChild,
    MilkCollection,
    Municipality,
    OrderSource,
    Outbox,
    PickupPoint,
)
from scheduler.reports.milk_kitchen import milk_sheet
from scheduler.reports.milk_statements import milk_statements
from scheduler.reports.statements import month_statements
from scheduler.repositories import canteen
from scheduler.views.counter import canteen_counter, milk_counter
from tests.scheduler import meal_town

MON, TUE, WED = date(2025, 6, 2), date(2025, 6, 3), date(2025, 6, 4)
NOW = datetime(2025, 6, 4, 9, 0, tzinfo=UTC)  # Wednesday morning at the counter


def _mid(town: Municipality) -> int:
    assert town.id is not None
    return town.id


def _canteen_town(session: Session, name: str = "Kazanlak") -> tuple[Municipality, PickupPoint]:
    town = meal_town.town(session, name)
    k = meal_town.kitchen(session, town)
    point = meal_town.point(session, town, k)
    assert point.id is not None
    canteen.set_milk_weekdays(_mid(town), point.id, "mon, wed,fri", session=session)
    return town, point


def _child(
    session: Session, town: Municipality, point: PickupPoint, ext: str, birth: date, **kw: object
) -> MilkChild:
    assert point.id is not None
    data = canteen.MilkChildIn(
        external_id=ext,
        name=f"Дете {ext}",
        birth_date=birth,
        referral_number=f"R-{ext}",
        referral_date=kw.pop("referral_date", birth),  # type: ignore[arg-type]
        guardian_name=f"Майка {ext}",
        pickup_point_id=point.id,
        **kw,  # type: ignore[arg-type]
    )
    row, _ = canteen.upsert_child(_mid(town), data, session=session)
    return row


def _diner(session: Session, town: Municipality, point: PickupPoint, ext: str) -> Client:
    row = meal_town.client(session, town, None, ext, point=point, weekdays="Mon-Fri")
    row.name = {"c1": "Иван Петров", "c2": "Мария Иванова"}.get(ext, row.name)
    session.add(row)
    session.flush()
    return row


def test_milk_days_are_normalised_and_checked(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, point = _canteen_town(session)
        assert point.milk_weekdays == "Mon,Wed,Fri"
        assert point.id is not None
        with pytest.raises(InvalidInputError, match="milk_weekdays"):
            canteen.set_milk_weekdays(_mid(town), point.id, "Moonday", session=session)


def test_sheet_counts_portions_per_age_group_per_point(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, p1 = _canteen_town(session)
        k2 = meal_town.kitchen(session, town, "K2")
        p2 = meal_town.point(session, town, k2, "P2")
        assert p2.id is not None
        canteen.set_milk_weekdays(_mid(town), p2.id, "Wed", session=session)
        _child(session, town, p1, "a", date(2024, 12, 4))  # turns 6 months on Wed 4 June
        _child(session, town, p1, "b", date(2025, 3, 1), portions=2)  # 3 months
        _child(session, town, p1, "c", date(2024, 1, 5))  # 16 months
        _child(session, town, p2, "d", date(2023, 7, 1))  # 23 months
        _child(session, town, p2, "e", date(2022, 6, 4))  # 36 months on the day: too old
        _child(session, town, p2, "f", date(2025, 1, 1), referral_date=date(2025, 6, 5))
        _child(session, town, p1, "g", date(2025, 1, 1), status="ended")

        sheet = milk_sheet(_mid(town), WED, session=session)
        assert [(p.point, p.portions) for p in sheet.points] == [
            ("P1", {"6-12": 1, "0-6": 2, "12-24": 1}),
            ("P2", {"12-24": 1}),
        ]
        assert sheet.totals == {"0-6": 2, "6-12": 1, "12-24": 2}
        assert sheet.too_old == 1
        # On Monday the same child was still 0-6, and P2 hands out nothing.
        monday = milk_sheet(_mid(town), MON, session=session)
        assert [(p.point, p.portions) for p in monday.points] == [("P1", {"0-6": 3, "12-24": 1})]
        assert milk_sheet(_mid(town), TUE, session=session).points == []


def test_a_check_in_twice_is_one_record_with_one_event(engine: Engine) -> None:
    with Session(engine) as session:
        town, point = _canteen_town(session)
        diner = _diner(session, town, point, "c1")
        generate_orders(_mid(town), MON, session=session)
        assert diner.id is not None
        # A one-off lunch on top of the subscription's: one row, one record, both portions.
        session.add(
            MealOrder(
                municipality_id=_mid(town),
                client_id=diner.id,
                day=MON,
                source=OrderSource.one_off,
            )
        )
        [row] = canteen_counter(_mid(town), MON, session=session)
        assert (row.portions, row.collected_at) == (2, None)
        first, new = check_in_canteen(
            _mid(town), diner.id, MON, actor="user:k", now=NOW, session=session
        )
        again, new_again = check_in_canteen(
            _mid(town), diner.id, MON, actor="user:k", now=NOW, session=session
        )
        assert (new, new_again) == (True, False) and first.id == again.id
        assert first.portions == 2
        assert len(session.exec(select(CanteenCheckIn)).all()) == 1
        events = session.exec(select(Event).where(Event.kind == "canteen.collected")).all()
        assert len(events) == 1
        assert len(session.exec(select(Outbox).where(Outbox.event_id == events[0].id)).all()) == 1
        rows = canteen_counter(_mid(town), MON, session=session, query="ivan petrov")
        assert [(r.name, r.collected_at is not None) for r in rows] == [("Иван Петров", True)]


def test_a_collection_twice_is_one_record_and_keeps_the_days_group(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, point = _canteen_town(session)
        child = _child(session, town, point, "a", date(2024, 12, 4))
        assert child.id is not None
        row, new = collect_milk(_mid(town), child.id, WED, actor="user:k", now=NOW, session=session)
        _, again = collect_milk(_mid(town), child.id, WED, actor="user:k", now=NOW, session=session)
        assert (new, again, row.age_group) == (True, False, "6-12")
        assert len(session.exec(select(MilkCollection)).all()) == 1
        with pytest.raises(InvalidInputError, match="child_id: the child is not due"):
            collect_milk(_mid(town), child.id, TUE, actor="user:k", now=NOW, session=session)
        found = milk_counter(_mid(town), WED, session=session, query="MAYKA a")
        assert [r.child_id for r in found] == [child.id]


def test_statements_bill_each_check_in_at_the_canteen_price(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, point = _canteen_town(session)
        c1, c2 = _diner(session, town, point, "c1"), _diner(session, town, point, "c2")
        assert c1.id is not None and c2.id is not None
        for day in (MON, TUE, WED):
            generate_orders(_mid(town), day, session=session)
        for day in (MON, WED):
            check_in_canteen(_mid(town), c1.id, day, actor="k", now=NOW, session=session)
        check_in_canteen(_mid(town), c2.id, TUE, actor="k", now=NOW, session=session)
        canteen.set_service_price(_mid(town), "canteen", 250, session=session)

        by_id = {s.client_id: s for s in month_statements(_mid(town), "2025-06", session=session)}
        one = by_id["c1"]
        assert [(x.day, x.outcome) for x in one.lines if x.day <= WED] == [
            (MON, "collected"),
            (TUE, "not_confirmed"),
            (WED, "collected"),
        ]
        assert one.totals()["collected_days"] == 2
        assert one.fee_cents == 500 and by_id["c2"].fee_cents == 250
        assert not one.warnings


def test_a_missing_canteen_price_warns_instead_of_failing(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, point = _canteen_town(session)
        diner = _diner(session, town, point, "c1")
        child = _child(session, town, point, "a", date(2025, 1, 10))
        assert diner.id is not None and child.id is not None
        check_in_canteen(_mid(town), diner.id, MON, actor="k", now=NOW, session=session)
        collect_milk(_mid(town), child.id, MON, actor="k", now=NOW, session=session)

        [statement] = month_statements(_mid(town), "2025-06", session=session)
        assert statement.warnings == ["no price is set for the canteen service"]
        assert statement.fee_cents == 0 and statement.totals()["collected_portions"] == 1
        [milk] = milk_statements(_mid(town), "2025-06", session=session)
        assert milk.warnings == ["no price is set for the milk_kitchen service"]
        canteen.set_service_price(_mid(town), "milk_kitchen", 120, session=session)
        [milk] = milk_statements(_mid(town), "2025-06", session=session)
        assert (milk.name, milk.address, milk.fee_cents) == ("Дете a", "Майка a", 120)
        assert [(x.outcome, x.diet) for x in milk.lines] == [("collected", "0-6")]


def test_another_towns_rows_are_out_of_reach(engine: Engine) -> None:
    with Session(engine) as session:
        town, _ = _canteen_town(session)
        other, other_point = _canteen_town(session, "Shipka")
        diner = _diner(session, other, other_point, "c1")
        child = _child(session, other, other_point, "a", date(2025, 1, 10))
        generate_orders(_mid(other), MON, session=session)
        assert diner.id is not None and child.id is not None and other_point.id is not None
        with pytest.raises(NotFoundError):
            check_in_canteen(_mid(town), diner.id, MON, actor="k", now=NOW, session=session)
        with pytest.raises(NotFoundError):
            collect_milk(_mid(town), child.id, MON, actor="k", now=NOW, session=session)
        with pytest.raises(NotFoundError):
            canteen.set_milk_weekdays(_mid(town), other_point.id, "Tue", session=session)
        assert canteen_counter(_mid(town), MON, session=session) == []
        assert milk_counter(_mid(town), MON, session=session) == []
        assert milk_sheet(_mid(town), MON, session=session).points == []
        assert [r.name for r in canteen_counter(_mid(other), MON, session=session)] == [
            "Иван Петров"
        ]
        with pytest.raises(InvalidInputError, match="pickup_point_id"):
            _child(session, town, other_point, "x", date(2025, 1, 1))


def test_a_client_who_does_not_collect_cannot_be_checked_in(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, _ = _canteen_town(session)
        home = meal_town.client(session, town, None, "h1", diet=Diet.soft)
        assert home.id is not None
        with pytest.raises(InvalidInputError, match="client_id: the client does not collect"):
            check_in_canteen(_mid(town), home.id, MON, actor="k", now=NOW, session=session)
        assert session.exec(select(Event)).all() == []


def test_nothing_is_collected_ahead_of_its_date(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, point = _canteen_town(session)
        diner = _diner(session, town, point, "c1")
        child = _child(session, town, point, "a", date(2025, 1, 10))
        assert diner.id is not None and child.id is not None
        # 23:30 UTC on Wednesday is already Thursday in Sofia: Thursday's meal may be taken.
        late = datetime(2025, 6, 4, 23, 30, tzinfo=UTC)
        thursday, friday = date(2025, 6, 5), date(2025, 6, 6)
        assert check_in_canteen(
            _mid(town), diner.id, thursday, actor="k", now=late, session=session
        )[1]
        with pytest.raises(InvalidInputError, match="day: 2025-06-06 has not come yet"):
            check_in_canteen(_mid(town), diner.id, friday, actor="k", now=late, session=session)
        with pytest.raises(InvalidInputError, match="day: 2025-06-06 has not come yet"):
            collect_milk(_mid(town), child.id, friday, actor="k", now=late, session=session)
        assert len(session.exec(select(Event)).all()) == 1
