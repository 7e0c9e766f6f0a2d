"""Shared column helpers and enumerations of the domain model.

Every table that belongs to a municipality carries `municipality_id`; repositories filter by it.
"""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import JSON, Column, Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import AutoString, Field

# A JSON object where JSON is the contract: a JSON column's raw value, a body another system
# sends or reads. Records that only travel between modules are typed instead.
JsonObject = dict[str, Any]


def utcnow() -> datetime:
    # Aware: SQLModel's datetime columns refuse naive values and give back aware UTC ones.
    return datetime.now(UTC)


def tenant_fk() -> Any:
    """The municipality a row belongs to (indexed: every query filters by it)."""
    return Field(foreign_key="municipality.id", index=True, ondelete="CASCADE")


def json_column(default: Any) -> Any:
    """A JSON column (lists of skills, load vectors, summaries) on SQLite and PostgreSQL."""
    return Field(default_factory=lambda: type(default)(default), sa_column=Column(JSON))


E = TypeVar("E", bound=StrEnum)


class EnumText(TypeDecorator[E]):
    """A closed set stored as its plain value in a VARCHAR (not a database enum type), read
    back as the enum member: the column stays what the migrations made it."""

    impl = AutoString
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length=length)
        self.enum = enum

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)


def enum_text(enum: type[StrEnum], length: int, **field: Any) -> Any:
    """A field typed as `enum` in a VARCHAR(length) column, as the columns were made."""
    return Field(sa_type=EnumText(enum, length), max_length=length, **field)


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


class StopKind(StrEnum):
    """What a stop of a stored route is: the start, a job, a break, a reload or the end."""

    start = "start"
    job = "job"
    break_ = "break"
    reload = "reload"
    end = "end"


class CheckInKind(StrEnum):
    """A caregiver's check at a visit: in on arrival, out on leaving."""

    in_ = "in"
    out = "out"


class OutboxTask(StrEnum):
    """The tasks an outbox row may name; the relay sends each as the Celery task
    `patronage.<value>` (workers/tasks.py)."""

    plan = "plan"
    replan = "replan"
    cutoff = "cutoff"
    morning = "morning"
    publish = "publish"
    event = "event"  # an event with no step of its own: the generic handler logs it
    notify_alert = "notify_alert"  # tell the people an alert's escalation step names


class EventKind(StrEnum):
    """What an event in the log says happened (the event row keeps the value as text)."""

    order_placed = "order.placed"
    order_cancelled = "order.cancelled"
    visit_requested = "visit.requested"
    visit_changed = "visit.changed"
    visit_cancelled = "visit.cancelled"
    visit_meal_to_van = "visit.meal_to_van"
    visit_meal_carried = "visit.meal_carried"
    visit_checked_in = "visit.checked_in"
    visit_checked_out = "visit.checked_out"
    caregiver_sick = "caregiver.sick"
    caregiver_absent = "caregiver.absent"
    caregiver_back = "caregiver.back"
    vehicle_broke_down = "vehicle.broke_down"
    driver_absent = "driver.absent"
    driver_back = "driver.back"
    cutoff_reached = "cutoff.reached"
    day_frozen = "day.frozen"
    plan_morning = "plan.morning"
    plan_publish = "plan.publish"
    plan_created = "plan.created"
    plan_requested = "plan_requested"
    publish_requested = "publish_requested"
    stop_reported = "stop_reported"
    alert_raised = "alert.raised"
    alert_escalated = "alert.escalated"
    canteen_collected = "canteen.collected"
    milk_collected = "milk.collected"


class PublicationStatus(StrEnum):
    """Where the sending of a route to one target stands."""

    pending = "pending"
    retrying = "retrying"  # a transient failure: the next try is scheduled
    delivered = "delivered"
    failed = "failed"
