"""The month's report adds up with the statements, counts clients and welfare alerts by hand-
checkable rules, and reads the same in CSV and on its page."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.intake.orders import Actor, pause_subscription
from scheduler.models import Alert, Diet, MealSubscription, Municipality
from scheduler.reports.month import month_report, per_client_delivered, totals_by
from scheduler.reports.month_sheets import month_csv, month_html
from scheduler.reports.statements import month_statements, statement_counts
from scheduler.wording import wording
from tests.scheduler import meal_town
from tests.scheduler.test_statements import BEFORE, _month, _town

MONTH = "2025-06"


def _alert(session: Session, town: Municipality, at: datetime, **kw: object) -> None:
    session.add(Alert(municipality_id=town.id or 0, kind="welfare", message="", created_at=at,
                      **kw))  # type: ignore[arg-type]  # fmt: skip


def _history(session: Session, town: Municipality, k_client: object) -> None:
    """c starts on 10 June and ends on 20 June (new and ended); b pauses 20-25 June;
    three welfare alerts in June in Sofia's time (one taken, one taken after escalation, one
    open) and one raised at 00:30 on 1 July in Sofia, which is 30 June in UTC: July's."""
    mid = town.id or 0
    kitchen = meal_town.kitchen(session, town, "K2")
    meal_town.client(session, town, kitchen, "c", offset=(0.002, -0.002),
                     valid_from=date(2025, 6, 10), valid_until=date(2025, 6, 20))  # fmt: skip
    sub = session.exec(select(MealSubscription).where(MealSubscription.client_id == k_client)).one()
    pause_subscription(mid, sub.id or 0, date(2025, 6, 20), date(2025, 6, 25),
                       session=session, by=Actor("ana", now=BEFORE))  # fmt: skip
    taken = datetime(2025, 6, 3, 9, tzinfo=UTC)
    _alert(session, town, datetime(2025, 5, 31, 21, 30, tzinfo=UTC), acknowledged_at=taken,
           acknowledged_by="user:ana", ack_note="neighbour checked")  # fmt: skip
    _alert(session, town, datetime(2025, 6, 12, 10, tzinfo=UTC), acknowledged_at=taken, step=1,
           acknowledged_by="user:boris", ack_note="reached by phone")  # fmt: skip
    _alert(session, town, datetime(2025, 6, 20, 10, tzinfo=UTC))
    _alert(session, town, datetime(2025, 6, 30, 21, 30, tzinfo=UTC))
    session.flush()


def test_the_report_agrees_with_the_statements(engine: Engine) -> None:
    with Session(engine) as session:
        town, clients = _town(session)
        _month(session, town, clients)
        _history(session, town, clients["b"].id)
        session.commit()
        mid = town.id or 0
        statements = month_statements(mid, MONTH, session=session)
        report = month_report(mid, MONTH, session=session)
    meals = report.section("meals")
    assert meals is not None
    counts = statement_counts(statements)
    # Meals billed are the meals delivered, diet by diet and kitchen by kitchen.
    assert meals.total.delivered == counts["delivered_portions"] == 6 + 2
    assert meals.total.fee_cents == counts["fee_cents"] == 6 * 350 + 2 * 300
    assert (meals.total.not_home, meals.total.refused) == (1, 1)
    assert (meals.total.cancelled, meals.total.cancelled_late, meals.total.not_confirmed) == (
        1,
        1,
        1,
    )
    assert totals_by(meals.by_diet) == totals_by(meals.by_kitchen) == meals.total
    assert (
        meals.by_diet[Diet.diabetic].delivered == 6 and meals.by_diet[Diet.general].delivered == 2
    )
    assert per_client_delivered(statements) == {"a": 6, "b": 2}
    assert (meals.clients.served, meals.clients.new, meals.clients.ended) == (2, 1, 1)
    assert meals.clients.paused == 1
    assert report.alert_counts() == {"taken": 1, "taken_after_escalation": 1, "open": 1}
    assert [a.raised.day for a in report.alerts] == [1, 12, 20]  # local days in Sofia
    care = report.section("care")
    assert care is not None and care.by_caregiver == [] and care.clients.served == 0


def test_csv_and_page_carry_the_same_figures(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, clients = _town(session)
        _month(session, town, clients)
        report = month_report(town.id or 0, MONTH, session=session)
    rows = list(csv.DictReader(io.StringIO(month_csv(report))))
    value = {(r["service"], r["table"], r["row"], r["measure"]): r["value"] for r in rows}
    assert value[("meals", "total", "", "delivered")] == "8"
    assert value[("meals", "total", "", "fee")] == "27.00"
    assert value[("meals", "diet", "diabetic", "delivered")] == "6"
    assert value[("meals", "clients", "", "served")] == "2"
    page = month_html(report, wording("bg"))
    assert "Месечен отчет 2025-06" in page and "Обеди по диети" in page
    assert "диабетна" in page and "27,00\xa0€" in page
