"""Clients (people served at home) and their emergency contacts. Sensitive personal data."""

from datetime import time

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.base import ClientStatus, Diet, tenant_fk
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


class Client(ClientBase, table=True):
    __table_args__ = (UniqueConstraint("municipality_id", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    kitchen_id: int | None = Field(default=None, foreign_key="kitchen.id", index=True)
    pickup_point_id: int | None = Field(default=None, foreign_key="pickuppoint.id")
    pseudonym: str | None = Field(default=None, max_length=64, description="Set on erasure.")


class EmergencyContact(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    client_id: int = Field(foreign_key="client.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=120)
    phone: str = Field(max_length=40)
    relation: str = Field(default="", max_length=60)
