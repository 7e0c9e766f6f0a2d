"""Signing in with a password: the pause after too many wrong ones, and the record of each try.

Every attempt is a row (scheduler/repositories/signins.py), so the pause holds across the
API's processes; a failed one in a known municipality also goes to that municipality's
audit log, where its admins look. The caller passes the clock, so tests move time instead of
waiting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from scheduler.audit import audit
from scheduler.models import User
from scheduler.repositories import signins
from scheduler.repositories.tenancy import find_municipality
from scheduler.repositories.users import authenticate
from scheduler.settings import Settings


@dataclass(frozen=True)
class SignIn:
    """The user signed in, or None; when paused, how many seconds until the next try."""

    user: User | None
    retry_after_s: int = 0


def throttle(settings: Settings) -> signins.Throttle:
    return signins.Throttle(
        per_account=settings.signin_max_failures,
        per_address=settings.signin_max_failures_per_address,
        window=timedelta(seconds=settings.signin_window_s),
    )


def sign_in(
    municipality: str,
    username: str,
    password: str,
    *,
    address: str,
    now: datetime,
    settings: Settings,
    session: Session,
) -> SignIn:
    """Check the password unless sign-in is paused for this account or address; record it."""
    town = find_municipality(municipality, session=session)
    mid = town.id if town is not None else None
    account = signins.account_key(mid, municipality, username)
    until = signins.paused_until(account, address, now, throttle(settings), session=session)
    if until is not None:
        _failed(account, address, signins.THROTTLED, now, mid, username, session)
        return SignIn(None, max(1, math.ceil((until - now).total_seconds())))
    user = authenticate(municipality, username, password, session=session)
    if user is None:
        _failed(account, address, signins.WRONG, now, mid, username, session)
        return SignIn(None)
    signins.record_attempt(account, address, signins.OK, now, session=session,
                           municipality_id=mid)  # fmt: skip
    entry = audit(
        user.municipality_id,
        session=session,
        actor=f"user:{user.username}",
        action="sign_in",
        entity="user",
        entity_id=user.id,
        detail={"address": address},
    )
    entry.at = now
    return SignIn(user)


def _failed(
    account: str,
    address: str,
    outcome: str,
    now: datetime,
    municipality_id: int | None,
    username: str,
    session: Session,
) -> None:
    signins.record_attempt(account, address, outcome, now, session=session,
                           municipality_id=municipality_id)  # fmt: skip
    if municipality_id is not None:
        entry = audit(
            municipality_id,
            session=session,
            actor=f"address:{address}",
            action="sign_in_failed" if outcome == signins.WRONG else "sign_in_paused",
            entity="user",
            entity_id=username.strip(),
            detail={"address": address},
        )
        entry.at = now
