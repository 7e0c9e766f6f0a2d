"""Which dates a municipality delivers meals on: public holidays off, unless it overrides a date.

Public holidays come from the `holidays` package for the municipality's country (observed days
and government non-working days included, as the package lists them). A `DateOverride` row wins
either way: `delivers=True` on a holiday (Christmas Eve lunch), `delivers=False` on an ordinary
date (a kitchen closed for inspection). Weekdays are not decided here: each subscription says
which weekdays it takes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import holidays
from sqlmodel import Session

from scheduler.intake.calendar import WORKING_DAYS, parse_weekdays
from scheduler.models import Municipality
from scheduler.refusals import WORDS, Reason
from scheduler.repositories.calendar import date_overrides
from scheduler.repositories.fleet import list_vehicles
from scheduler.wording import Said


@lru_cache(maxsize=64)
def _public_holidays(country: str, year: int) -> dict[date, str]:
    return dict(holidays.country_holidays(country, years=year).items())


def public_holiday(country: str, day: date) -> str | None:
    """The holiday's name when `day` is a public holiday in `country`, else None."""
    return _public_holidays(country.upper(), day.year).get(day)


@dataclass(frozen=True)
class DeliveryCalendar:
    """A municipality's holidays and overrides, loaded once and asked many times."""

    country: str
    overrides: dict[date, bool] = field(default_factory=dict)
    # Weekdays some van works (Monday 0); only used to name the next working date to people.
    weekdays: frozenset[int] = WORKING_DAYS

    def delivers(self, day: date) -> bool:
        """No public holiday (or an override says so); subscriptions decide the weekdays."""
        if day in self.overrides:
            return self.overrides[day]
        return public_holiday(self.country, day) is None

    def working(self, day: date) -> bool:
        """A date with delivery and vans on the road: where a refused change can move to."""
        return self.delivers(day) and day.weekday() in self.weekdays

    def why_not(self, day: date) -> str | None:
        """A sentence for the dispatcher when there is no delivery on `day`, else None."""
        said = self.why_not_said(day)
        return None if said is None else Said.of(said).words()

    def why_not_said(self, day: date) -> tuple[str, dict[str, object]] | None:
        """The same as a catalog message and its values (said in each reader's language)."""
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
    return DeliveryCalendar(municipality.country, {r.day: r.delivers for r in rows}, weekdays)
