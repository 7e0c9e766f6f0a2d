"""Kitchens, pick-up points (canteens), vans and drivers."""

from datetime import time

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.base import tenant_fk


class KitchenBase(SQLModel):
    external_id: str = Field(max_length=64)
    name: str = Field(max_length=120)
    address: str = Field(default="", max_length=255)
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    hot_meal_minutes: int = Field(default=90, gt=0, le=600)
    service_minutes: float = Field(default=3.0, ge=0, le=120, description="Time at each stop.")
    spare_portions: int = Field(default=0, ge=0, description="Extra portions cooked per diet.")
    portions_per_box: int = Field(default=8, gt=0)


class Kitchen(KitchenBase, table=True):
    __table_args__ = (UniqueConstraint("municipality_id", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()


class PickupPoint(SQLModel, table=True):
    """A canteen or social-kitchen point where people collect portions (counted, not routed)."""

    __table_args__ = (UniqueConstraint("municipality_id", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    kitchen_id: int = Field(foreign_key="kitchen.id", index=True)
    external_id: str = Field(max_length=64)
    name: str = Field(max_length=120)
    address: str = Field(default="", max_length=255)


class VehicleBase(SQLModel):
    external_id: str = Field(max_length=64)
    name: str = Field(max_length=120)
    capacity_portions: int = Field(gt=0)
    capacity_boxes: int = Field(gt=0)
    shift_start: time = Field(default=time(10, 30))
    shift_end: time = Field(default=time(14, 30))
    max_trips: int = Field(default=1, ge=1, le=10)
    weekdays: str = Field(default="Mon-Fri", max_length=40)
    active: bool = True


class Vehicle(VehicleBase, table=True):
    __table_args__ = (UniqueConstraint("municipality_id", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    kitchen_id: int = Field(foreign_key="kitchen.id", index=True)


class Driver(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("municipality_id", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    external_id: str = Field(max_length=64)
    name: str = Field(max_length=120)
    phone: str = Field(default="", max_length=40)
    vehicle_id: int | None = Field(default=None, foreign_key="vehicle.id")
