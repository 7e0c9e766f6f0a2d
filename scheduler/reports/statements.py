"""Monthly statements per client: what was delivered, missed and cancelled, and the fee.

A meal counts as delivered only when a driver confirmed its stop as delivered; the plan is
never evidence. When a day was re-planned, a stop confirmed in any version counts (the latest
confirmation of a client's day wins), and the portions and diets delivered are those of the
freeze the confirmed version was planned from, which is what the van carried.

A closed day marked "delivered the day before" keeps its orders on its own date (its line, its
price, its reduction), but they ride on its eve's van: each order is found in the freeze of the
confirmed stop that carried it, whatever that stop's date, so it is billed once, from the eve's
delivery (scheduler/intake/delivery_days.py).

Cancellations are counted from the orders: in time (before the cut-off) or late (a forced
change after it). The fee is delivered portions times the municipality's price of the diet,
in cents, at the price valid on each day (scheduler/reports/pricing.py: a change on the 15th
bills the month in two parts), less the client's reduction of that day. A delivered diet without
a price is refused by name rather than charged as zero; the statements page asks for warnings
instead (`strict=False`): the line is written at no charge and the statement names the diet.

Canteen clients are billed from their check-ins at the counter instead
(scheduler/reports/counter_statements.py).
"""

from __future__ import annotations

import calendar as month_calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session

from scheduler.intake.delivery_days import EVE_SEARCH_DAYS
from scheduler.models import FrozenOrder, MealOrder, OrderStatus, Service, Stop, StopStatus
from scheduler.refusals import Reason, refuse
from scheduler.reports.counter_statements import (
    CANTEEN,
    COLLECTED,
    Collected,
    canteen_collected,
    missing_price,
)
from scheduler.reports.pricing import PriceBook, price_book
from scheduler.repositories.freezes import frozen_orders
from scheduler.repositories.meals import clients_by_id, orders_between
from scheduler.repositories.plans import confirmed_stops
from scheduler.repositories.tenancy import get_municipality

SERVICE = Service.meals
OUTCOMES = (StopStatus.delivered, StopStatus.not_home, StopStatus.refused)


@dataclass
class StatementLine:
    day: date
    outcome: str  # delivered, not_home, refused, cancelled, cancelled_late, not_confirmed
    diet: str
    portions: int
    price_cents: int = 0
    amount_cents: int = 0


@dataclass
class Statement:
    client_id: str
    name: str
    address: str
    month: str  # YYYY-MM
    currency: str
    lines: list[StatementLine] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. a collected service without a price

    def count(self, outcome: str) -> int:
        """How many meal days had this outcome."""
        return len({line.day for line in self.lines if line.outcome == outcome})

    def portions(self, outcome: str) -> int:
        return sum(line.portions for line in self.lines if line.outcome == outcome)

    @property
    def fee_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    def totals(self) -> dict[str, int]:
        names = ("delivered", "not_home", "refused", "cancelled", "cancelled_late")
        totals = {f"{n}_days": self.count(n) for n in names}
        totals["delivered_portions"] = self.portions("delivered")
        totals[f"{COLLECTED}_days"] = self.count(COLLECTED)
        totals[f"{COLLECTED}_portions"] = self.portions(COLLECTED)
        totals["fee_cents"] = self.fee_cents
        return totals


def month_bounds(month: str) -> tuple[date, date]:
    """`2025-06` -> (1 June, 30 June)."""
    try:
        year, number = (int(part) for part in month.split("-"))
        last = month_calendar.monthrange(year, number)[1]
        return date(year, number, 1), date(year, number, last)
    except (ValueError, TypeError):
        raise refuse("month", Reason.not_a_month, value=repr(month)) from None


def month_statements(
    municipality_id: int,
    month: str,
    *,
    session: Session,
    client_id: int | None = None,
    strict: bool = True,
) -> list[Statement]:
    """Statements of every client with an order in `month` (or of one client), by external id;
    with `strict=False` a missing price is a warning on the statement instead of an error."""
    municipality = get_municipality(municipality_id, session=session)
    first, last = month_bounds(month)
    orders = orders_between(municipality_id, first, last, session=session, client_id=client_id)
    # An eve may fall before the month (a closed 1st delivered on the last day of the month before).
    eves_from = first - timedelta(days=EVE_SEARCH_DAYS)
    outcomes = _outcomes(municipality_id, eves_from, last, session=session)
    carried = _carried(municipality_id, outcomes, session=session)
    book = price_book(municipality_id, session=session)
    collected = canteen_collected(
        municipality_id, first, last, session=session, client_id=client_id, book=book
    )
    client_ids = {o.client_id for o in orders} | set(collected)
    clients = clients_by_id(municipality_id, client_ids, session=session)
    statements: dict[int, Statement] = {}
    for order in orders:
        client = clients[order.client_id]
        statement = statements.setdefault(
            order.client_id,
            Statement(
                client.external_id, client.name, client.address, month, municipality.currency
            ),
        )
        lines = _lines(order, carried)
        statement.lines.extend(_priced(lines, order.client_id, book, statement, strict=strict))
    for cid, items in collected.items():
        client = clients[cid]
        blank = Statement(
            client.external_id, client.name, client.address, month, municipality.currency
        )
        _add_collected(statements.setdefault(cid, blank), items)
    for statement in statements.values():
        statement.lines.sort(key=lambda line: (line.day, line.diet, line.outcome))
    return sorted(statements.values(), key=lambda s: s.client_id)


