"""What the prices, reductions and pauses routes take and return."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from scheduler.age_groups import GROUP_NAMES
from scheduler.models import Diet
from scheduler.models.fields import Day

MAX_CENTS = 10_000_000


class PriceSet(BaseModel):
    """The price of one portion of a kind of a service from `valid_from` on (until the next
    change of the same service and kind)."""

    service: Literal["meals", "canteen", "milk_kitchen"] = "meals"
    kind: str = Field(
        min_length=1,
        max_length=32,
        description="A diet (meals, canteen: "
        + ", ".join(d.value for d in Diet)
        + ") or an age group in months (milk_kitchen: "
        + ", ".join(GROUP_NAMES)
        + "); a kind the service does not have is refused naming `kind`.",
    )
    valid_from: Day
    price_cents: int = Field(ge=0, le=MAX_CENTS, description="Cents of the local currency.")


class PricePublic(BaseModel):
    id: int
    service: str
    kind: str
    valid_from: date
    price_cents: int


class ReductionCreate(BaseModel):
    """An exemption (100 percent) or reduced fee of one client, by percent or cents per portion."""

    start: Day
    end: Day | None = Field(default=None, description="The last day; none for open-ended.")
    percent: int | None = Field(default=None, ge=1, le=100)
    cents_off: int | None = Field(default=None, ge=1, le=MAX_CENTS, description="Per portion.")
    reason: str = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _one_kind(self) -> ReductionCreate:
        if (self.percent is None) == (self.cents_off is None):
            raise ValueError("give either percent or cents_off, not both")
        return self


class ReductionPublic(BaseModel):
    id: int
    client_id: int
    start: date
    end: date | None
    percent: int | None
    cents_off: int | None
    reason: str


class PauseCreate(BaseModel):
    """No meals from `start` to `end` inclusive (a hospital stay, a holiday with family)."""

    start: Day
    end: Day
    reason: str = Field(default="", max_length=200)


class PauseEnd(BaseModel):
    """The pause ends on `end` instead (a client back from hospital early): the days after it
    have their meals again. `end` may only move earlier, to a day not before the pause's start;
    the first day given back must still be open to changes, or `force` (a dispatcher's)."""

    end: Day
    force: bool = Field(default=False, description="Past the cut-off (dispatchers only).")


class PausePublic(BaseModel):
    id: int
    subscription_id: int
    start: date
    end: date
    reason: str
