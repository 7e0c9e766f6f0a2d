"""Bearer tokens for integrations (only a hash is stored, the token itself is shown once) and
the personal links of drivers and caregivers (revoked by a version number)."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.base import tenant_fk, utcnow


class ApiToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=80, description="What the token is for (the integration).")
    token_hash: str = Field(max_length=64, unique=True, index=True, description="SHA-256 hex.")
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class PersonalLink(SQLModel, table=True):
    """A driver's or caregiver's long-lived personal link, and where the board may send it.

    The link itself is signed and carries `version`; revoking adds one to the version, so
    every link handed out before stops working and the next one sent is new. `holder` is
    "driver" or "caregiver", `holder_id` that row's id. The ntfy topic URL and the e-mail
    address are the holder's own, set by the dispatcher (drivers have no e-mail of record).
    """

    __table_args__ = (UniqueConstraint("municipality_id", "holder", "holder_id"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    holder: str = Field(max_length=16, description="driver or caregiver")
    holder_id: int
    version: int = 1
    ntfy_topic: str = Field(default="", max_length=500)
    email: str = Field(default="", max_length=254)
    revoked_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)
