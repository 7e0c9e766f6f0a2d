"""A van out of service from a time on a day, and who its re-plan affected."""

from __future__ import annotations

from datetime import datetime, time

from pydantic import BaseModel, Field

from api.schemas.days import BoardChange


class BreakdownIn(BaseModel):
    vehicle_id: int = Field(ge=1, le=2**31 - 1, description="The van that broke down.")
    at: time = Field(description="Local time from which the van serves nothing, HH:MM.")
    request_id: str = Field(
        default="",
        max_length=40,
        pattern=r"^[A-Za-z0-9_.:-]*$",
        description="Makes a retried click harmless: the same id is recorded once.",
    )


class BreakdownPublic(BaseModel):
    event_id: int
    new: bool = Field(default=True, description="False when the same request was recorded.")
    vehicle_id: int
    vehicle: str = Field(description="The van's code, its route's resource.")
    at: str = Field(description="HH:MM, local.")
    recorded_at: datetime
    actor: str
    version: int = Field(
        description="The plan version of the re-plan that took it in; 0 while it waits for it."
    )
    moved: int = Field(description="Stops that changed van, trip or place in that re-plan.")
    unassigned: int = Field(description="Stops that re-plan left out (each with its reason).")
    changes: list[BoardChange] = Field(
        description="What the re-plan changed on each route: who is affected."
    )
