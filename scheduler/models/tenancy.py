"""The municipality (tenant) and what is set per municipality: calendar overrides, prices, users."""

from datetime import date, datetime, time

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.base import Role, tenant_fk, utcnow

CARE_BALANCE_WEIGHT_MAX = 100


class MunicipalityBase(SQLModel):
    name: str = Field(max_length=120, unique=True, index=True)
    timezone: str = Field(default="Europe/Sofia", max_length=64)
    locale: str = Field(default="bg", max_length=16)
    country: str = Field(default="BG", max_length=2, description="ISO code for public holidays.")
    # Cut-off: orders for day D freeze at `cutoff_time` local time, `cutoff_days_before` days
    # before D (1 and 14:00 = "14:00 the day before"; 0 and 09:00 = "09:00 the same day").
    cutoff_days_before: int = Field(default=1, ge=0, le=7)
    cutoff_time: time = Field(default=time(14, 0))
    currency: str = Field(default="EUR", max_length=3)
    # Slovenian practice: a caregiver may carry a client's lunch on a visit instead of a van.
    caregivers_carry_meals: bool = False
    # A welfare alert nobody acknowledged within this many minutes goes to the next person on
    # the escalation list (and again, until someone takes it).
    welfare_escalate_after_min: int = Field(default=10, ge=1, le=240)
    # Fairness between caregivers: the cost of each second of the longest working day, beside
    # one per second of travel and work. 0 plans for the least time in all; 1 already shares a
    # day of short visits between two caregivers rather than giving it all to one.
    care_balance_weight: int = Field(default=0, ge=0, le=CARE_BALANCE_WEIGHT_MAX)


class Municipality(MunicipalityBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)


class DateOverride(SQLModel, table=True):
    """A date on which the municipality delivers although it is a holiday, or does not.

    `deliver_before` (only with `delivers=False`): the date is closed, but its meals are
    delivered on its eve, the last delivery day before it (scheduler/intake/delivery_days.py).
    """

    __table_args__ = (UniqueConstraint("municipality_id", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    day: date
    delivers: bool
    note: str = Field(default="", max_length=200)
    deliver_before: bool = False


class MealPrice(SQLModel, table=True):
    """Price of one portion of a diet, in cents of the municipality's currency."""

    __table_args__ = (UniqueConstraint("municipality_id", "diet"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    diet: str = Field(max_length=32)
    price_cents: int = Field(ge=0)


class User(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("municipality_id", "username"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    username: str = Field(max_length=80)
    password_hash: str = Field(max_length=255)
    role: Role
    locale: str | None = Field(default=None, max_length=16)
    caregiver_id: int | None = Field(default=None, foreign_key="caregiver.id")
    driver_id: int | None = Field(default=None, foreign_key="driver.id")
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class EscalationMember(SQLModel, table=True):
    """One place on the municipality's escalation list for unacknowledged welfare alerts."""

    __table_args__ = (
        UniqueConstraint("municipality_id", "position"),
        UniqueConstraint("municipality_id", "user_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    position: int = Field(ge=1, description="1 is asked first after the dispatchers on duty.")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
