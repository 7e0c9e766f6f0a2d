"""Statements bill each day at the price valid that day, less the client's reduction."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.errors import InvalidInputError
from scheduler.intake.cutoff import freeze_day
from scheduler.models import Diet, StopStatus
from scheduler.planning import plan_day
from scheduler.reports.statements import month_statements
from scheduler.repositories.fees import MEALS, ReductionIn, add_reduction, set_price
from tests.scheduler import meal_town
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
