"""An uploaded import file waiting between its preview and "apply" (or "cancel")."""

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from scheduler.models.base import JsonObject, json_column, tenant_fk, utcnow


class ImportUpload(SQLModel, table=True):
    """The file as uploaded and the outcome its preview showed for every row.

    The file is kept, not its rows: "apply" reads and checks it again, and refuses when the
    outcomes are no longer those the person saw. Uploads expire (`expires_at`) and are removed
    when applied or cancelled.
    """

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    kind: str = Field(max_length=16, description="kitchens, vehicles, clients, caregivers, visits")
    filename: str = Field(max_length=255)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by: str = Field(max_length=80, description="The actor, as the audit log names it.")
    uploaded_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    preview: JsonObject = json_column({})
