"""What statements bill for collected meals: canteen check-ins and milk-kitchen collections.

A canteen client is billed one line per check-in (scheduler/intake/counter.py) at the
municipality's price of the canteen service; the order of a day with a check-in gives no line
of its own (the check-in is the record of that day). A milk-kitchen child's guardian is billed
one line per collection at the milk-kitchen price (scheduler/reports/milk_statements.py).

A missing price does not stop the month's statements: the lines are written at no charge and
the statement carries a warning naming the service, so the office sets the price and prints
again (a meal diet without a price, by contrast, is refused: statements.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from scheduler.repositories.canteen import check_ins_between, service_prices

COLLECTED = "collected"
CANTEEN = "canteen"
MILK_KITCHEN = "milk_kitchen"


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


def price_of(service: str, *, municipality_id: int, session: Session) -> int | None:
    return service_prices(municipality_id, session=session).get(service)


def canteen_collected(
    municipality_id: int,
    first: date,
    last: date,
    *,
    session: Session,
    client_id: int | None = None,
) -> dict[int, list[Collected]]:
    """Check-ins from `first` to `last` to bill, by client id."""
    price = price_of(CANTEEN, municipality_id=municipality_id, session=session)
    found: dict[int, list[Collected]] = {}
    for row in check_ins_between(municipality_id, first, last, session=session):
        if client_id is None or row.client_id == client_id:
            item = Collected(row.day, str(row.diet), row.portions, price)
            found.setdefault(row.client_id, []).append(item)
    return found
