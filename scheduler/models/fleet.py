"""Kitchens, pick-up points (canteens), vans, drivers and drivers' absences."""

from datetime import date, datetime, time

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.base import AbsenceKind, enum_text, tenant_fk, utcnow
from scheduler.models.fields import (
    Address,
    Capacity,
    ExternalId,
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


class KitchenBase(SQLModel):
    external_id: ExternalId
    name: Name
    address: Address = ""
    lon: Longitude
    lat: Latitude
    hot_meal_minutes: HotMealMinutes = 90
    service_minutes: ServiceMinutes = Field(default=3.0, description="Time at each stop.")
    spare_portions: SparePortions = Field(default=0, description="Extra portions cooked per diet.")
    portions_per_box: PortionsPerBox = 8


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
    external_id: ExternalId
    name: Name
    address: Address = ""
    # The weekdays the milk kitchen's portions are collected here ("Mon,Wed,Fri"); empty
    # when the point hands out no milk-kitchen food.
    milk_weekdays: Weekdays = Field(default="", sa_column_kwargs={"server_default": ""})


class VehicleBase(SQLModel):
    external_id: ExternalId
    name: Name
    capacity_portions: Capacity
    capacity_boxes: Capacity
    shift_start: time = Field(default=time(10, 30))
    shift_end: time = Field(default=time(14, 30))
    max_trips: MaxTrips = 1
    weekdays: Weekdays = "Mon-Fri"
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
    external_id: ExternalId
    name: Name
    phone: Phone = ""
    vehicle_id: int | None = Field(default=None, foreign_key="vehicle.id")


class DriverAbsence(SQLModel, table=True):
    """A driver away from `first_day` to `last_day` inclusive (written by intake/driver_absences).

    A van whose every driver is away on a date serves nothing that date (planning/meals.py).
    """

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    driver_id: int = Field(foreign_key="driver.id", index=True, ondelete="CASCADE")
    first_day: date
    last_day: date
    kind: AbsenceKind = enum_text(AbsenceKind, 16)
    note: str = Field(default="", max_length=500)
    reported_at: datetime = Field(default_factory=utcnow)
