"""Meal orders: one client's meal on one date."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from scheduler.models import Diet, OrderSource, OrderStatus
from scheduler.models.fields import Day


class OrderCreate(BaseModel):
    client_id: int = Field(ge=1, le=2**31 - 1)
    day: Day
    diet: Diet | None = Field(default=None, description="Default: the client's diet.")
    portions: int = Field(default=1, ge=1, le=10)
    force: bool = Field(default=False, description="Past the cut-off (dispatchers only).")
    request_id: str = Field(default="", max_length=40, pattern=r"^[A-Za-z0-9_.:-]*$")


class OrderCancel(BaseModel):
    client_id: int = Field(ge=1, le=2**31 - 1)
    day: Day
    force: bool = False
    request_id: str = Field(default="", max_length=40, pattern=r"^[A-Za-z0-9_.:-]*$")


class OrderPublic(BaseModel):
    id: int
    client_id: int
    day: date
    diet: Diet
    portions: int
    source: OrderSource
    status: OrderStatus
    changed_after_cutoff: bool
    forced_by: str | None
    updated_at: datetime
