"""Clients (sensitive: staff only) and their meal subscriptions."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from scheduler.models import Diet, JsonObject
from scheduler.models.clients import ClientBase
from scheduler.models.fields import Day
from scheduler.repositories.clients import ClientIn, ClientUpdate

DbId = Field(default=None, ge=1, le=2**31 - 1)


class ClientCreate(ClientIn):
    kitchen_id: int | None = DbId
    pickup_point_id: int | None = DbId


class ClientChange(ClientUpdate):
    kitchen_id: int | None = DbId
    pickup_point_id: int | None = DbId


class ClientPublic(ClientBase):
    id: int
    kitchen_id: int | None
    pickup_point_id: int | None
    pseudonym: str | None


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
