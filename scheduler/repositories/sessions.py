"""Page sessions kept server-side, so that signing out ends a session at once.

The browser's cookie is signed, but a signed cookie alone stays valid until it expires: a
copy taken before signing out would still work. So the cookie carries only a random key,
the row here says whether that key still counts, and ending a session is an update of rows
(one session on signing out; all of a user's on a new password, deactivation or "sign out
everywhere"). Only the key's SHA-256 is stored, so a leaked database opens no session.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from scheduler.models import PageSession, User


@dataclass(frozen=True)
class StartedSession:
    row: PageSession
    key: str  # goes into the signed cookie, never stored


def start_session(user: User, address: str, now: datetime, *, session: Session) -> StartedSession:
    assert user.id is not None
    key = secrets.token_urlsafe(32)
    row = PageSession(
        municipality_id=user.municipality_id,
        user_id=user.id,
        key_hash=_digest(key),
        address=address[:64],
        created_at=now,
    )
    session.add(row)
    session.flush()
    return StartedSession(row, key)


def live_session(
    key: str, now: datetime, max_age_s: int, *, session: Session
) -> PageSession | None:
    """The session this key opens if it was not ended and is younger than `max_age_s`."""
    row = session.exec(select(PageSession).where(PageSession.key_hash == _digest(key))).first()
    if row is None or row.ended_at is not None:
        return None
    return row if now - row.created_at < timedelta(seconds=max_age_s) else None


def end_session(key: str, now: datetime, *, session: Session) -> None:
    """End the one session of this key (signing out); nothing if it has ended already."""
    session.execute(
        update(PageSession)
        .where(col(PageSession.key_hash) == _digest(key), col(PageSession.ended_at).is_(None))
        .values(ended_at=now)
    )


def end_user_sessions(
    municipality_id: int, user_id: int, now: datetime, *, session: Session, keep: str = ""
) -> int:
    """End every session of the user except the one of `keep` (the caller's own, when the
    caller changes their own password); how many ended."""
    query = (
        update(PageSession)
        .where(
            col(PageSession.municipality_id) == municipality_id,
            col(PageSession.user_id) == user_id,
            col(PageSession.ended_at).is_(None),
        )
        .values(ended_at=now)
    )
    if keep:
        query = query.where(col(PageSession.key_hash) != _digest(keep))
    result = session.execute(query)
    return int(getattr(result, "rowcount", 0) or 0)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def prune_page_sessions(before: datetime, *, session: Session) -> int:
    """Delete the sessions started before `before` (long dead: far older than any session may
    live); how many. Every municipality at once: this is the database's upkeep, not a town's."""
    result = session.execute(delete(PageSession).where(col(PageSession.created_at) < before))
    return int(getattr(result, "rowcount", 0) or 0)
