"""The clock's own records: each due run of a clock job, and the lease that lets one clock of
several run them.

A `ClockJob` row is written when a job falls due, before anything is done for it, and closed
(`done_at`) in the transaction of the job's effect: the freeze of a cut-off, the morning's
freeze and plan request, the publication of the day. An open row past its retry time is run
again, so a clock killed mid-job, a database error or a clock that was down loses nothing.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.base import enum_text, tenant_fk


class ClockAction(StrEnum):
    """What a clock job does; each is also the outbox task its event asks for."""

    cutoff = "cutoff"
    morning = "morning"
    publish = "publish"


class ClockJob(SQLModel, table=True):
    """One due run of one job: a municipality's action (for a service) on a local date."""

    __table_args__ = (UniqueConstraint("municipality_id", "action", "service", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = tenant_fk()
    action: ClockAction = enum_text(ClockAction, 16)
    service: str = Field(default="", max_length=16, description="Empty: the cut-off (all).")
    day: date = Field(description="The municipality's date on which the job fell due.")
    due_at: datetime
    attempts: int = 0
    failures: int = 0
    last_error: str = Field(default="", max_length=500)
    tried_at: datetime | None = None
    done_at: datetime | None = Field(default=None, index=True)
    alerted_at: datetime | None = None


class ClockLease(SQLModel, table=True):
    """Who may run the clock's jobs and relay the outbox, until when; one row per name.

    `checked_until`: every job due up to this moment has its `ClockJob` row, so the next
    holder looks for due jobs from here on (a clock down for hours catches up once)."""

    name: str = Field(primary_key=True, max_length=32)
    holder: str = Field(max_length=120)
    expires_at: datetime
    checked_until: datetime | None = None
