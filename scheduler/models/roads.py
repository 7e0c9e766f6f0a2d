"""Travel-matrix rows kept between plans: road times barely change, clients' homes rarely do."""

from __future__ import annotations

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.base import tenant_fk


class MatrixRow(SQLModel, table=True):
    """One origin's row of a municipality's travel matrix for one profile and one source.

    `source` names where the times came from ("greatcircle", "valhalla:<build>"): a new road
    build is a new source, and rows of any other source are dropped. Every point of the
    (municipality, profile, source) matrix has a `position`; `seconds` and `metres` hold the
    row as little-endian int32, the value at byte 4*j being the travel to the point at
    position j, so a row grows at its end when new points come.
    """

    __table_args__ = (UniqueConstraint("municipality_id", "profile", "source", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    profile: str = Field(max_length=16)
    source: str = Field(max_length=120)
    position: int = Field(ge=0)
    lon: float
    lat: float
    seconds: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    metres: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
