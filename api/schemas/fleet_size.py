"""`GET /v1/days/{day}/fleet`: how many vans a frozen meal day needs, in the caller's words."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class FleetKitchenPublic(BaseModel):
    kitchen: str
    meals: int
    working: int = Field(description="Vans of the kitchen working that day.")
    bound: int = Field(description="At least this many vans: no plan can do with fewer.")
    trips_bound: int = Field(description="At least this many trips.")
    binds: str = Field(description="time, capacity, ride_limit or window")
    binds_text: str = Field(description="What binds, in the caller's language.")
    fewest: int | None = Field(description="The fewest vans the search found serving all.")
    trips: int
    km: float


class FleetWhatIfPublic(BaseModel):
    key: str = Field(description="found, van_less, van_more, trip_more, earlier or wider")
    label: str
    vans: int
    trips: int
    km: float
    left_out: int = Field(description="Meals the search left out with this option.")


class FleetPublic(BaseModel):
    day: date
    meals: int
    working: int
    bound: int
    fewest: int | None
    seconds: float
    kitchens: list[FleetKitchenPublic]
    what_ifs: list[FleetWhatIfPublic]
