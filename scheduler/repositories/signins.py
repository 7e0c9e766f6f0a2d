"""Sign-in attempts: the record of who tried to sign in, from where, when, and how it went,
and the pause that follows too many wrong passwords.

Kept in the database, not in a process's memory, so the count holds across the API's
processes and restarts, and the rows are the audit of failed sign-ins. Wrong passwords are
counted per account (whatever address they come from: a slow guesser rotating addresses)
and per address (one address trying many accounts). A refused attempt is recorded but not
counted, so a guesser who keeps knocking does not lock the real user out for longer; a
successful sign-in clears the account's count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete
from sqlmodel import Session, col, select

from scheduler.models import SignInAttempt

OK, WRONG, THROTTLED = "ok", "wrong", "throttled"


@dataclass(frozen=True)
class Throttle:
    """How many wrong passwords within `window` pause sign-in, per account and per address."""

    per_account: int
    per_address: int
    window: timedelta


def account_key(municipality_id: int | None, municipality: str, username: str) -> str:
    """What an attempt is counted against: the found municipality's id, else what was typed
    (so names in unknown towns are throttled too), and the user name as typed."""
    town = str(municipality_id) if municipality_id is not None else municipality.strip().casefold()
    return f"{town}/{username.strip()}"[:210]


def record_attempt(
    account: str,
    address: str,
    outcome: str,
    now: datetime,
    *,
    session: Session,
    municipality_id: int | None = None,
) -> SignInAttempt:
    row = SignInAttempt(
        municipality_id=municipality_id,
        account=account[:210],
        address=address[:64],
        outcome=outcome,
        at=now,
    )
    session.add(row)
    session.flush()
    return row


def paused_until(
    account: str, address: str, now: datetime, rule: Throttle, *, session: Session
) -> datetime | None:
    """When sign-in may be tried again for this account from this address, or None if now.

    Paused while the window holds `per_account` wrong passwords for the account since its
    last success, or `per_address` from the address; it ends a window after the failure
    that reached the limit, when that one leaves the window."""
    since = now - rule.window
    last_ok = session.exec(
        select(SignInAttempt.at)
        .where(SignInAttempt.account == account, SignInAttempt.outcome == OK)
        .where(col(SignInAttempt.at) > since)
        .order_by(col(SignInAttempt.at).desc())
    ).first()
    by_account = _failures(SignInAttempt.account == account, max(since, last_ok or since), session)
    by_address = _failures(SignInAttempt.address == address, since, session)
    ends = [
        times[limit - 1] + rule.window
        for times, limit in ((by_account, rule.per_account), (by_address, rule.per_address))
        if len(times) >= limit
    ]
    return max(ends) if ends else None


def _failures(
    where: ColumnElement[bool] | bool, since: datetime, session: Session
) -> list[datetime]:
    """When the wrong passwords matching `where` happened after `since`, newest first."""
    query = (
        select(SignInAttempt.at)
        .where(where, SignInAttempt.outcome == WRONG, col(SignInAttempt.at) > since)
        .order_by(col(SignInAttempt.at).desc())
    )
    return list(session.exec(query))


def recent_attempts(account: str, *, session: Session, limit: int = 50) -> list[SignInAttempt]:
    """The latest attempts on an account, newest first (the audit's view)."""
    query = select(SignInAttempt).where(SignInAttempt.account == account)
    return list(session.exec(query.order_by(col(SignInAttempt.id).desc()).limit(limit)))


def prune_signin_attempts(before: datetime, *, session: Session) -> int:
    """Delete the attempts made before `before`; how many. Every municipality at once (an
    attempt on a municipality that does not exist has none)."""
    result = session.execute(delete(SignInAttempt).where(col(SignInAttempt.at) < before))
    return int(getattr(result, "rowcount", 0) or 0)
