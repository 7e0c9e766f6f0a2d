"""Drivers' absences through the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from scheduler.models import AbsenceKind
from scheduler.models.fields import Day

DbId = Annotated[int, Field(ge=1, le=2**31 - 1)]


class DriverAbsenceCreate(BaseModel):
    driver_id: DbId
    first_day: Day
    last_day: Day
    kind: AbsenceKind
    note: str = Field(default="", max_length=500)
    request_id: str = Field(default="", max_length=40, pattern=r"^[A-Za-z0-9_.:-]*$")


class DriverAbsencePublic(BaseModel):
    id: int
    driver_id: int
    first_day: date
    last_day: date
    kind: AbsenceKind
    note: str
    reported_at: datetime
