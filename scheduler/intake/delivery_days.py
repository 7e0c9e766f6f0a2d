"""Which dates a municipality delivers meals on: public holidays off, unless it overrides a date.

Public holidays come from the `holidays` package for the municipality's country (observed days
and government non-working days included, as the package lists them). A `DateOverride` row wins
either way: `delivers=True` on a holiday (Christmas Eve lunch), `delivers=False` on an ordinary
date (a kitchen closed for inspection). Weekdays are not decided here: each subscription says
which weekdays it takes.

A closed date may be marked `deliver_before`: no van goes out that day, but its meals are still
ordered (`takes_orders`) and ride on its eve, the nearest earlier working date (`eve`). The
model is the simplest one that keeps each meal's own date: the closed day's orders stay dated
on the closed day, with their diet, portions, cancellations and price of that day, and the
eve's freeze takes them in beside the eve's own (`carried_to`), so the kitchen cooks them, the
van loads them, and the client's one stop carries both days' portions (planning merges a
client's frozen orders into one job). The statement bills each order once, from the confirmed
stop whose freeze carried it. Orders for the closed day close at the eve's cut-off
(`delivered_on`), since that is when the eve's kitchen counts are fixed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays
from sqlmodel import Session

from scheduler.intake.calendar import WORKING_DAYS, parse_weekdays
from scheduler.models import Municipality
from scheduler.refusals import WORDS, Reason
from scheduler.repositories.calendar import date_overrides
from scheduler.repositories.fleet import list_vehicles
from scheduler.wording import Said

EVE_SEARCH_DAYS = 14  # how far back an eve is looked for (Christmas to New Year fits)


# A holiday is named in its country's language (the office's), not the package's English.
HOLIDAY_LANGUAGE = {"BG": "bg", "SI": "sl"}


@lru_cache(maxsize=64)
def _public_holidays(country: str, year: int) -> dict[date, str]:
    language = HOLIDAY_LANGUAGE.get(country)
    return dict(holidays.country_holidays(country, years=year, language=language).items())


def public_holiday(country: str, day: date) -> str | None:
    """The holiday's name when `day` is a public holiday in `country`, else None."""
    return _public_holidays(country.upper(), day.year).get(day)


@dataclass(frozen=True)
class DeliveryCalendar:
    """A municipality's holidays and overrides, loaded once and asked many times."""

    country: str
    overrides: dict[date, bool] = field(default_factory=dict)
    # Weekdays some van works (Monday 0): to name the next working date, and to find an eve.
    weekdays: frozenset[int] = WORKING_DAYS
    # Closed dates whose meals are delivered on their eve (`DateOverride.deliver_before`).
    before: frozenset[date] = frozenset()

    def delivers(self, day: date) -> bool:
        """No public holiday (or an override says so); subscriptions decide the weekdays."""
        if day in self.before:
            return False
        if day in self.overrides:
            return self.overrides[day]
        return public_holiday(self.country, day) is None

    def takes_orders(self, day: date) -> bool:
        """Meals are ordered for `day`: it delivers, or its meals ride on its eve."""
        return self.delivers(day) or (day in self.before and self.eve(day) is not None)

    def eve(self, day: date) -> date | None:
        """The nearest earlier working date, which carries a `deliver_before` day's meals
        (the Friday for a closed Monday); None when there is none within EVE_SEARCH_DAYS."""
        for back in range(1, EVE_SEARCH_DAYS + 1):
            earlier = day - timedelta(days=back)
            if self.working(earlier):
                return earlier
        return None

    def delivered_on(self, day: date) -> date:
        """The date the van brings `day`'s meals: its eve for a `deliver_before` day."""
        if day in self.before:
            return self.eve(day) or day
        return day

    def carried_to(self, eve: date) -> list[date]:
        """The `deliver_before` days whose meals ride on `eve`, in date order."""
        if not self.before or not self.working(eve):
            return []
        found: list[date] = []
        for ahead in range(1, EVE_SEARCH_DAYS + 1):
            later = eve + timedelta(days=ahead)
            if self.working(later):
                break
            if later in self.before:
                found.append(later)
        return found

    def working(self, day: date) -> bool:
        """A date with delivery and vans on the road: where a refused change can move to."""
        return self.delivers(day) and day.weekday() in self.weekdays

    def why_not(self, day: date) -> str | None:
        """A sentence for the dispatcher when there is no delivery on `day`, else None."""
        said = self.why_not_said(day)
        return None if said is None else Said.of(said).words()

    def why_not_said(self, day: date) -> tuple[str, dict[str, object]] | None:
        """The same as a catalog message and its values (said in each reader's language)."""
        if day in self.before:
            return WORDS[Reason.delivered_day_before], {"day": day.isoformat()}
        if self.overrides.get(day) is False:
            return WORDS[Reason.marked_no_delivery], {"day": day.isoformat()}
        if self.delivers(day):
            return None
        name = public_holiday(self.country, day)
        return WORDS[Reason.public_holiday], {"day": day.isoformat(), "name": name}


def delivery_calendar(session: Session, municipality: Municipality) -> DeliveryCalendar:
    assert municipality.id is not None
    rows = date_overrides(municipality.id, session=session)
    active = list_vehicles(municipality.id, session=session, active=True)
    vans = [v.weekdays for v in active]
    weekdays = frozenset().union(*(parse_weekdays(w) for w in vans)) if vans else WORKING_DAYS
    before = frozenset(r.day for r in rows if r.deliver_before)
    overrides = {r.day: r.delivers for r in rows}
    return DeliveryCalendar(municipality.country, overrides, weekdays, before)
