"""Statements bill each day at the price valid that day, less the client's reduction."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, delete

from scheduler.errors import InvalidInputError
from scheduler.intake.counter import check_in_canteen, collect_milk
from scheduler.intake.cutoff import freeze_day
from scheduler.models import Diet, ServicePrice, StopStatus
from scheduler.planning import plan_day
from scheduler.reports.milk_statements import milk_statements
from scheduler.reports.month import month_report
from scheduler.reports.statements import Statement, month_statements, statement_counts
from scheduler.repositories import canteen
from scheduler.repositories.fees import (
    CANTEEN,
    MEALS,
    MILK_KITCHEN,
    ReductionIn,
    add_reduction,
    set_price,
)
from tests.scheduler import meal_town
from tests.scheduler.test_counter import _canteen_town, _child, _diner
from tests.scheduler.test_statements import BEFORE, DAYS, _confirm, _month, _town


def test_a_price_change_mid_month_and_reductions(engine: Engine) -> None:
    """a (diabetic, 2 portions) is delivered on 2, 3 and 5 June; b (general, 1) on 2 and 4 June.
    Diabetic goes from 3.50 (undated) to 4.00 on 4 June; b pays half from 3 June; a has 1.00
    off each portion from 5 June."""
    with Session(engine) as session:
        town, clients = _town(session)
        _month(session, town, clients)
        assert town.id is not None and clients["a"].id and clients["b"].id
        set_price(town.id, MEALS, Diet.diabetic, date(2025, 6, 4), 400, session=session)
        set_price(town.id, MEALS, Diet.general, date(2025, 7, 1), 999, session=session)  # later
        found = {s.client_id: s for s in month_statements(town.id, "2025-06", session=session)}
        prices = [(ln.day.day, ln.price_cents) for ln in found["a"].lines if ln.amount_cents]
        assert prices == [(2, 350), (3, 350), (5, 400)]
        assert found["a"].fee_cents == 2 * 350 * 2 + 2 * 400
        assert found["b"].fee_cents == 2 * 300
        add_reduction(
            town.id,
            ReductionIn(clients["b"].id, date(2025, 6, 3), None, percent=50, cents_off=None),
            session=session,
        )
        add_reduction(
            town.id,
            ReductionIn(clients["a"].id, date(2025, 6, 5), date(2025, 6, 30), None, cents_off=100),
            session=session,
        )
        found = {s.client_id: s for s in month_statements(town.id, "2025-06", session=session)}
        assert found["a"].fee_cents == 2 * 350 * 2 + 2 * (400 - 100)
        assert found["b"].fee_cents == 300 + 150


def test_reductions_and_prices_refuse_bad_input(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, clients = _town(session)
        assert town.id is not None and clients["a"].id
        a, june = clients["a"].id, date(2025, 6, 1)
        bad = [
            (ReductionIn(a, june, None, percent=10, cents_off=5), "percent"),
            (ReductionIn(a, date(2025, 6, 9), june, 10, None), "end"),
        ]
        for given, field in bad:
            with pytest.raises(InvalidInputError) as refused:
                add_reduction(town.id, given, session=session)
            assert refused.value.problems[0].field == field
        add_reduction(town.id, ReductionIn(a, june, None, 100, None), session=session)
        with pytest.raises(InvalidInputError) as overlapping:  # the open exemption covers July
            add_reduction(
                town.id, ReductionIn(a, date(2025, 7, 1), None, 10, None), session=session
            )
        assert overlapping.value.problems[0].field == "start"
        with pytest.raises(InvalidInputError) as unknown:
            set_price(town.id, MEALS, "caviar", june, 100, session=session)
        assert unknown.value.problems[0].field == "kind"


def test_a_missing_price_is_a_warning_when_asked(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town = meal_town.town(session)
        k = meal_town.kitchen(session, town)
        meal_town.van(session, town, k, "V1")
        meal_town.client(session, town, k, "s", diet=Diet.soft)
        assert town.id is not None
        freeze_day(town.id, DAYS[0], "meals", session=session)
        version = plan_day(town.id, DAYS[0], "meals", session=session, time_limit=0.5, now=BEFORE)
        _confirm(session, version, {"s": StopStatus.delivered})
        (statement,) = month_statements(town.id, "2025-06", session=session, strict=False)
        assert statement.warnings == ["no price is set for the diet 'soft'"]
        assert statement.fee_cents == 0


# --- the canteen and the milk kitchen --------------------------------------------------------

JUNE_END = datetime(2025, 6, 30, 18, tzinfo=UTC)  # the counters are recorded by month's end


def _collected_month(session: Session) -> tuple[int, int]:
    """Canteen P1: diner c1 (general) checks in on Mon 2, Fri 13, Mon 16 and Wed 18 June; child
    a (born 4 Dec 2024: 0-6 until 3 June, then 6-12) is collected on Mon 2, Fri 13 and Mon 16.
    Undated prices: canteen 2.50, milk kitchen 1.20. Returns (town id, c1's id)."""
    town, point = _canteen_town(session)
    mid = town.id or 0
    c1 = _diner(session, town, point, "c1")
    a = _child(session, town, point, "a", date(2024, 12, 4))
    for day in (2, 13, 16, 18):
        check_in_canteen(mid, c1.id or 0, date(2025, 6, day), actor="k", now=JUNE_END,
                         session=session)  # fmt: skip
    for day in (2, 13, 16):
        collect_milk(mid, a.id or 0, date(2025, 6, day), actor="k", now=JUNE_END, session=session)
    canteen.set_service_price(mid, CANTEEN, 250, session=session)
    canteen.set_service_price(mid, MILK_KITCHEN, 120, session=session)
    return mid, c1.id or 0


def _lines(statement: Statement) -> list[tuple[int, str, int]]:
    return [(ln.day.day, ln.diet, ln.price_cents) for ln in statement.lines]


def test_collected_services_bill_a_price_change_on_the_15th_in_two_parts(engine: Engine) -> None:
    """The canteen's general goes from 2.50 (undated) to 3.00 on 15 June; the milk kitchen's
    6-12 from 1.40 (dated 1 May) to 1.60 on 15 June, and 0-6 has no dated price (1.20)."""
    with Session(engine) as session:
        mid, _ = _collected_month(session)
        set_price(mid, CANTEEN, Diet.general, date(2025, 6, 15), 300, session=session)
        set_price(mid, CANTEEN, Diet.diabetic, date(2025, 6, 1), 999, session=session)  # other
        set_price(mid, MILK_KITCHEN, "6-12", date(2025, 5, 1), 140, session=session)
        set_price(mid, MILK_KITCHEN, "6-12", date(2025, 6, 15), 160, session=session)
        set_price(mid, MEALS, Diet.general, date(2025, 6, 1), 777, session=session)  # meals only
        (meal,) = month_statements(mid, "2025-06", session=session)
        (milk,) = milk_statements(mid, "2025-06", session=session)
        report = month_report(mid, "2025-06", session=session, now=JUNE_END)
    assert [(d, p) for d, _, p in _lines(meal)] == [(2, 250), (13, 250), (16, 300), (18, 300)]
    assert meal.fee_cents == 2 * 250 + 2 * 300 and not meal.warnings
    assert _lines(milk) == [(2, "0-6", 120), (13, "6-12", 140), (16, "6-12", 160)]
    assert milk.fee_cents == 120 + 140 + 160
    # The month's report still adds up with the statements, part for part.
    canteen_part, milk_part = report.section("canteen"), report.section("milk_kitchen")
    assert canteen_part is not None and canteen_part.collected is not None
    assert milk_part is not None and milk_part.collected is not None
    assert canteen_part.collected.fee_cents == statement_counts([meal])["fee_cents"] == 1100
    assert milk_part.collected.fee_cents == statement_counts([milk])["fee_cents"] == 420
    assert {k: v.fee_cents for k, v in milk_part.by_group.items()} == {"0-6": 120, "6-12": 300}


def test_collected_services_fall_back_to_the_undated_price(sqlite_engine: Engine) -> None:
    """Before the first dated row (and for a kind with none) the undated price bills; with
    neither, the lines are at no charge and the statement names the service."""
    with Session(sqlite_engine) as session:
        mid, _ = _collected_month(session)
        set_price(mid, CANTEEN, Diet.general, date(2025, 6, 17), 300, session=session)
        (meal,) = month_statements(mid, "2025-06", session=session)
        assert [p for _, _, p in _lines(meal)] == [250, 250, 250, 300]
        session.exec(delete(ServicePrice))  # type: ignore[call-overload]
        (meal,) = month_statements(mid, "2025-06", session=session)
        (milk,) = milk_statements(mid, "2025-06", session=session)
    assert [p for _, _, p in _lines(meal)] == [0, 0, 0, 300]
    assert meal.warnings == ["no price is set for the canteen service"]
    assert milk.fee_cents == 0 and milk.warnings == ["no price is set for the milk_kitchen service"]


def test_a_price_of_a_kind_the_service_does_not_have_is_refused(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        mid, _ = _collected_month(session)
        june = date(2025, 6, 1)
        for service, kind in ((MILK_KITCHEN, "general"), (CANTEEN, "0-6"), (MEALS, "6-12")):
            with pytest.raises(InvalidInputError) as refused:
                set_price(mid, service, kind, june, 100, session=session)
            assert refused.value.problems[0].field == "kind"
        with pytest.raises(InvalidInputError) as unknown:
            set_price(mid, "laundry", "general", june, 100, session=session)
        assert unknown.value.problems[0].field == "service"
