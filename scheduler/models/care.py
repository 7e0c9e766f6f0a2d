"""Caregivers, their absences, recurring visit plans, the day's visits and check-ins."""

from datetime import date, datetime, time

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.base import (
    AbsenceKind,
    CheckInKind,
    TravelMode,
    VisitStatus,
    enum_text,
    json_column,
    tenant_fk,
    utcnow,
)
from scheduler.models.fields import (
    BreakMinutes,
    ExternalId,
    Latitude,
    Longitude,
    Name,
    Phone,
    ShiftMinutes,
    Weekdays,
)


class CaregiverBase(SQLModel):
    external_id: ExternalId
    name: Name
    phone: Phone = ""
    mode: TravelMode = TravelMode.car
    shift_start: time = Field(default=time(8, 0))
    shift_end: time = Field(default=time(16, 0))
    max_minutes: ShiftMinutes = 480
    # The most a caregiver works in a week (Monday to Sunday), all days' routes together; none:
    # only the daily limit. Planning a day takes off what the week's other days use.
    max_week_minutes: int | None = Field(default=None, gt=0, le=7 * 960)
    start_lon: Longitude
    start_lat: Latitude
    break_minutes: BreakMinutes = 30
    break_start: time = Field(default=time(12, 0), description="Earliest start of the break.")
    break_end: time = Field(default=time(14, 0), description="Latest start of the break.")
    weekdays: Weekdays = "Mon-Fri"
    active: bool = True


class Caregiver(CaregiverBase, table=True):
    __table_args__ = (UniqueConstraint("municipality_id", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    skills: list[str] = json_column([])
    # The private calendar link: only a hash is kept, the link itself is shown once.
    calendar_token_hash: str | None = Field(default=None, max_length=64, index=True)


class CaregiverAbsence(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    caregiver_id: int = Field(foreign_key="caregiver.id", index=True, ondelete="CASCADE")
    start: date
    end: date
    kind: AbsenceKind
    from_time: time | None = Field(default=None, description="Sick from this time that day.")
    reported_at: datetime = Field(default_factory=utcnow)


class VisitPlan(SQLModel, table=True):
    """A recurring home-care visit (the `visits` import file)."""

    __table_args__ = (UniqueConstraint("municipality_id", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    external_id: str = Field(max_length=64)
    client_id: int = Field(foreign_key="client.id", index=True, ondelete="CASCADE")
    weekdays: str = Field(default="Mon-Fri", max_length=40)
    window_start: time
    window_end: time
    duration_min: int = Field(gt=0, le=720)
    skills: list[str] = json_column([])
    caregivers_needed: int = Field(default=1, ge=1, le=2)
    preferred_caregivers: list[str] = json_column([])
    after_visit_id: int | None = Field(default=None, foreign_key="visitplan.id")
    min_gap_min: int | None = Field(default=None, ge=0)
    max_gap_min: int | None = Field(default=None, ge=0)
    tasks: str = Field(default="", max_length=1000)
    valid_from: date | None = None
    valid_until: date | None = None


class Visit(SQLModel, table=True):
    """One visit on one date: from a visit plan, or a one-off request."""

    __table_args__ = (UniqueConstraint("municipality_id", "external_id", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    external_id: str = Field(max_length=64)
    visit_plan_id: int | None = Field(default=None, foreign_key="visitplan.id")
    client_id: int = Field(foreign_key="client.id", index=True, ondelete="CASCADE")
    day: date = Field(index=True)
    window_start: time
    window_end: time
    duration_min: int = Field(gt=0, le=720)
    skills: list[str] = json_column([])
    caregivers_needed: int = Field(default=1, ge=1, le=2)
    preferred_caregivers: list[str] = json_column([])
    after_visit_id: int | None = Field(default=None, foreign_key="visit.id")
    min_gap_min: int | None = None
    max_gap_min: int | None = None
    tasks: str = Field(default="", max_length=1000)
    carries_meal: bool = False
    status: VisitStatus = VisitStatus.requested
    updated_at: datetime = Field(default_factory=utcnow)


class FrozenVisit(SQLModel, table=True):
    """A visit in a day's home-care freeze (see scheduler/intake/visits.py).

    `fingerprint` digests what planning reads from the visit, so that editing a frozen visit
    (a new window, a meal to carry) makes a new freeze version and so a re-plan.
    """

    __table_args__ = (UniqueConstraint("freeze_id", "visit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    freeze_id: int = Field(foreign_key="dayfreeze.id", index=True, ondelete="CASCADE")
    visit_id: int = Field(foreign_key="visit.id", ondelete="CASCADE")
    client_id: int = Field(foreign_key="client.id", ondelete="CASCADE")
    fingerprint: str = Field(max_length=64)


class VisitCheck(SQLModel, table=True):
    """A check-in or check-out on a visit, with the phone's position when it gave one."""

    __table_args__ = (UniqueConstraint("municipality_id", "client_event_id"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    visit_id: int = Field(foreign_key="visit.id", index=True, ondelete="CASCADE")
    caregiver_id: int = Field(foreign_key="caregiver.id", index=True)
    kind: CheckInKind = enum_text(CheckInKind, 8, description="in or out")
    at: datetime
    lon: float | None = None
    lat: float | None = None
    client_event_id: str = Field(max_length=64)


class VisitPin(SQLModel, table=True):
    """A dispatcher's pin: this caregiver makes the visit, at `start` when given; a visit that
    needs two people may have two pins (planning/visit_pins.py)."""

    __table_args__ = (UniqueConstraint("visit_id", "caregiver_id"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    visit_id: int = Field(foreign_key="visit.id", index=True, ondelete="CASCADE")
    caregiver_id: int = Field(foreign_key="caregiver.id", index=True, ondelete="CASCADE")
    start: time | None = Field(default=None, description="The start asked for, local time.")
    created_by: str = Field(max_length=120)
    created_at: datetime = Field(default_factory=utcnow)
