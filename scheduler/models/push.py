"""Where published routes go: a phone's Web Push subscription, an ntfy topic, a gateway."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.base import JsonObject, json_column, tenant_fk, utcnow


class PushTarget(SQLModel, table=True):
    """One place a route publication is sent to.

    With a user, it gets that user's routes (the driver's van, the caregiver's day); without
    one, it gets every route of the municipality (a messaging gateway that fans out itself).
    `address` is the push endpoint, the ntfy topic URL or the webhook URL; `secrets` holds
    the subscription's `p256dh`/`auth` keys, the ntfy `token` or the webhook `secret`.
    """

    __table_args__ = (UniqueConstraint("municipality_id", "channel", "address"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True, ondelete="CASCADE")
    channel: str = Field(max_length=16, description="webpush, ntfy or webhook")
    address: str = Field(max_length=1000)
    secrets: JsonObject = json_column({})
    label: str = Field(default="", max_length=120, description="What the dispatcher sees.")
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class WebhookDelivery(SQLModel, table=True):
    """One attempt to POST to a webhook (a route, an alert or a test), kept so the admin
    sees whether the gateway answers; only the last few per webhook are kept."""

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    push_target_id: int = Field(foreign_key="pushtarget.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=32, description="route.published, alert or webhook.test")
    status_code: int | None = Field(default=None, description="None when no answer came")
    error: str = Field(default="", max_length=300)
    duration_ms: int = 0
    created_at: datetime = Field(default_factory=utcnow)
