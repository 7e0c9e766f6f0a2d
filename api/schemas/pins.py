"""A dispatcher's pins: a stop put on a van at a place, kept by every later plan of the day."""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel, Field

from scheduler.models import Service
from scheduler.planning.pins import PinState
from scheduler.planning.visit_pins import VisitPinState

DB_INT = 2**31 - 1


class PinIn(BaseModel):
    stop_id: int = Field(ge=1, le=DB_INT, description="A client's stop on the day's plan.")
    vehicle_id: int = Field(ge=1, le=DB_INT, description="The van that is to carry it.")
    position: int = Field(
        default=1, ge=1, le=10_000, description="Its place in the van's route, 1 first."
    )


class PinPublic(BaseModel):
    id: int
    day: date
    service: Service
    client_id: int
    client: str
    vehicle_id: int
    van: str
    position: int
    created_by: str
    created_at: datetime
    holds: bool | None = Field(description="None until a plan made after the pin has seen it.")
    note: str = Field(description="Whether the plan keeps the pin, and if not, why, in words.")

    @classmethod
    def of(cls, state: PinState) -> PinPublic:
        pin = state.pin
        assert pin.id is not None
        return cls(
            id=pin.id,
            day=pin.day,
            service=pin.service,
            client_id=pin.client_id,
            client=state.client,
            vehicle_id=pin.vehicle_id,
            van=state.van,
            position=pin.position,
            created_by=pin.created_by,
            created_at=pin.created_at,
            holds=state.holds,
            note=state.note,
        )


class VisitPinIn(BaseModel):
    visit_id: int = Field(ge=1, le=DB_INT, description="A visit of the day.")
    caregiver_id: int = Field(ge=1, le=DB_INT, description="The caregiver who is to make it.")
    start: time | None = Field(
        default=None, description="The start asked for, HH:MM local time, inside its window."
    )


class VisitPinPublic(BaseModel):
    id: int
    visit_id: int
    visit: str
    caregiver_id: int
    caregiver: str
    start: time | None
    created_by: str
    created_at: datetime
    holds: bool | None = Field(description="None until a plan made after the pin has seen it.")
    note: str = Field(description="Whether the plan keeps the pin, and if not, why, in words.")

    @classmethod
    def of(cls, state: VisitPinState) -> VisitPinPublic:
        pin = state.pin
        assert pin.id is not None
        return cls(
            id=pin.id,
            visit_id=pin.visit_id,
            visit=state.visit,
            caregiver_id=pin.caregiver_id,
            caregiver=state.caregiver,
            start=pin.start,
            created_by=pin.created_by,
            created_at=pin.created_at,
            holds=state.holds,
            note=state.note,
        )
