"""Clients (sensitive: staff only) and their meal subscriptions."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from scheduler.models import AddressCheck, Diet, JsonObject, LocationSource
from scheduler.models.clients import ClientBase
from scheduler.models.fields import Day, Latitude, Longitude
from scheduler.repositories.clients import ClientIn, ClientUpdate

DbId = Field(default=None, ge=1, le=2**31 - 1)


class ClientCreate(ClientIn):
    kitchen_id: int | None = DbId
    pickup_point_id: int | None = DbId
    # Both left out: the address is looked up (PATRONAGE_GEOCODER_URL); until it is found or
    # placed by hand, the client is listed at /v1/clients/addresses and left out of plans.
    lon: Longitude | None = None  # type: ignore[assignment]
    lat: Latitude | None = None  # type: ignore[assignment]


class ClientChange(ClientUpdate):
    kitchen_id: int | None = DbId
    pickup_point_id: int | None = DbId


class ClientPublic(ClientBase):
    id: int
    kitchen_id: int | None
    pickup_point_id: int | None
    pseudonym: str | None
    location_source: LocationSource
    address_check: AddressCheck = Field(
        description="Anything but ok: the place is to check, and the client is not planned."
    )


class Candidate(BaseModel):
    """A place the geocoder gave for the client's address."""

    index: int
    lat: float
    lon: float
    display_name: str
    importance: float


class AddressToCheck(BaseModel):
    """A client whose place is not settled, with the places to choose from."""

    id: int
    external_id: str
    name: str
    address: str
    address_check: AddressCheck
    candidates: list[Candidate]


class LocationSet(BaseModel):
    """The client's place: a pin (lat and lon) or one of the candidates (its index)."""

    lat: Latitude | None = None
    lon: Longitude | None = None
    candidate: int | None = Field(default=None, ge=0, le=20)


class ClientExport(BaseModel):
    """Everything stored about one client, as a data subject's access request answers."""

    client: JsonObject
    emergency_contacts: list[JsonObject]
    subscriptions: list[JsonObject]
    meal_orders: list[JsonObject]
    visit_plans: list[JsonObject]
    visits: list[JsonObject]
    alerts: list[JsonObject]


class SubscriptionSet(BaseModel):
    weekdays: str = Field(default="Mon-Fri", min_length=1, max_length=40)
    diet: Diet = Diet.general
    portions: int = Field(default=1, ge=1, le=10)
    start: Day = Field(description="First day the new terms apply to.")


class SubscriptionEnd(BaseModel):
    last_day: Day = Field(description="The last day with a meal.")


class SubscriptionPublic(BaseModel):
    id: int
    client_id: int
    weekdays: str
    diet: Diet
    portions: int
    valid_from: date
    valid_until: date | None


class Ended(BaseModel):
    changed: int
