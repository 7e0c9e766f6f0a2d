"""Emergency contacts, the escalation list and a dispatcher's own push targets."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

DbId = Field(ge=1, le=2**31 - 1)


class ContactBody(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    relation: str = Field(default="", max_length=60, description="Daughter, neighbour, GP...")
    phone: str = Field(min_length=3, max_length=40)


class ContactsSet(BaseModel):
    check_on_me: bool | None = Field(
        default=None, description="Raise a welfare alert when nobody opens; unchanged if absent."
    )
    contacts: list[ContactBody] = Field(
        max_length=10, description="The whole list, in the order to call them."
    )


class ContactsPublic(BaseModel):
    client_id: int
    check_on_me: bool
    contacts: list[ContactBody]


class EscalationSet(BaseModel):
    minutes: int = Field(default=10, ge=1, le=240, description="Unacknowledged this long: next.")
    user_ids: list[int] = Field(max_length=20, description="Asked in this order.")


class EscalationPerson(BaseModel):
    user_id: int
    username: str
    role: str


class EscalationPublic(BaseModel):
    minutes: int
    people: list[EscalationPerson]


class MyTargetIn(BaseModel):
    channel: Literal["webpush", "ntfy"]
    address: str = Field(min_length=8, max_length=1000, description="Push endpoint or topic URL.")
    p256dh: str = Field(default="", max_length=200)
    auth: str = Field(default="", max_length=100)
    token: str = Field(default="", max_length=200, description="ntfy access token, if any.")
    label: str = Field(default="", max_length=120)


class MyPushKey(BaseModel):
    configured: bool = Field(description="False when the server has no VAPID key.")
    application_server_key: str = Field(default="", description="For `PushManager.subscribe()`.")


class MyTargetPublic(BaseModel):
    id: int
    channel: str
    label: str
    active: bool
