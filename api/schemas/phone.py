"""What a driver's or caregiver's phone gets: only what a stop needs."""

from __future__ import annotations

import base64
import re
from datetime import datetime

from pydantic import BaseModel, Field, field_validator, model_validator

from scheduler.models import Service, StopStatus


class PhoneStop(BaseModel):
    """Name, address, phone, diet, portions, notes: never health details beyond the diet."""

    stop_id: int = Field(description="The row of this version; it changes with every re-plan.")
    key: str = Field(description="The order or visit ('order:12'): the same in every version.")
    seq: int
    kind: str = Field(description="meal or visit")
    time: str = Field(description="Planned arrival, HH:MM local.")
    window: str
    name: str
    address: str
    phone: str
    diet: str
    portions: int
    notes: str
    tasks: str
    lat: float
    lon: float
    status: StopStatus
    trip: int = Field(description="Which trip from the kitchen carries it (1 for a visit).")
    lives_alone: bool = Field(description="The van is their daily check: say so at the door.")


class PhoneTrip(BaseModel):
    """What the van loads at the kitchen for one trip, as the packing list counts it."""

    number: int
    stops: int
    portions: int
    boxes: int


class PhoneDay(BaseModel):
    day: str
    service: Service
    resource: str = Field(description="The van's or caregiver's code, e.g. V01.")
    name: str = Field(description="The van's or caregiver's name.")
    people: list[str] = Field(description="The van's drivers by name.")
    version: int
    stops: list[PhoneStop]
    trips: list[PhoneTrip] = Field(description="A van's trips in order; none for a caregiver.")


class ReportIn(BaseModel):
    stop_key: str | None = Field(
        default=None,
        pattern=r"^(order|visit):[1-9][0-9]{0,9}$",
        description="The stop's `key` from the day: it survives every re-plan.",
    )
    stop_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="Older pages: a stop row of any version."
    )
    version: int = Field(default=0, ge=0, description="The plan version the phone showed.")
    status: StopStatus
    client_event_id: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="Made by the phone when the button was pressed; a retry sends the same id.",
    )
    note: str = Field(default="", max_length=500)
    at: datetime | None = Field(default=None, description="When it happened (phone clock).")
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    accuracy: float | None = Field(
        default=None, ge=0, le=100_000, description="Of lat/lon, in metres, as the phone gives it."
    )
    corrects: str = Field(
        default="",
        max_length=64,
        pattern=r"^[A-Za-z0-9_.:-]*$",
        description="Undo: the client_event_id of this stop's report made within the minute; "
        "with status 'planned' the stop goes back to what it was before that report.",
    )

    @model_validator(mode="after")
    def _names_a_stop(self) -> ReportIn:
        if self.stop_key is None and self.stop_id is None:
            raise ValueError("name the stop: stop_key (or stop_id)")
        return self


class ReportOut(BaseModel):
    stop_id: int | None = Field(description="The published stop it was applied to, if any.")
    stop_key: str
    status: StopStatus
    applied: bool = Field(description="False when this client_event_id was already applied.")
    conflict: str = Field(
        default="",
        description="'moved' (now on another route) or 'cancelled': kept for the dispatcher.",
    )


class PhoneChanges(BaseModel):
    """What a newer published version changed on this route, for a page that shows `since`."""

    version: int = Field(description="The published version now.")
    changed: bool = Field(description="Whether this route's stops differ from `since`'s.")
    message: str = Field(description="The change in words, in the town's language.")


def _b64url_bytes(value: str) -> bytes:
    """base64url as browsers send it (padding optional); ValueError when it is not."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+={0,2}", value):
        raise ValueError("expected base64url")
    return base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))


class PushKeys(BaseModel):
    # Checked here, so a damaged subscription is refused now rather than failing every send.
    p256dh: str = Field(max_length=200, description="The phone's P-256 public key, base64url.")
    auth: str = Field(max_length=100, description="The 16-byte auth secret, base64url.")

    @field_validator("p256dh")
    @classmethod
    def _point(cls, value: str) -> str:
        raw = _b64url_bytes(value)
        if len(raw) != 65 or raw[0] != 4:
            raise ValueError("expected an uncompressed P-256 public key (65 bytes)")
        return value

    @field_validator("auth")
    @classmethod
    def _secret(cls, value: str) -> str:
        if len(_b64url_bytes(value)) != 16:
            raise ValueError("expected a 16-byte auth secret")
        return value


class PushSubscriptionIn(BaseModel):
    """What `PushSubscription.toJSON()` gives in the browser; `expirationTime` is ignored."""

    endpoint: str = Field(max_length=1000, pattern=r"^https://[^\s/]+/\S*$")
    keys: PushKeys


class PushKeyOut(BaseModel):
    application_server_key: str = Field(description="For `PushManager.subscribe()`.")


class PushSubscribed(BaseModel):
    target_id: int
