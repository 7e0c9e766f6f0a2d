"""Kitchens, vans and drivers."""

from __future__ import annotations

from datetime import time
from typing import Annotated

from annotated_types import Le
from pydantic import BaseModel, Field

from scheduler.models.fields import (
    Address,
    Capacity,
    HotMealMinutes,
    Latitude,
    Longitude,
    MaxTrips,
    Name,
    Phone,
    PortionsPerBox,
    ServiceMinutes,
    SparePortions,
    Weekdays,
)
from scheduler.models.fleet import KitchenBase, VehicleBase
from scheduler.repositories.fleet import DriverIn, VehicleIn


class KitchenCreate(KitchenBase):
    pass


class KitchenUpdate(BaseModel):
    name: Name | None = None
    address: Address | None = None
    lon: Longitude | None = None
    lat: Latitude | None = None
    hot_meal_minutes: HotMealMinutes | None = None
    service_minutes: ServiceMinutes | None = None
    # A change through the API has an upper bound that imports do not.
    spare_portions: Annotated[SparePortions, Le(10_000)] | None = None
    portions_per_box: Annotated[PortionsPerBox, Le(1000)] | None = None


class KitchenPublic(KitchenBase):
    id: int


class VehicleCreate(VehicleIn):
    kitchen_id: int = Field(ge=1, le=2**31 - 1)


class VehicleUpdate(BaseModel):
    name: Name | None = None
    capacity_portions: Annotated[Capacity, Le(100_000)] | None = None
    capacity_boxes: Annotated[Capacity, Le(10_000)] | None = None
    shift_start: time | None = None
    shift_end: time | None = None
    max_trips: MaxTrips | None = None
    weekdays: Weekdays | None = None
    active: bool | None = None
    kitchen_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class VehiclePublic(VehicleBase):
    id: int
    kitchen_id: int


class DriverCreate(DriverIn):
    vehicle_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class DriverUpdate(BaseModel):
    name: Name | None = None
    phone: Phone | None = None
    vehicle_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class DriverPublic(BaseModel):
    id: int
    external_id: str
    name: str
    phone: str
    vehicle_id: int | None
