"""Shared column helpers and enumerations of the domain model.

Every table that belongs to a municipality carries `municipality_id`; repositories filter by it.
"""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field


def utcnow() -> datetime:
    # Aware: SQLModel's datetime columns refuse naive values and give back aware UTC ones.
    return datetime.now(UTC)


def tenant_fk() -> Any:
    """The municipality a row belongs to (indexed: every query filters by it)."""
    return Field(foreign_key="municipality.id", index=True, ondelete="CASCADE")


def json_column(default: Any) -> Any:
    """A JSON column (lists of skills, load vectors, summaries) on SQLite and PostgreSQL."""
    return Field(default_factory=lambda: type(default)(default), sa_column=Column(JSON))


class Diet(StrEnum):
    general = "general"
    diabetic = "diabetic"
    low_salt = "low_salt"
    vegetarian = "vegetarian"
    soft = "soft"
    pureed = "pureed"


class ClientStatus(StrEnum):
    active = "active"
    paused = "paused"
    ended = "ended"


class OrderStatus(StrEnum):
    ordered = "ordered"
    cancelled = "cancelled"
    delivered = "delivered"
    not_home = "not_home"
    refused = "refused"


class OrderSource(StrEnum):
    subscription = "subscription"
    one_off = "one_off"


class TravelMode(StrEnum):
    car = "car"
    foot = "foot"
    bus = "bus"


class Service(StrEnum):
    meals = "meals"
    care = "care"


class VisitStatus(StrEnum):
    requested = "requested"
    cancelled = "cancelled"
    checked_in = "checked_in"
    done = "done"
    missed = "missed"


class StopStatus(StrEnum):
    planned = "planned"
    delivered = "delivered"
    not_home = "not_home"
    refused = "refused"
    problem = "problem"
    checked_in = "checked_in"
    done = "done"


class AbsenceKind(StrEnum):
    day_off = "day_off"
    sick = "sick"
    holiday = "holiday"


class Role(StrEnum):
    admin = "admin"
    dispatcher = "dispatcher"
    kitchen = "kitchen"
    driver = "driver"
    caregiver = "caregiver"
