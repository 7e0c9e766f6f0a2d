"""Plans: one per date and service, with versions, routes, stops and what was left unassigned."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.base import (
    JsonObject,
    Service,
    StopKind,
    StopStatus,
    enum_text,
    json_column,
    tenant_fk,
    utcnow,
)


class Plan(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("municipality_id", "day", "service"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    day: date = Field(index=True)
    service: Service = enum_text(Service, 16)
    current_version: int = 0
    published_version: int = 0


class PlanVersion(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    version: int = Field(ge=1)
    freeze_id: int | None = Field(default=None, foreign_key="dayfreeze.id")
    reason: str = Field(default="initial", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    summary: dict[str, float] = json_column({})
    moved_stops: int = 0
    solve_seconds: float = 0.0
    held: bool = Field(
        default=False,
        description="A dispatcher's re-plan of a published day: it goes to the phones only "
        "when the dispatcher publishes it, after seeing what it changes.",
    )


class Route(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    plan_version_id: int = Field(foreign_key="planversion.id", index=True, ondelete="CASCADE")
    resource: str = Field(max_length=64, description="The van's or caregiver's external id.")
    vehicle_id: int | None = Field(default=None, foreign_key="vehicle.id")
    caregiver_id: int | None = Field(default=None, foreign_key="caregiver.id")
    distance: int = 0
    duration: int = 0
    start_s: int = 0
    end_s: int = 0


class Stop(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    route_id: int = Field(foreign_key="route.id", index=True, ondelete="CASCADE")
    seq: int
    kind: StopKind = enum_text(StopKind, 8, description="start, job, break, reload or end")
    job_id: str | None = Field(default=None, max_length=64)
    client_id: int | None = Field(default=None, foreign_key="client.id")
    order_id: int | None = Field(default=None, foreign_key="mealorder.id")
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
    trip: int = 1
    arrival_s: int = 0
    start_s: int = 0
    departure_s: int = 0
    late_s: int = 0
    load: list[int] = json_column([])
    status: StopStatus = StopStatus.planned
    confirmed_at: datetime | None = None
    note: str = Field(default="", max_length=500)
    # Where the phone was when the report was made, if its holder allowed it (never required).
    report_lat: float | None = Field(default=None, ge=-90, le=90)
    report_lon: float | None = Field(default=None, ge=-180, le=180)
    report_accuracy_m: float | None = Field(default=None, ge=0)


class Unassigned(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    plan_version_id: int = Field(foreign_key="planversion.id", index=True, ondelete="CASCADE")
    job_id: str = Field(max_length=64)
    client_id: int | None = Field(default=None, foreign_key="client.id")
    order_id: int | None = Field(default=None, foreign_key="mealorder.id")
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
    reason: str = Field(max_length=32)
    explanation: str = Field(default="", max_length=500)
    # The explanation as catalog messages and values (scheduler.wording.Said), worded per reader.
    detail: JsonObject = json_column({})


class RoutePin(SQLModel, table=True):
    """A dispatcher's pin: on this day and service, the client's stop rides with this van, in
    the order of `position` among the van's other pins (planning/pins.py)."""

    __table_args__ = (UniqueConstraint("municipality_id", "day", "service", "client_id"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    day: date = Field(index=True)
    service: Service = enum_text(Service, 16)
    client_id: int = Field(foreign_key="client.id", index=True, ondelete="CASCADE")
    vehicle_id: int = Field(foreign_key="vehicle.id", index=True, ondelete="CASCADE")
    position: int = Field(ge=1, description="The place asked for in the van's route, 1 first.")
    created_by: str = Field(max_length=120)
    created_at: datetime = Field(default_factory=utcnow)
