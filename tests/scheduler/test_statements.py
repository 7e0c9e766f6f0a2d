"""Monthly statements add up: delivered only from confirmed stops, fees from the price list."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.errors import InvalidInputError
from scheduler.intake.cutoff import freeze_day
from scheduler.intake.orders import Actor, cancel_order
from scheduler.models import Client, Diet, Municipality, PlanVersion, Role, Stop, StopStatus
from scheduler.planning import plan_day
from scheduler.reports.statement_sheets import statements_csv, statements_html
from scheduler.reports.statements import month_bounds, month_statements, statement_counts
from scheduler.repositories.plans import routes_of
from tests.scheduler import meal_town

# Mon 2 - Fri 6 June 2025: five working days, no holidays.
DAYS = [date(2025, 6, d) for d in range(2, 7)]
BEFORE = datetime(2025, 5, 30, 8, 0, tzinfo=UTC)


def _town(session: Session) -> tuple[Municipality, dict[str, Client]]:
    town = meal_town.town(session)
    k = meal_town.kitchen(session, town)
    meal_town.van(session, town, k, "V1")
    clients = {
        "a": meal_town.client(session, town, k, "a", diet=Diet.diabetic, portions=2),
        "b": meal_town.client(session, town, k, "b", offset=(-0.003, 0.001)),
    }
    meal_town.price(session, town, Diet.diabetic, 350)
    meal_town.price(session, town, Diet.general, 300)
    return town, clients


def _confirm(session: Session, version: PlanVersion, outcome: dict[str, StopStatus]) -> None:
    for _, stops in routes_of(version.municipality_id, version.id or 0, session=session):
        for stop in stops:
            if stop.job_id in outcome:
                stop.status = outcome[stop.job_id]
                stop.confirmed_at = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
                session.add(stop)
    session.flush()


def _month(session: Session, town: Municipality, c: dict[str, Client]) -> None:
    """a: 3 delivered (one of them confirmed after a re-plan), 1 not home, 1 cancelled late;
    b: 2 delivered, 1 refused, 1 cancelled in time, 1 never confirmed (only planned)."""
    assert town.id is not None and c["a"].id and c["b"].id
    cancel_order(town.id, c["b"].id, DAYS[3], session=session, by=Actor("ana", now=BEFORE))
    outcomes = [
        {"a": StopStatus.delivered, "b": StopStatus.delivered},
        {"a": StopStatus.delivered, "b": StopStatus.refused},
        {"a": StopStatus.not_home, "b": StopStatus.delivered},
        {"a": StopStatus.delivered},
        {},
    ]
    for day, outcome in zip(DAYS, outcomes, strict=True):
        freeze_day(town.id, day, "meals", session=session)
        version = plan_day(town.id, day, "meals", session=session, time_limit=0.5, now=BEFORE)
        if day == DAYS[3]:  # confirmed, then the day is re-planned: the confirmation stands
            _confirm(session, version, outcome)
            plan_day(town.id, day, "meals", session=session, time_limit=0.5, now=BEFORE)
        elif day == DAYS[4]:  # a forced late cancellation of a's meal
            late = Actor(
                "maria", Role.dispatcher, force=True, now=datetime(2025, 6, 6, 6, 0, tzinfo=UTC)
            )
            cancel_order(town.id, c["a"].id, day, session=session, by=late)
        else:
            _confirm(session, version, outcome)


def test_statements_add_up(engine: Engine) -> None:
    with Session(engine) as session:
        town, clients = _town(session)
        _month(session, town, clients)
        session.commit()
        assert town.id is not None
        found = {s.client_id: s for s in month_statements(town.id, "2025-06", session=session)}
        a, b = found["a"].totals(), found["b"].totals()
        assert (a["delivered_days"], a["delivered_portions"], a["not_home_days"]) == (3, 6, 1)
        assert (a["cancelled_days"], a["cancelled_late_days"]) == (0, 1)
        assert a["fee_cents"] == 6 * 350
        assert (b["delivered_days"], b["refused_days"], b["cancelled_days"]) == (2, 1, 1)
        assert b["fee_cents"] == 2 * 300
        assert found["b"].count("not_confirmed") == 1  # planned but never confirmed: not charged
        assert statement_counts(list(found.values()))["fee_cents"] == 6 * 350 + 2 * 300


def test_csv_and_pages_carry_the_same_totals(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, clients = _town(session)
        _month(session, town, clients)
        assert town.id is not None
        statements = month_statements(town.id, "2025-06", session=session)
        rows = {r["client_id"]: r for r in csv.DictReader(io.StringIO(statements_csv(statements)))}
        assert (rows["a"]["fee"], rows["a"]["delivered_portions"]) == ("21.00", "6")
        assert rows["b"]["fee"] == "6.00" and rows["b"]["currency"] == "EUR"
        page = statements_html(statements, municipality=town.name, locale="bg")
        assert page.count('<section class="page">') == 2 and "21,00\xa0€" in page  # Bulgarian forms
        one = month_statements(town.id, "2025-06", session=session, client_id=clients["b"].id)
        assert [s.client_id for s in one] == ["b"]


def test_a_delivered_diet_without_a_price_is_refused(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town = meal_town.town(session)
        k = meal_town.kitchen(session, town)
        meal_town.van(session, town, k, "V1")
        meal_town.client(session, town, k, "s", diet=Diet.soft)
        assert town.id is not None
        freeze_day(town.id, DAYS[0], "meals", session=session)
        version = plan_day(town.id, DAYS[0], "meals", session=session, time_limit=0.5, now=BEFORE)
        _confirm(session, version, {"s": StopStatus.delivered})
        with pytest.raises(InvalidInputError, match="price: no price is set for the diet 'soft'"):
            month_statements(town.id, "2025-06", session=session)
        with pytest.raises(InvalidInputError, match="month"):
            month_bounds("June")
        assert session.exec(select(Stop).where(Stop.status == StopStatus.delivered)).first()
