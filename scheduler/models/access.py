"""Bearer tokens for integrations: only a hash is stored, the token itself is shown once."""

from datetime import datetime

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
