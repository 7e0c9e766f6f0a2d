"""Bearer tokens for integrations (only a hash is stored, the token itself is shown once),
page sessions and sign-in attempts (so sessions can be ended and guessing slowed), and the
personal links of drivers and caregivers (revoked by a version number)."""

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
    # A token that leaks into a log or a retired machine stops working by itself.
    expires_at: datetime | None = Field(default=None, description="None: never (old tokens).")


class PageSession(SQLModel, table=True):
    """One signed-in browser. The cookie carries a random key; only its SHA-256 is stored, and
    the session counts only while this row says so: signing out, a new password, deactivation
    and "sign out everywhere" set `ended_at`, and every request looks the row up."""

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    key_hash: str = Field(max_length=64, unique=True, index=True, description="SHA-256 hex.")
    address: str = Field(default="", max_length=64, description="Where it signed in from.")
    created_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None


class SignInAttempt(SQLModel, table=True):
    """Every sign-in, kept so failures can be counted across processes and audited.

    `account` names what was tried ("<municipality id or typed name>/<user name>"), so
    guessing is counted per account even for names that do not exist; `municipality_id` is
    set when the typed municipality was found. `outcome` is ok, wrong or throttled.
    """

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int | None = Field(
        default=None, foreign_key="municipality.id", index=True, ondelete="CASCADE"
    )
    account: str = Field(max_length=210, index=True)
    address: str = Field(max_length=64, index=True)
    outcome: str = Field(max_length=16)
    at: datetime = Field(default_factory=utcnow, index=True)


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
