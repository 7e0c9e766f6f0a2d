"""Kitchens, vans and drivers."""

from __future__ import annotations

from datetime import time

from pydantic import BaseModel, Field

from scheduler.models.fleet import KitchenBase, VehicleBase
from scheduler.repositories.fleet import DriverIn, VehicleIn


class KitchenCreate(KitchenBase):
    pass


class KitchenUpdate(BaseModel):
    name: str | None = Field(default=None, max_length=120)
    address: str | None = Field(default=None, max_length=255)
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    hot_meal_minutes: int | None = Field(default=None, gt=0, le=600)
    service_minutes: float | None = Field(default=None, ge=0, le=120)
    spare_portions: int | None = Field(default=None, ge=0, le=10_000)
    portions_per_box: int | None = Field(default=None, gt=0, le=1000)


class KitchenPublic(KitchenBase):
    id: int


class VehicleCreate(VehicleIn):
    kitchen_id: int = Field(ge=1, le=2**31 - 1)


class VehicleUpdate(BaseModel):
    name: str | None = Field(default=None, max_length=120)
    capacity_portions: int | None = Field(default=None, gt=0, le=100_000)
    capacity_boxes: int | None = Field(default=None, gt=0, le=10_000)
    shift_start: time | None = None
    shift_end: time | None = None
    max_trips: int | None = Field(default=None, ge=1, le=10)
    weekdays: str | None = Field(default=None, max_length=40)
    active: bool | None = None
    kitchen_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class VehiclePublic(VehicleBase):
    id: int
    kitchen_id: int


class DriverCreate(DriverIn):
    vehicle_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class DriverPublic(BaseModel):
    id: int
    external_id: str
    name: str
    phone: str
    vehicle_id: int | None
