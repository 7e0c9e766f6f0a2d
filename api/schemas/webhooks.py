"""What `/v1/webhooks` takes and returns: a webhook's secret is shown once, when it is made."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class WebhookCreate(BaseModel):
    url: str = Field(
        max_length=1000,
        pattern=r"^https?://[^\s/?#]+[^\s]*$",
        description="Where each published route is POSTed, signed with the secret.",
    )
    label: str = Field(default="", max_length=120, description="What the dispatcher sees.")


class WebhookPublic(BaseModel):
    id: int
    url: str
    label: str
    created_at: datetime


class WebhookCreated(WebhookPublic):
    secret: str = Field(
        description="Signs every delivery (X-Patronage-Signature); shown only now. Creating "
        "the same URL again gives it a new secret."
    )


class WebhookDeliveryPublic(BaseModel):
    """One attempt to POST to the webhook: a route, an alert or a test."""

    at: datetime
    kind: str = Field(description="route.published, alert or webhook.test")
    ok: bool = Field(description="The webhook answered 2xx.")
    status_code: int | None = Field(description="The HTTP answer; null when none came.")
    error: str = Field(description="Why it failed; empty when it did not.")
    duration_ms: int
