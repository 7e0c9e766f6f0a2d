"""The municipality's rules and its own calendar over REST."""

from __future__ import annotations

from datetime import date, time
from typing import Literal

from pydantic import BaseModel, Field


class RulesSet(BaseModel):
    """Orders for day D freeze at `cutoff_time` local time, `cutoff_days_before` days before D."""

    timezone: str = Field(max_length=64, description='An IANA zone, e.g. "Europe/Sofia".')
    locale: Literal["bg", "sl", "en"] = Field(description="The town's language.")
    cutoff_days_before: int = Field(ge=0, le=7)
    cutoff_time: time


class RulesPublic(RulesSet):
    name: str
    country: str
    currency: str


class DateOverrideSet(BaseModel):
    delivers: bool = Field(description="True: deliver on this holiday; false: no service.")
    note: str = Field(default="", max_length=200)
    deliver_before: bool = Field(
        default=False,
        description=(
            "Only with delivers=false: the date's meals are delivered on its eve, the last "
            "delivery day before it. Refused after the eve's cut-off."
        ),
    )


class DateOverridePublic(DateOverrideSet):
    day: date
