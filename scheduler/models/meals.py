"""Meal subscriptions, the day's orders, and the frozen set of orders at the cut-off."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.base import (
    Diet,
    OrderSource,
    OrderStatus,
    Service,
    enum_text,
    tenant_fk,
    utcnow,
)


class MealSubscription(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    client_id: int = Field(foreign_key="client.id", index=True, ondelete="CASCADE")
    weekdays: str = Field(default="Mon-Fri", max_length=40)
    diet: Diet = Diet.general
    portions: int = Field(default=1, ge=1, le=10)
    valid_from: date
    valid_until: date | None = None


class SubscriptionPause(SQLModel, table=True):
    """No meals from `start` to `end` inclusive (hospital stay, holiday with family)."""

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    subscription_id: int = Field(foreign_key="mealsubscription.id", index=True, ondelete="CASCADE")
    start: date
    end: date
    reason: str = Field(default="", max_length=200)


class MealOrder(SQLModel, table=True):
    """One client's meal on one date: from a subscription, or a one-off order."""

    __table_args__ = (UniqueConstraint("municipality_id", "client_id", "day", "source"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    client_id: int = Field(foreign_key="client.id", index=True, ondelete="CASCADE")
    day: date = Field(index=True)
    diet: Diet = Diet.general
    portions: int = Field(default=1, ge=1, le=10)
    source: OrderSource = OrderSource.subscription
    subscription_id: int | None = Field(default=None, foreign_key="mealsubscription.id")
    status: OrderStatus = OrderStatus.ordered
    changed_after_cutoff: bool = False
    forced_by: str | None = Field(default=None, max_length=80)
    updated_at: datetime = Field(default_factory=utcnow)


class DayFreeze(SQLModel, table=True):
    """The frozen set of orders (or visits) for a date and service: a versioned record."""

    __table_args__ = (UniqueConstraint("municipality_id", "day", "service", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    day: date = Field(index=True)
    service: Service = enum_text(Service, 16)
    version: int = Field(ge=1)
    frozen_at: datetime = Field(default_factory=utcnow)
    reason: str = Field(default="cutoff", max_length=80)
    item_count: int = 0
    portion_count: int = 0


class FrozenOrder(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("freeze_id", "order_id"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    freeze_id: int = Field(foreign_key="dayfreeze.id", index=True, ondelete="CASCADE")
    order_id: int = Field(foreign_key="mealorder.id", ondelete="CASCADE")
    client_id: int = Field(foreign_key="client.id", ondelete="CASCADE")
    diet: Diet
    portions: int
