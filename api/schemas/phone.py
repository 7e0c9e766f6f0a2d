"""What a driver's or caregiver's phone gets: only what a stop needs."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from scheduler.models import StopStatus


class PhoneStop(BaseModel):
    """Name, address, phone, diet, portions, notes: never health details beyond the diet."""

    stop_id: int
    seq: int
    kind: str = Field(description="meal or visit")
    time: str = Field(description="Planned arrival, HH:MM local.")
    window: str
    name: str
    address: str
    phone: str
    diet: str
    portions: int
    notes: str
    tasks: str
    lat: float
    lon: float
    status: StopStatus


class PhoneDay(BaseModel):
    day: str
    service: str
    resource: str
    version: int
    stops: list[PhoneStop]


class ReportIn(BaseModel):
    stop_id: int = Field(ge=1, le=2**31 - 1)
    status: StopStatus
    client_event_id: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="Made by the phone when the button was pressed; a retry sends the same id.",
    )
    note: str = Field(default="", max_length=500)
    at: datetime | None = Field(default=None, description="When it happened (phone clock).")
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)


class ReportOut(BaseModel):
    stop_id: int
    status: StopStatus
    applied: bool = Field(description="False when this client_event_id was already applied.")
