"""The month's report adds up with the statements, counts clients and welfare alerts by hand-
checkable rules, and reads the same in CSV and on its page."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.intake.counter import check_in_canteen, collect_milk
from scheduler.intake.orders import Actor, pause_subscription
from scheduler.models import Alert, Diet, MealSubscription, Municipality
from scheduler.reports.milk_statements import milk_statements
from scheduler.reports.month import month_report, per_client_delivered, totals_by
from scheduler.reports.month_sheets import month_csv, month_html
from scheduler.reports.statements import month_statements, statement_counts
from scheduler.repositories import canteen
from scheduler.wording import wording
from tests.scheduler import meal_town
from tests.scheduler.test_counter import MON, TUE, WED, _canteen_town, _child, _diner
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


# --- the canteen and the milk kitchen --------------------------------------------------------

THU = datetime(2025, 6, 5, 9, tzinfo=UTC)  # the report is made on Thursday 5 June


def _counters(session: Session) -> Municipality:
    """Canteen P1 (milk days Mon, Wed, Fri): diners c1 (Mon, Wed) and c2 (Tue) at 2.50;
    children a (collected Mon at 5 months, 0-6, and Wed at 6 months, 6-12), b (turns 36 months
    on Wed 4 June: collected Mon, not due Wed), c (0-6, referral of 3 June: due Wed, not
    collected) at 1.20."""
    town, point = _canteen_town(session)
    mid = town.id or 0
    c1, c2 = _diner(session, town, point, "c1"), _diner(session, town, point, "c2")
    a = _child(session, town, point, "a", date(2024, 12, 4))
    b = _child(session, town, point, "b", date(2022, 6, 4))
    _child(session, town, point, "c", date(2025, 5, 1), referral_date=date(2025, 6, 3))
    for who, day in ((c1, MON), (c1, WED), (c2, TUE)):
        check_in_canteen(mid, who.id or 0, day, actor="k", now=THU, session=session)
    for child, day in ((a, MON), (a, WED), (b, MON)):
        collect_milk(mid, child.id or 0, day, actor="k", now=THU, session=session)
    canteen.set_service_price(mid, "canteen", 250, session=session)
    canteen.set_service_price(mid, "milk_kitchen", 120, session=session)
    session.commit()
    return town


def test_canteen_and_milk_kitchen_agree_with_their_statements(engine: Engine) -> None:
    with Session(engine) as session:
        town = _counters(session)
        mid = town.id or 0
        statements = month_statements(mid, MONTH, session=session)
        milk = milk_statements(mid, MONTH, session=session)
        report = month_report(mid, MONTH, session=session, now=THU)
    counts, milk_counts = statement_counts(statements), statement_counts(milk)
    canteen_part, milk_part = report.section("canteen"), report.section("milk_kitchen")
    assert canteen_part is not None and canteen_part.collected is not None
    assert milk_part is not None and milk_part.collected is not None
    # Canteen: every check-in billed on the meal statements, per diet and per point.
    assert canteen_part.collected.portions == counts["collected_portions"] == 3
    assert canteen_part.collected.collections == counts["collected_days"] == 3
    assert canteen_part.collected.fee_cents == 3 * 250
    meals = report.section("meals")
    assert meals is not None and meals.total.fee_cents + 3 * 250 == counts["fee_cents"]
    assert canteen_part.clients.served == 2 and canteen_part.measures == ("served",)
    assert {k: v.portions for k, v in canteen_part.by_group.items()} == {"general": 3}
    assert {k: v.fee_cents for k, v in canteen_part.by_point.items()} == {"Canteen P1": 750}
    # Milk kitchen: the guardians' statements, per age group and point; c's Wednesday missed.
    assert milk_part.collected.portions == milk_counts["collected_portions"] == 3
    assert milk_part.collected.fee_cents == milk_counts["fee_cents"] == 3 * 120
    groups = {k: (v.portions, v.missed) for k, v in milk_part.by_group.items()}
    assert groups == {"0-6": (1, 1), "6-12": (1, 0), "24-36": (1, 0)}
    assert [(v.portions, v.missed) for v in milk_part.by_point.values()] == [(3, 1)]
    assert (milk_part.clients.served, milk_part.clients.new, milk_part.clients.ended) == (2, 1, 1)
    # On 3 June Wednesday had not come: nothing was missed yet.
    with Session(engine) as session:
        early = month_report(mid, MONTH, session=session, now=datetime(2025, 6, 3, 9, tzinfo=UTC))
    part = early.section("milk_kitchen")
    assert part is not None and part.collected is not None and part.collected.missed == 0


def test_the_counters_read_the_same_in_csv_and_on_the_page(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town = _counters(session)
        report = month_report(town.id or 0, MONTH, session=session, now=THU)
    rows = list(csv.DictReader(io.StringIO(month_csv(report))))
    value = {(r["service"], r["table"], r["row"], r["measure"]): r["value"] for r in rows}
    assert value[("canteen", "diet", "general", "portions")] == "3"
    assert value[("canteen", "total", "", "fee")] == "7.50"
    assert value[("milk_kitchen", "age_group", "0-6", "not_collected")] == "1"
    assert value[("milk_kitchen", "total", "", "fee")] == "3.60"
    assert value[("milk_kitchen", "clients", "", "ended")] == "1"
    assert ("canteen", "clients", "", "paused") not in value
    page = month_html(report, wording("sl"))
    assert "Mlečna kuhinja" in page and "3,60\xa0€" in page and "7,50\xa0€" in page
