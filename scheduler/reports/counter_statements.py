"""What statements bill for collected meals: canteen check-ins and milk-kitchen collections.

A canteen client is billed one line per check-in (scheduler/intake/counter.py) at the canteen's
price of the diet on the day; the order of a day with a check-in gives no line of its own (the
check-in is the record of that day). A milk-kitchen child's guardian is billed one line per
collection at the milk kitchen's price of the child's age group on the day
(scheduler/reports/milk_statements.py). Both take the dated price valid on the day, and before
the first one the service's undated price (scheduler/reports/pricing.py), so a change on the
15th bills the month in two parts as it does for meals.

A missing price does not stop the month's statements: the lines are written at no charge and
the statement carries a warning naming the service, so the office sets the price and prints
again (a meal diet without a price, by contrast, is refused: statements.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from scheduler.reports.pricing import PriceBook, price_book
from scheduler.repositories.canteen import check_ins_between
from scheduler.repositories.fees import CANTEEN as CANTEEN
from scheduler.repositories.fees import MILK_KITCHEN as MILK_KITCHEN

COLLECTED = "collected"


@dataclass(frozen=True)
class Collected:
    """One collection to bill: `kind` is a diet (canteen) or an age group (milk kitchen);
    `price_cents` is None when the service has no price."""

    day: date
    kind: str
    portions: int
    price_cents: int | None

    @property
    def amount_cents(self) -> int:
        return (self.price_cents or 0) * self.portions


def missing_price(service: str) -> str:
    return f"no price is set for the {service} service"


def canteen_collected(
    municipality_id: int,
    first: date,
    last: date,
    *,
    session: Session,
    client_id: int | None = None,
    book: PriceBook | None = None,
) -> dict[int, list[Collected]]:
    """Check-ins from `first` to `last` to bill, by client id, each at its day's price."""
    book = book or price_book(municipality_id, session=session)
    found: dict[int, list[Collected]] = {}
    for row in check_ins_between(municipality_id, first, last, session=session):
        if client_id is None or row.client_id == client_id:
            diet = str(row.diet)
            price = book.price(CANTEEN, diet, row.day)
            item = Collected(row.day, diet, row.portions, price)
            found.setdefault(row.client_id, []).append(item)
    return found
