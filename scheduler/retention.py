"""How long the records of access are kept: page sessions and sign-in attempts.

Every sign-in writes an attempt row and every browser a session row; without upkeep both
grow without end. Rows older than `access_records_keep_days` (settings; 90 by default) are
deleted: by then a session has long expired (it lives `session_max_age_s`), and the attempts
have served both the sign-in pause (minutes) and the audit of failed sign-ins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from scheduler.repositories.sessions import prune_page_sessions
from scheduler.repositories.signins import prune_signin_attempts
from scheduler.settings import Settings


@dataclass(frozen=True)
class Pruned:
    sessions: int
    signin_attempts: int


def prune_access_records(now: datetime, settings: Settings, *, session: Session) -> Pruned:
    """Delete the sessions and sign-in attempts older than the retention; the caller commits."""
    keep = timedelta(days=settings.access_records_keep_days)
    # Never a session that could still be alive, whatever the two settings say.
    session_keep = max(keep, timedelta(seconds=settings.session_max_age_s))
    return Pruned(
        sessions=prune_page_sessions(now - session_keep, session=session),
        signin_attempts=prune_signin_attempts(now - keep, session=session),
    )
