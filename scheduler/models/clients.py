"""Clients (people served at home) and their emergency contacts. Sensitive personal data."""

from datetime import datetime, time
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.base import (
    ClientStatus,
    Diet,
    JsonObject,
    enum_text,
    json_column,
    tenant_fk,
    utcnow,
)
from scheduler.models.fields import (
    Address,
    Day,
    DriverNotes,
    EntryNotes,
    ExternalId,
    Latitude,
    Longitude,
    Name,
    Phone,
    Portions,
    ServiceMinutes,
    Village,
)


class ClientBase(SQLModel):
    external_id: ExternalId
    name: Name
    address: Address = ""
    village: Village = Field(default="", sa_column_kwargs={"server_default": ""})
    lon: Longitude
    lat: Latitude
    phone: Phone = ""
    diet: Diet = Diet.general
    portions: Portions = 1
    window_start: time = Field(default=time(11, 0))
    window_end: time = Field(default=time(14, 0))
    notes: DriverNotes = Field(default="", description="Notes for the driver.")
    entry_notes: EntryNotes = Field(default="", description="Key safe, entrance.")
    lives_alone: bool = False
    # "Check on me": a "not at home" raises a welfare alert. On by default for a person living
    # alone (the repository sets it), and anyone's can be switched on or off.
    check_on_me: bool = False
    status: ClientStatus = ClientStatus.active
    consent_date: Day | None = None
    service_minutes: ServiceMinutes | None = None


class LocationSource(StrEnum):
    """Where a client's coordinates came from."""

    given = "given"  # typed in a form or a file
    geocoder = "geocoder"  # the one clear answer of the geocoder to the address
    hand = "hand"  # the dispatcher chose a candidate or placed the pin


class AddressCheck(StrEnum):
    """Whether a client's coordinates can be planned with; any but `ok` leaves them out of
    plans until the dispatcher places them (Clients > Addresses). Their lon/lat mean nothing
    then (0, 0 when none was ever known)."""

    ok = "ok"
    pending = "pending"  # entered without coordinates, the geocoder not asked yet (or down)
    ambiguous = "ambiguous"  # several places of similar importance, or none in the area
    not_found = "not_found"  # the geocoder knows no such place


class Client(ClientBase, table=True):
    __table_args__ = (UniqueConstraint("municipality_id", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    kitchen_id: int | None = Field(default=None, foreign_key="kitchen.id", index=True)
    pickup_point_id: int | None = Field(default=None, foreign_key="pickuppoint.id")
    pseudonym: str | None = Field(default=None, max_length=64, description="Set on erasure.")
    location_source: LocationSource = enum_text(LocationSource, 16, default=LocationSource.given)
    address_check: AddressCheck = enum_text(AddressCheck, 16, default=AddressCheck.ok)


class GeocodeAnswer(SQLModel, table=True):
    """The geocoder's answer to one normalised query of a municipality, kept for good: the
    same address is never asked twice (Nominatim's usage policy), and the places it gave are
    the candidates the dispatcher chooses from."""

    __table_args__ = (UniqueConstraint("municipality_id", "query"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    query: str = Field(max_length=400)
    # [{"lat", "lon", "display_name", "importance", "place_rank", "kind"}], best first
    places: list[JsonObject] = json_column([])
    asked_at: datetime = Field(default_factory=utcnow)


class EmergencyContact(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    client_id: int = Field(foreign_key="client.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=120)
    phone: str = Field(max_length=40)
    relation: str = Field(default="", max_length=60)
