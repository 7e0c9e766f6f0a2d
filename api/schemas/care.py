"""Caregivers, recurring visit plans and the day's visits."""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel, Field

from scheduler.models import TravelMode, VisitStatus
from scheduler.models.care import CaregiverBase
from scheduler.models.fields import (
    BreakMinutes,
    Latitude,
    Longitude,
    Name,
    Phone,
    ShiftMinutes,
    Weekdays,
)
from scheduler.repositories.care import CaregiverIn, VisitPlanIn


class CaregiverCreate(CaregiverIn):
    pass


class CaregiverUpdate(BaseModel):
    name: Name | None = None
    phone: Phone | None = None
    mode: TravelMode | None = None
    shift_start: time | None = None
    shift_end: time | None = None
    max_minutes: ShiftMinutes | None = None
    start_lon: Longitude | None = None
    start_lat: Latitude | None = None
    break_minutes: BreakMinutes | None = None
    break_start: time | None = None
    break_end: time | None = None
    weekdays: Weekdays | None = None
    active: bool | None = None
    skills: list[str] | None = Field(default=None, max_length=40)


class CaregiverPublic(CaregiverBase):
    id: int
    skills: list[str]


class VisitPlanCreate(VisitPlanIn):
    client_id: int = Field(ge=1, le=2**31 - 1)
    after_visit_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class VisitPlanPublic(VisitPlanIn):
    id: int


class VisitPublic(BaseModel):
    id: int
    external_id: str
    visit_plan_id: int | None
    client_id: int
    day: date
    window_start: time
    window_end: time
    duration_min: int
    skills: list[str]
    caregivers_needed: int
    preferred_caregivers: list[str]
    after_visit_id: int | None
    tasks: str
    carries_meal: bool
    status: VisitStatus
    updated_at: datetime
