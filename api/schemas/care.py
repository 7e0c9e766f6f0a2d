"""Caregivers, recurring visit plans and the day's visits."""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel, Field

from scheduler.models import TravelMode, VisitStatus
from scheduler.models.care import CaregiverBase
from scheduler.repositories.care import CaregiverIn, VisitPlanIn


class CaregiverCreate(CaregiverIn):
    pass


class CaregiverUpdate(BaseModel):
    name: str | None = Field(default=None, max_length=120)
    phone: str | None = Field(default=None, max_length=40)
    mode: TravelMode | None = None
    shift_start: time | None = None
    shift_end: time | None = None
    max_minutes: int | None = Field(default=None, gt=0, le=960)
    start_lon: float | None = Field(default=None, ge=-180, le=180)
    start_lat: float | None = Field(default=None, ge=-90, le=90)
    break_minutes: int | None = Field(default=None, ge=0, le=120)
    break_start: time | None = None
    break_end: time | None = None
    weekdays: str | None = Field(default=None, max_length=40)
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