def _add_collected(statement: Statement, items: list[Collected]) -> None:
    """Canteen check-ins replace the order lines of their days (the check-in is the record)."""
    days = {item.day for item in items}
    statement.lines = [line for line in statement.lines if line.day not in days]
    for item in items:
        line = StatementLine(item.day, COLLECTED, item.kind, item.portions)
        if item.price_cents is None:
            if missing_price(CANTEEN) not in statement.warnings:
                statement.warnings.append(missing_price(CANTEEN))
        else:
            line.price_cents, line.amount_cents = item.price_cents, item.amount_cents
        statement.lines.append(line)


def _outcomes(
    municipality_id: int, first: date, last: date, *, session: Session
) -> dict[tuple[date, int], tuple[Stop, int | None]]:
    """The latest confirmation per (date, client), with the freeze its version came from."""
    found: dict[tuple[date, int], tuple[Stop, int | None]] = {}
    for day, freeze_id, stop in confirmed_stops(
        municipality_id, first, last, SERVICE, session=session
    ):
        if stop.client_id is None or stop.status not in OUTCOMES:
            continue
        key = (day, stop.client_id)
        seen = found.get(key)
        if seen is None or _when(stop) >= _when(seen[0]):
            found[key] = (stop, freeze_id)
    return found


def _when(stop: Stop) -> datetime:
    assert stop.confirmed_at is not None
    return stop.confirmed_at


def _carried(
    municipality_id: int,
    outcomes: dict[tuple[date, int], tuple[Stop, int | None]],
    *,
    session: Session,
) -> dict[int, tuple[Stop, FrozenOrder]]:
    """By order id: the latest confirmed stop of the client whose van carried the order, and
    the frozen row it carried (an order on its eve's van is found under the eve's stop)."""
    rows_of: dict[int, list[FrozenOrder]] = {}
    found: dict[int, tuple[Stop, FrozenOrder]] = {}
    for (_, client_id), (stop, freeze_id) in outcomes.items():
        if freeze_id is None:
            continue
        if freeze_id not in rows_of:
            rows_of[freeze_id] = frozen_orders(municipality_id, freeze_id, session=session)
        for row in rows_of[freeze_id]:
            seen = found.get(row.order_id)
            if row.client_id == client_id and (seen is None or _when(stop) >= _when(seen[0])):
                found[row.order_id] = (stop, row)
    return found


def _lines(
    order: MealOrder,
    carried: dict[int, tuple[Stop, FrozenOrder]],
) -> list[StatementLine]:
    diet = str(order.diet)
    if order.status == OrderStatus.cancelled:
        outcome = "cancelled_late" if order.changed_after_cutoff else "cancelled"
        return [StatementLine(order.day, outcome, diet, order.portions)]
    confirmed = carried.get(order.id or 0)
    if confirmed is None:
        # Not confirmed (or not on the van that was confirmed): nothing to charge.
        return [StatementLine(order.day, "not_confirmed", diet, order.portions)]
    stop, frozen = confirmed
    return [StatementLine(order.day, str(stop.status), str(frozen.diet), frozen.portions)]


def _priced(
    lines: list[StatementLine],
    client_id: int,
    book: PriceBook,
    statement: Statement,
    *,
    strict: bool,
) -> list[StatementLine]:
    """Delivered lines with the price of their day and the amount after any reduction."""
    for line in lines:
        if line.outcome != StopStatus.delivered:
            continue
        price = book.meal(line.diet, line.day)
        if price is None:
            problem = f"no price is set for the diet {line.diet!r}"
            if strict:
                raise refuse("price", Reason.no_price, value=repr(line.diet))
            if problem not in statement.warnings:
                statement.warnings.append(problem)
            continue
        line.price_cents = price
        line.amount_cents = book.amount(client_id, line.day, price, line.portions)
    return lines


def statement_counts(statements: list[Statement]) -> dict[str, int]:
    """Totals over all statements (for the month's report and for checks)."""
    totals: dict[str, int] = defaultdict(int)
    for statement in statements:
        for key, value in statement.totals().items():
            totals[key] += value
    return dict(totals)
