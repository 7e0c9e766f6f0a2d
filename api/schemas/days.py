"""Plans, routes, stops, events, alerts, and the day as the dispatcher's board sees it."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.schemas.pins import PinPublic
from scheduler.models import JsonObject, Service, StopStatus
from scheduler.welfare import WelfareDetail


class PlanPublic(BaseModel):
    id: int
    day: date
    service: Service
    current_version: int
    published_version: int


class RoutePublic(BaseModel):
    id: int
    plan_version_id: int
    resource: str
    vehicle_id: int | None
    caregiver_id: int | None
    distance: int
    duration: int
    start_s: int
    end_s: int


class StopPublic(BaseModel):
    id: int
    route_id: int
    seq: int
    kind: str
    job_id: str | None
    client_id: int | None
    order_id: int | None
    visit_id: int | None
    trip: int
    arrival_s: int
    start_s: int
    departure_s: int
    late_s: int
    status: StopStatus
    confirmed_at: datetime | None
    note: str


class EventPublic(BaseModel):
    id: int
    kind: str
    day: date | None
    service: Service | None
    payload: JsonObject
    actor: str
    occurred_at: datetime
    processed_at: datetime | None


class AlertPublic(BaseModel):
    id: int
    kind: str
    severity: str
    message: str
    client_id: int | None
    stop_id: int | None
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    ack_note: str = Field(default="", description="What the person who took it did.")
    step: int = Field(default=0, description="Escalation step: 0 = the dispatchers on duty.")
    welfare: WelfareDetail | None = Field(default=None, description="A welfare alert's facts.")
    text: str = Field(default="", description="The alert in the reader's language.")


class AckIn(BaseModel):
    note: str = Field(
        default="",
        max_length=500,
        description="What happened (reached by phone, a neighbour checked, ambulance called); "
        "required for a welfare alert.",
    )


class Requested(BaseModel):
    event_id: int
    new: bool = Field(description="False when the same request was already recorded.")


class ActionIn(BaseModel):
    request_id: str = Field(
        default="",
        max_length=40,
        pattern=r"^[A-Za-z0-9_.:-]*$",
        description="Makes a retried click harmless: the same id is recorded once.",
    )


class ReportPosition(BaseModel):
    """The phone's position with a report (sent only with its holder's leave)."""

    lat: float
    lon: float
    accuracy_m: float | None
    distance_m: int = Field(description="From the client's address, in metres.")


class BoardStop(BaseModel):
    stop_id: int
    seq: int
    name: str
    lat: float
    lon: float
    time: str
    status: StopStatus
    note: str
    lives_alone: bool
    client_id: int
    pinned: bool = Field(default=False, description="The dispatcher pinned it (see pins).")
    reported_at: ReportPosition | None = Field(
        default=None, description="Where the phone was when the stop was reported, if it said."
    )


class BoardHolder(BaseModel):
    """A driver of the route's van, or its caregiver: whom the board sends a personal link."""

    holder: str = Field(description="driver or caregiver")
    holder_id: int
    name: str


class BoardRoute(BaseModel):
    route_id: int
    resource: str = Field(description="The van's or caregiver's code, e.g. V01.")
    name: str = Field(description="The van's or caregiver's name (the code when it has none).")
    people: list[str] = Field(description="The van's drivers by name.")
    vehicle_id: int | None
    start: list[float] | None = Field(description="[lat, lon] of the start (kitchen).")
    distance_km: float
    duration_min: int
    stops: list[BoardStop]
    link: str = Field(description="The signed day link, once the day is published.")
    holders: list[BoardHolder] = Field(
        default_factory=list, description="Who follows the route (for their personal link)."
    )


class BoardVan(BaseModel):
    id: int
    resource: str
    name: str


class BoardUnassigned(BaseModel):
    job_id: str
    name: str
    reason: str
    explanation: str


class BoardChange(BaseModel):
    """What the unpublished version changes on one route against the published one."""

    resource: str
    added: list[str] = Field(description="Clients now on this route, not before.")
    removed: list[str] = Field(description="Clients taken off it (cancelled ones included).")
    cancelled: list[str]
    moved: list[str] = Field(description="Clients in a new place or trip on it.")


class DayBoard(BaseModel):
    day: date
    service: Service
    state: str = Field(description="none, planning, planned or published")
    current_version: int
    published_version: int
    counts: dict[str, int] = Field(description="Orders or visits of the day by status.")
    resources: list[str]
    routes: list[BoardRoute]
    unassigned: list[BoardUnassigned]
    alerts: list[AlertPublic]
    summary: dict[str, float]
    vans: list[BoardVan] = Field(default_factory=list, description="Vans a stop can be pinned to.")
    pins: list[PinPublic] = Field(default_factory=list)
    changes: list[BoardChange] = Field(
        default_factory=list,
        description="A re-plan of a published day waiting for Publish: its changes per route.",
    )


class RouteShape(BaseModel):
    route_id: int
    resource: str
    shape: list[list[float]] = Field(
        description="[lon, lat] points along the route from its start to its end: the roads "
        "where the travel provider draws them, else straight segments between the stops."
    )


class DayShapes(BaseModel):
    """The lines the board's map draws, and the part of the map the municipality covers."""

    routes: list[RouteShape]
    bounds: list[list[float]] | None = Field(
        description="[[west, south], [east, north]] around the municipality's places "
        "(kitchens, clients, caregivers' homes); null when it has none."
    )
