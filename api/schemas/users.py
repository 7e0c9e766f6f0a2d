"""Users and bearer tokens."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from scheduler.models import Role


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=8, max_length=200)
    role: Role
    locale: str | None = Field(default=None, pattern="^(bg|sl|en)$")
    caregiver_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    driver_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class UserUpdate(BaseModel):
    role: Role | None = None
    locale: str | None = Field(default=None, pattern="^(bg|sl|en)$")
    active: bool | None = None
    password: str | None = Field(default=None, min_length=8, max_length=200)


class UserPublic(BaseModel):
    id: int
    username: str
    role: Role
    locale: str | None
    caregiver_id: int | None
    driver_id: int | None
    active: bool
    created_at: datetime


class Me(BaseModel):
    id: int
    username: str
    role: Role
    municipality_id: int
    municipality: str
    locale: str


class TokenCreate(BaseModel):
    user_id: int = Field(ge=1, le=2**31 - 1, description="The user the integration acts as.")
    name: str = Field(min_length=1, max_length=80)
    expires_in_days: int | None = Field(
        default=None, ge=1, le=3650, description="Empty: the installation's default (90 days)."
    )


class TokenPublic(BaseModel):
    id: int
    user_id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime | None = Field(description="After it the token answers 401.")


class TokenIssued(TokenPublic):
    token: str = Field(description="Shown once; send as `Authorization: Bearer <token>`.")


class SessionsEnded(BaseModel):
    ended: int = Field(description="How many page sessions ended.")


class UserLink(BaseModel):
    """Whose day the user follows: a driver (their van's route) or a caregiver, or neither
    (both empty) to unlink."""

    driver_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    caregiver_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class PersonalLinkPublic(BaseModel):
    holder: str = Field(description="driver or caregiver")
    holder_id: int
    name: str
    version: int = Field(description="Revoking adds one; links of older versions stop working.")
    url: str = Field(description="The personal link: opens the holder's next working day.")
    ntfy_topic: str
    email: str
    revoked_at: datetime | None


class PersonalLinkContact(BaseModel):
    """Where the board sends the link; a field left out stays as it is, "" clears it."""

    ntfy_topic: str | None = Field(default=None, max_length=500, description="Topic URL.")
    email: str | None = Field(default=None, max_length=254)


class LinkSend(BaseModel):
    channel: str = Field(pattern="^(ntfy|email)$", description="ntfy or email")


class LinkSent(BaseModel):
    channel: str
    to: str = Field(description="The topic or the address it went to.")
