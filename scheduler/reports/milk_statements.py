"""Monthly statements of the milk kitchen: one per child with a collection in the month,
addressed to the guardian, billed per collection at the price of the child's age group on the
day (scheduler/reports/counter_statements.py)."""

from __future__ import annotations

from sqlmodel import Session

from scheduler.reports.counter_statements import COLLECTED, MILK_KITCHEN, missing_price
from scheduler.reports.pricing import price_book
from scheduler.reports.statements import Statement, StatementLine, month_bounds
from scheduler.repositories.canteen import children_by_id, collections_between
from scheduler.repositories.tenancy import get_municipality


def milk_statements(municipality_id: int, month: str, *, session: Session) -> list[Statement]:
    first, last = month_bounds(month)
    currency = get_municipality(municipality_id, session=session).currency
    book = price_book(municipality_id, session=session)
    children = children_by_id(municipality_id, session=session)
    statements: dict[int, Statement] = {}
    for row in collections_between(municipality_id, first, last, session=session):
        child = children[row.child_id]
        statement = statements.setdefault(
            row.child_id,
            Statement(child.external_id, child.name, child.guardian_name, month, currency),
        )
        line = StatementLine(row.day, COLLECTED, row.age_group, row.portions)
        price = book.price(MILK_KITCHEN, row.age_group, row.day)
        if price is None:
            if not statement.warnings:
                statement.warnings.append(missing_price(MILK_KITCHEN))
        else:
            line.price_cents, line.amount_cents = price, price * row.portions
        statement.lines.append(line)
    return sorted(statements.values(), key=lambda s: s.client_id)
