"""The canteen and the milk kitchen: the counter's lists, check-ins and collections, children
registered with a referral, the milk kitchen's day sheet and the services' prices."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from scheduler.models import ClientStatus, Diet
from scheduler.models.fields import Address, Day, ExternalId, Name, Phone, Portions, Weekdays

DbId = Field(ge=1, le=2**31 - 1)


class CheckInCreate(BaseModel):
    client_id: int = DbId


class CollectionCreate(BaseModel):
    child_id: int = DbId


class CanteenRowPublic(BaseModel):
    client_id: int
    name: str
    pickup_point_id: int
    diet: Diet
    portions: int
    collected_at: datetime | None


class CanteenDayPublic(BaseModel):
    date: date
    clients: list[CanteenRowPublic]


class CheckInPublic(BaseModel):
    id: int
    client_id: int
    pickup_point_id: int
    day: date
    diet: Diet
    portions: int
    at: datetime
    actor: str


class MilkRowPublic(BaseModel):
    child_id: int
    name: str
    guardian_name: str
    pickup_point_id: int
    age_group: str = Field(description="0-6, 6-12, 12-24 or 24-36 (months, on the date).")
    portions: int
    collected_at: datetime | None


class MilkDayPublic(BaseModel):
    date: date
    children: list[MilkRowPublic]


class CollectionPublic(BaseModel):
    id: int
    child_id: int
    pickup_point_id: int
    day: date
    age_group: str
    portions: int
    at: datetime
    actor: str


class MilkChildCreate(BaseModel):
    """A child registered with a paediatrician's referral; matched on `external_id`."""

    external_id: ExternalId
    name: Name
    birth_date: Day
    referral_number: str = Field(max_length=40)
    referral_date: Day
    guardian_name: Name
    guardian_phone: Phone = ""
    portions: Portions = 1
    status: ClientStatus = ClientStatus.active
    pickup_point_id: int = DbId


class MilkChildPublic(MilkChildCreate):
    id: int


class MilkPointPublic(BaseModel):
    point: str
    name: str
    portions: dict[str, int] = Field(description="Age group -> portions.")
    total: int


class MilkSheetPublic(BaseModel):
    date: str
    municipality: str
    groups: list[str]
    points: list[MilkPointPublic]
    totals: dict[str, int]
    too_old: int = Field(description="Registered children 36 months or older on the date.")


class ServicePriceSet(BaseModel):
    price_cents: int = Field(ge=0, le=10_000_000)


class ServicePricePublic(BaseModel):
    service: str
    price_cents: int


class MilkDaysSet(BaseModel):
    milk_weekdays: Weekdays = Field(description='"Mon,Wed,Fri"; empty for no milk kitchen.')


class PickupPointCreate(BaseModel):
    """A canteen or other point where people collect portions, served by one kitchen."""

    external_id: ExternalId
    name: Name
    address: Address = ""
    kitchen_id: int = DbId
    milk_weekdays: Weekdays = Field("", description='"Mon,Wed,Fri"; empty for no milk kitchen.')


class PickupPointUpdate(BaseModel):
    """A change of a pick-up point: only the fields given are written."""

    name: Name | None = None
    address: Address | None = None
    kitchen_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class PickupPointPublic(BaseModel):
    id: int
    kitchen_id: int
    external_id: str
    name: str
    address: str
    milk_weekdays: str
