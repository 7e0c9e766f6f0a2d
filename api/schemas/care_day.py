"""The home-care day through the API: a caregiver's day, attendance, hours, absences, sick
reports, one-off visit requests and calendar links.

The public shapes mirror the scheduler's dataclasses field by field; the `of` constructors only
copy (and add the flags the scheduler computes as properties), they decide nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from pydantic import BaseModel, Field

from scheduler.models import AbsenceKind
from scheduler.models.fields import Day
from scheduler.planning.care_changes import CareChanges, VisitChange
from scheduler.reports.attendance import HoursLine, MonthlyHours, VisitAttendance
from scheduler.wording import Wording

DbId = Annotated[int, Field(ge=1, le=2**31 - 1)]
REQUEST_ID = r"^[A-Za-z0-9_.:-]*$"


class DayVisitPublic(BaseModel):
    stop_id: int | None
    visit_id: int
    external_id: str
    start: str = Field(description="HH:MM, local wall clock.")
    end: str
    start_s: int = Field(description="Seconds from local midnight.")
    end_s: int
    window: str = Field(description="The promised start window, e.g. 08:00-09:00.")
    client: str
    address: str
    phone: str
    lon: float
    lat: float
    tasks: str
    notes: str
    partner: str | None = Field(description="The other caregiver on a visit for two.")
    lunch: str | None = Field(description="The lunch to bring, e.g. `1 x diabetic`.")
    status: str


class CaregiverDayPublic(BaseModel):
    caregiver_id: int
    caregiver: str = Field(description="The caregiver's external id.")
    name: str
    day: date
    plan_version: int | None = Field(description="None while the day has no plan.")
    published: bool
    visits: list[DayVisitPublic]
    lunch_break: tuple[str, str] | None
    lunch_break_s: tuple[int, int] | None
    planned_at: datetime | None


class PresencePublic(BaseModel):
    caregiver_id: int
    caregiver: str
    checked_in: str
    checked_out: str | None
    minutes: int | None = Field(description="None while checked in and not out.")
    away_m: int | None = Field(description="Metres from the client at check-in.")


class VisitAttendancePublic(BaseModel):
    visit_id: int
    external_id: str
    day: date
    client_id: int
    client: str
    window: str
    duration_min: int
    caregivers_needed: int
    presences: list[PresencePublic]
    late_min: int
    minutes: int
    late: bool
    missed: bool
    too_short: bool
    far: bool
    open: bool

    @classmethod
    def of(cls, row: VisitAttendance) -> VisitAttendancePublic:
        return cls(
            visit_id=row.visit_id,
            external_id=row.external_id,
            day=row.day,
            client_id=row.client_id,
            client=row.client,
            window=row.window,
            duration_min=row.duration_min,
            caregivers_needed=row.caregivers_needed,
            presences=[
                PresencePublic.model_validate(p, from_attributes=True) for p in row.presences
            ],
            late_min=row.late_min,
            minutes=row.minutes,
            late=row.late,
            missed=row.missed,
            too_short=row.too_short,
            far=row.far,
            open=row.open,
        )


class HoursLinePublic(BaseModel):
    external_id: str
    name: str
    visits: int
    minutes: int
    late: int
    too_short: int
    missed: int
    open: int


class MonthlyHoursPublic(BaseModel):
    month: str
    client_minutes: int
    caregiver_minutes: int
    clients: list[HoursLinePublic]
    caregivers: list[HoursLinePublic]

    @classmethod
    def of(cls, hours: MonthlyHours) -> MonthlyHoursPublic:
        def lines(rows: list[HoursLine]) -> list[HoursLinePublic]:
            return [HoursLinePublic.model_validate(r, from_attributes=True) for r in rows]

        return cls(
            month=hours.month,
            client_minutes=hours.client_minutes,
            caregiver_minutes=hours.caregiver_minutes,
            clients=lines(hours.clients),
            caregivers=lines(hours.caregivers),
        )


class AbsenceCreate(BaseModel):
    caregiver_id: DbId
    start: Day
    end: Day
    kind: AbsenceKind
    from_time: time | None = Field(default=None, description="Sick leave only: from this time.")
    request_id: str = Field(default="", max_length=40, pattern=REQUEST_ID)


class AbsencePublic(BaseModel):
    id: int
    caregiver_id: int
    start: date
    end: date
    kind: AbsenceKind
    from_time: time | None
    reported_at: datetime


class SickIn(BaseModel):
    day: Day
    from_time: time | None = Field(default=None, description="Sick from this time that day.")
    until: Day | None = Field(default=None, description="Last day of the sick leave [day].")
    request_id: str = Field(default="", max_length=40, pattern=REQUEST_ID)


class VisitChangePublic(BaseModel):
    visit_id: int
    external_id: str
    client: str
    before: list[str] = Field(description="Caregivers' names in the version followed before.")
    after: list[str] = Field(description="In the new version; empty when not covered.")
    start: str | None
    why: str = Field(description="Why nobody took it, in the reader's language.")
    sentence: str = Field(description="The change in a sentence, in the reader's language.")

    @classmethod
    def of(cls, change: VisitChange, words: Wording | None = None) -> VisitChangePublic:
        return cls(
            visit_id=change.visit_id,
            external_id=change.external_id,
            client=change.client,
            before=list(change.before),
            after=list(change.after),
            start=change.start,
            why=change.reason(words),
            sentence=change.sentence(words),
        )


class CareChangesPublic(BaseModel):
    day: date
    before_version: int
    after_version: int
    kept: list[VisitChangePublic]
    moved: list[VisitChangePublic]
    not_covered: list[VisitChangePublic]

    @classmethod
    def of(cls, changes: CareChanges, words: Wording | None = None) -> CareChangesPublic:
        return cls(
            day=changes.day,
            before_version=changes.before_version,
            after_version=changes.after_version,
            kept=[VisitChangePublic.of(c, words) for c in changes.kept],
            moved=[VisitChangePublic.of(c, words) for c in changes.moved],
            not_covered=[VisitChangePublic.of(c, words) for c in changes.uncovered],
        )


class SickReportPublic(BaseModel):
    caregiver_id: int
    day: date
    absence: AbsencePublic | None
    replanning: bool = Field(description="A re-plan of the day is asked for and not made yet.")
    changes: CareChangesPublic | None = Field(
        description="Kept, moved and not covered visits; None until a re-plan was made."
    )


class VisitRequestCreate(BaseModel):
    """A one-off visit on one date (or a change to the one with this external id)."""

    day: Day
    external_id: str = Field(min_length=1, max_length=62)
    client_id: DbId
    window_start: time = Field(description="Earliest start of the visit.")
    window_end: time = Field(description="Latest start of the visit.")
    duration_min: int = Field(gt=0, le=720)
    skills: list[str] = Field(default_factory=list, max_length=40)
    caregivers_needed: int = Field(default=1, ge=1, le=2)
    preferred_caregivers: list[str] = Field(default_factory=list, max_length=40)
    after_visit_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    min_gap_min: int | None = Field(default=None, ge=0, le=1440)
    max_gap_min: int | None = Field(default=None, ge=0, le=1440)
    tasks: str = Field(default="", max_length=1000)
    force: bool = Field(default=False, description="Past the cut-off (dispatchers only).")
    request_id: str = Field(default="", max_length=40, pattern=REQUEST_ID)


class VisitCancel(BaseModel):
    reason: str = Field(default="", max_length=200)
    force: bool = False
    request_id: str = Field(default="", max_length=40, pattern=REQUEST_ID)


class MealCarry(BaseModel):
    carry: bool = Field(default=True, description="False gives the lunch back to the vans.")
    force: bool = False
    request_id: str = Field(default="", max_length=40, pattern=REQUEST_ID)


class CalendarLink(BaseModel):
    token: str = Field(description="Shown once; only its hash is kept.")
    url: str = Field(description="The private iCalendar URL a phone subscribes to.")
