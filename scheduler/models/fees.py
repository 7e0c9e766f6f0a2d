"""What a client pays: prices with the date they apply from, and reductions per client."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.base import tenant_fk, utcnow


class DatedPrice(SQLModel, table=True):
    """Price of one portion of `kind` (a diet of the meals service) from `valid_from` on, until
    the next row of the same kind; before the first row the undated `MealPrice` applies."""

    __table_args__ = (UniqueConstraint("municipality_id", "service", "kind", "valid_from"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    service: str = Field(max_length=32)
    kind: str = Field(max_length=32)
    valid_from: date
    price_cents: int = Field(ge=0)
    created_at: datetime = Field(default_factory=utcnow)


class FeeReduction(SQLModel, table=True):
    """An exemption or reduced fee of one client from `start` to `end` (open when None):
    `percent` off every charged line (100 is an exemption), or `cents_off` each portion."""

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    client_id: int = Field(foreign_key="client.id", index=True, ondelete="CASCADE")
    start: date
    end: date | None = None
    percent: int | None = Field(default=None, ge=1, le=100)
    cents_off: int | None = Field(default=None, ge=1)
    reason: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
