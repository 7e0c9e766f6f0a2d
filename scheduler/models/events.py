"""The event log, the outbox that feeds the queue, publications, alerts and the audit log."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.base import (
    JsonObject,
    PublicationStatus,
    Service,
    enum_text,
    json_column,
    tenant_fk,
    utcnow,
)


class Event(SQLModel, table=True):
    """Something that happened, written in the same transaction as the change it describes."""

    __table_args__ = (UniqueConstraint("municipality_id", "event_key"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    event_key: str = Field(max_length=80, description="Idempotency key: one effect per key.")
    kind: str = Field(max_length=48, index=True)
    day: date | None = Field(default=None, index=True)
    service: Service | None = enum_text(Service, 16, default=None)
    payload: JsonObject = json_column({})
    actor: str = Field(default="system", max_length=80)
    occurred_at: datetime = Field(default_factory=utcnow)
    processed_at: datetime | None = None


class Outbox(SQLModel, table=True):
    """A message for the queue; the relay sends rows in id order and marks them dispatched."""

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    event_id: int | None = Field(default=None, foreign_key="event.id", ondelete="CASCADE")
    # Text, not the enum: a row naming a task nobody knows is kept and reported by the relay.
    task: str = Field(max_length=80)
    args: JsonObject = json_column({})
    created_at: datetime = Field(default_factory=utcnow)
    dispatched_at: datetime | None = Field(default=None, index=True)
    attempts: int = 0
    last_error: str = Field(default="", max_length=500)


class Publication(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    route_id: int | None = Field(default=None, foreign_key="route.id", ondelete="SET NULL")
    plan_version_id: int | None = Field(default=None, foreign_key="planversion.id")
    channel: str = Field(max_length=16)
    target: str = Field(max_length=500)
    push_target_id: int | None = Field(
        default=None, foreign_key="pushtarget.id", index=True, ondelete="SET NULL"
    )
    status: PublicationStatus = enum_text(PublicationStatus, 16, default=PublicationStatus.pending)
    attempts: int = 0
    last_error: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    delivered_at: datetime | None = None


class Alert(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    kind: str = Field(max_length=32, index=True)
    severity: str = Field(default="warning", max_length=16)
    message: str = Field(max_length=500)
    client_id: int | None = Field(default=None, foreign_key="client.id")
    stop_id: int | None = Field(default=None, foreign_key="stop.id")
    created_at: datetime = Field(default_factory=utcnow)
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = Field(default=None, max_length=80)
    # What the person who took it did (required for a welfare alert): "reached by phone".
    ack_note: str = Field(default="", max_length=500)
    # Structured facts (a welfare alert's `scheduler.welfare.WelfareDetail`): the words are
    # put around them in the reader's language when the alert is read, never stored.
    detail: JsonObject = json_column({})
    # Escalation: 0 = the dispatchers on duty were told; n = the n-th person on the list.
    step: int = 0
    step_at: datetime | None = None


class AlertNotice(SQLModel, table=True):
    """One sending of an alert at one escalation step to one push target.

    Unique per (alert, step, target): a step taken twice (a retried task, two sweeps) finds
    its rows and sends nothing again."""

    __table_args__ = (UniqueConstraint("alert_id", "step", "push_target_id"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    alert_id: int = Field(foreign_key="alert.id", index=True, ondelete="CASCADE")
    step: int = 0
    push_target_id: int = Field(foreign_key="pushtarget.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    channel: str = Field(max_length=16)
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    last_error: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    delivered_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    """Who changed what, and who exported personal data."""

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    actor: str = Field(max_length=80)
    action: str = Field(max_length=48)
    entity: str = Field(max_length=48)
    entity_id: str = Field(default="", max_length=64)
    detail: JsonObject = json_column({})
    at: datetime = Field(default_factory=utcnow)
