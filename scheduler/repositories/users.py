"""Users, their passwords (argon2) and their bearer tokens, always within one municipality.

Usernames are unique per municipality, so signing in names the municipality too. A token is
shown once when made; only its SHA-256 is stored, so a leaked database reveals no token. A
token expires (`expires_at`); a new password or deactivation ends the user's page sessions.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, select

from scheduler.errors import NotFoundError
from scheduler.models import ApiToken, Caregiver, Driver, Role, User
from scheduler.models.base import utcnow
from scheduler.refusals import Reason, refuse
from scheduler.repositories.common import get_owned
from scheduler.repositories.sessions import end_user_sessions
from scheduler.repositories.tenancy import find_municipality

_hasher = PasswordHasher()
TOKEN_PREFIX = "pat_"
MIN_PASSWORD = 8
# Verified against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise refuse("password", Reason.too_short, n=MIN_PASSWORD)
    return _hasher.hash(password)


def create_user(
    municipality_id: int,
    *,
    session: Session,
    username: str,
    password: str,
    role: Role,
    locale: str | None = None,
    caregiver_id: int | None = None,
    driver_id: int | None = None,
) -> User:
    username = username.strip()
    if not username:
        raise refuse("username", Reason.empty)
    if find_user(municipality_id, username, session=session) is not None:
        raise refuse("username", Reason.already_exists, value=repr(username))
    user = User(
        municipality_id=municipality_id,
        username=username,
        password_hash=hash_password(password),
        role=role,
        locale=locale,
        caregiver_id=caregiver_id,
        driver_id=driver_id,
    )
    session.add(user)
    session.flush()
    return user


def find_user(municipality_id: int, username: str, *, session: Session) -> User | None:
    return session.exec(
        select(User).where(User.municipality_id == municipality_id, User.username == username)
    ).first()


def get_user(municipality_id: int, user_id: int, *, session: Session) -> User:
    user = session.get(User, user_id)
    if user is None or user.municipality_id != municipality_id:
        raise NotFoundError("user", user_id)
    return user


def list_users(municipality_id: int, *, session: Session) -> list[User]:
    query = select(User).where(User.municipality_id == municipality_id).order_by(col(User.id))
    return list(session.exec(query))


def authenticate(
    municipality: str, username: str, password: str, *, session: Session
) -> User | None:
    """The active user with this name and password in the named municipality, else None.
    The municipality may be written any way `find_municipality` understands ("казанлък")."""
    town = find_municipality(municipality, session=session)
    user = find_user(town.id, username, session=session) if town and town.id else None
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        return None
    if not _verify(user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        session.add(user)
    return user


def set_password(user: User, password: str, *, session: Session, keep: str = "") -> None:
    """A new password ends the user's page sessions, all but the one of `keep` (the key of
    the session that changed its own password): whoever knew the old one is out."""
    assert user.id is not None
    user.password_hash = hash_password(password)
    session.add(user)
    end_user_sessions(user.municipality_id, user.id, utcnow(), session=session, keep=keep)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once to the caller, never stored


def issue_token(
    user: User, name: str, *, session: Session, expires_at: datetime | None = None
) -> IssuedToken:
    """A new token for the user; `expires_at` None makes one that never expires (the API
    always gives one: see `TokenCreate`)."""
    assert user.id is not None
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        municipality_id=user.municipality_id,
        user_id=user.id,
        name=name,
        token_hash=_digest(secret),
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    return IssuedToken(token, secret)


def user_for_token(secret: str, *, session: Session, now: datetime | None = None) -> User | None:
    """The active user behind a bearer token that is neither revoked nor expired, else None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = now or utcnow()
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(secret))).first()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.active or user.municipality_id != token.municipality_id:
        return None
    token.last_used_at = now
    session.add(token)
    return user


def list_tokens(municipality_id: int, *, session: Session) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.municipality_id == municipality_id)
    return list(session.exec(query.order_by(col(ApiToken.id))))


def revoke_token(municipality_id: int, token_id: int, *, session: Session) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or token.municipality_id != municipality_id:
        raise NotFoundError("token", token_id)
    token.revoked_at = token.revoked_at or utcnow()
    session.add(token)
    return token


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def find_user_by_id(municipality_id: int, user_id: int, *, session: Session) -> User | None:
    """The user with this id if it is in the municipality, else None (a page session that
    names a user of another town is simply not signed in)."""
    user = session.get(User, user_id)
    return user if user is not None and user.municipality_id == municipality_id else None


CHANGEABLE = ("role", "locale", "active", "password")  # what an admin may change on a user


def update_user(
    municipality_id: int, user_id: int, changes: Mapping[str, Any], *, session: Session
) -> User:
    """Apply an admin's partial change to a user of the municipality.

    A field given as None is left as it is, except `locale`, where None means "follow the
    municipality's language again". A new password is hashed like any other; it, and
    deactivation, end every page session of the user (a stolen cookie stops working)."""
    unknown = sorted(set(changes) - set(CHANGEABLE))
    if unknown:
        raise refuse(unknown[0], Reason.cannot_change)
    user = get_user(municipality_id, user_id, session=session)
    values = dict(changes)
    password = values.pop("password", None)
    for name, value in values.items():
        if value is not None or name == "locale":
            setattr(user, name, value)
    if password:
        set_password(user, password, session=session)
    if values.get("active") is False:
        end_user_sessions(municipality_id, user_id, utcnow(), session=session)
    session.add(user)
    return user


def set_locale(municipality_id: int, user_id: int, locale: str | None, *, session: Session) -> User:
    """The user's own language, or None to follow the municipality's."""
    user = get_user(municipality_id, user_id, session=session)
    user.locale = locale
    session.add(user)
    return user


def link_user(
    municipality_id: int,
    user_id: int,
    *,
    session: Session,
    driver_id: int | None = None,
    caregiver_id: int | None = None,
) -> User:
    """Link a user to the driver or caregiver whose day they follow (one of the two), or,
    with neither, unlink them. Both must be of the user's municipality."""
    if driver_id is not None and caregiver_id is not None:
        raise refuse("driver_id", Reason.one_not_both, first="driver_id", second="caregiver_id")
    user = get_user(municipality_id, user_id, session=session)
    if driver_id is not None:
        get_owned(Driver, municipality_id, driver_id, session=session)
    if caregiver_id is not None:
        get_owned(Caregiver, municipality_id, caregiver_id, session=session)
    user.driver_id, user.caregiver_id = driver_id, caregiver_id
    session.add(user)
    session.flush()
    return user


def user_of_holder(
    municipality_id: int,
    *,
    driver_id: int | None = None,
    caregiver_id: int | None = None,
    session: Session,
) -> User | None:
    """The account linked to this driver or caregiver (the first, if several are)."""
    query = select(User).where(User.municipality_id == municipality_id)
    if driver_id is not None:
        query = query.where(User.driver_id == driver_id)
    elif caregiver_id is not None:
        query = query.where(User.caregiver_id == caregiver_id)
    else:
        return None
    return session.exec(query.order_by(col(User.id))).first()
