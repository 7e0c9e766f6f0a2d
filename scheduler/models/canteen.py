"""The canteen and the milk kitchen: what people collect at a pick-up point, and its prices.

Canteen clients are clients with a pick-up point; their days are their meal subscription, so
the kitchen counts their portions per point from the frozen orders. What they collected is a
`CanteenCheckIn`, one per client and date, and statements bill from it.

Milk-kitchen children are registered apart from clients (a child is not a patronage client):
a paediatrician's referral, the birth date that gives the age group on each day, and the
guardian who collects. What was collected is a `MilkCollection`, one per child and date.
"""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.base import ClientStatus, Diet, enum_text, tenant_fk, utcnow
from scheduler.models.fields import ExternalId, Name, Phone, Portions


class ServicePrice(SQLModel, table=True):
    """Price of one portion of a collected service (`canteen`, `milk_kitchen`), in cents."""

    __table_args__ = (UniqueConstraint("municipality_id", "service"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    service: str = Field(max_length=32)
    price_cents: int = Field(ge=0)


class CanteenCheckIn(SQLModel, table=True):
    """A canteen client collected their meal of `day` at the counter: a financial record."""

    __table_args__ = (UniqueConstraint("municipality_id", "client_id", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    client_id: int = Field(foreign_key="client.id", index=True, ondelete="CASCADE")
    pickup_point_id: int = Field(foreign_key="pickuppoint.id")
    day: date = Field(index=True)
    diet: Diet = enum_text(Diet, 16, default=Diet.general)
    portions: int = Field(default=1, ge=1, le=10)
    at: datetime = Field(default_factory=utcnow)
    actor: str = Field(default="system", max_length=80)


class MilkChildBase(SQLModel):
    external_id: ExternalId
    name: Name
    birth_date: date
    referral_number: str = Field(max_length=40)
    referral_date: date
    guardian_name: Name
    guardian_phone: Phone = ""
    portions: Portions = 1
    status: ClientStatus = enum_text(ClientStatus, 16, default=ClientStatus.active)


class MilkChild(MilkChildBase, table=True):
    """A child registered with the milk kitchen, collected for at one pick-up point."""

    __table_args__ = (UniqueConstraint("municipality_id", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    pickup_point_id: int = Field(foreign_key="pickuppoint.id", index=True)


class MilkCollection(SQLModel, table=True):
    """A guardian collected a child's portions of `day`; the age group is that of the day."""

    __table_args__ = (UniqueConstraint("municipality_id", "child_id", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    child_id: int = Field(foreign_key="milkchild.id", index=True, ondelete="CASCADE")
    pickup_point_id: int = Field(foreign_key="pickuppoint.id")
    day: date = Field(index=True)
    age_group: str = Field(max_length=8)
    portions: int = Field(default=1, ge=1, le=10)
    at: datetime = Field(default_factory=utcnow)
    actor: str = Field(default="system", max_length=80)
