"""The price of a portion on a day, and what a client's reduction takes off a line.

A price row applies from its `valid_from` until the next row of the same service and kind, so
a change on the 15th bills the 1st-14th at the old price and the rest at the new one. Meals and
the canteen are priced per diet, the milk kitchen per age group. Before a kind's first dated
row, the undated price applies (`MealPrice` per diet for meals, `ServicePrice` per service for
the canteen and the milk kitchen), so municipalities that set prices before dates existed bill
as before.

Rounding: a percentage reduction is taken off each line's amount and rounded half up to the
cent; a fixed reduction is taken off the price of each portion and never below zero.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from scheduler.models.fees import FeeReduction
from scheduler.repositories.canteen import service_prices
from scheduler.repositories.fees import MEALS, list_prices, list_reductions
from scheduler.repositories.meals import meal_prices

Dated = dict[tuple[str, str], list[tuple[date, int]]]  # (service, kind) -> (valid_from, cents)


@dataclass(frozen=True)
class PriceBook:
    undated: dict[str, int]  # meals: diet -> cents
    dated: Dated  # by date within each (service, kind)
    reductions: dict[int, list[FeeReduction]]  # client id -> its reductions
    collected: dict[str, int]  # canteen, milk kitchen: service -> undated cents

    def meal(self, diet: str, day: date) -> int | None:
        """Cents of one portion of `diet` on `day`, or None when no price applies."""
        return self.price(MEALS, diet, day)

    def price(self, service: str, kind: str, day: date) -> int | None:
        """Cents of one portion of `kind` of `service` on `day`, or None when none applies."""
        rows = self.dated.get((service, kind), [])
        at = bisect_right([valid_from for valid_from, _ in rows], day)
        if at:
            return rows[at - 1][1]
        return self.undated.get(kind) if service == MEALS else self.collected.get(service)

    def amount(self, client_id: int, day: date, price_cents: int, portions: int) -> int:
        """What the client pays for `portions` at `price_cents` on `day`, after a reduction."""
        for cut in self.reductions.get(client_id, []):
            if cut.start <= day and (cut.end is None or day <= cut.end):
                if cut.percent is not None:
                    return (price_cents * portions * (100 - cut.percent) + 50) // 100
                return max(0, price_cents - (cut.cents_off or 0)) * portions
        return price_cents * portions


def price_book(municipality_id: int, *, session: Session) -> PriceBook:
    dated: Dated = {}
    for row in list_prices(municipality_id, session=session):
        dated.setdefault((row.service, row.kind), []).append((row.valid_from, row.price_cents))
    reductions: dict[int, list[FeeReduction]] = {}
    for cut in list_reductions(municipality_id, session=session):
        reductions.setdefault(cut.client_id, []).append(cut)
    return PriceBook(
        meal_prices(municipality_id, session=session),
        {k: sorted(v) for k, v in dated.items()},
        reductions,
        service_prices(municipality_id, session=session),
    )
