"""Dependencies every route shares: settings, the database session, the caller and its scope.

The caller's municipality is the scope of every query: routes take `Caller.municipality_id`
from here and never from the request, so no parameter can reach another town's rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.csrf import HEADER as CSRF_HEADER
from api.csrf import SESSION_KEY
from api.csrf import check as check_csrf
from api.problems import ProblemError
from scheduler.models import Role, User
from scheduler.repositories.row_security import scope_to_municipality
from scheduler.repositories.sessions import live_session
from scheduler.repositories.users import find_user_by_id, user_for_token
from scheduler.settings import Settings


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def now(request: Request) -> datetime:
    """The app's clock (`app.state.clock`): tests set it to move time without waiting."""
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def get_db(request: Request) -> Iterator[Session]:
    """A session per request: committed when the route returns, rolled back when it raises."""
    with Session(get_engine(request), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


SettingsDep = Annotated[Settings, Depends(get_settings)]
Now = Annotated[datetime, Depends(now)]
# scope="function": the commit happens before the answer is sent, so a failed commit is an error.
DbSession = Annotated[Session, Depends(get_db, scope="function")]


@dataclass(frozen=True)
class Caller:
    user_id: int
    municipality_id: int
    username: str
    role: Role
    locale: str | None
    caregiver_id: int | None = None  # a caregiver's own record: what "their own day" is

    @property
    def actor(self) -> str:
        """How the audit log and events name this person."""
        return f"user:{self.username}"


def _caller(user: User) -> Caller:
    assert user.id is not None
    return Caller(
        user.id, user.municipality_id, user.username, user.role, user.locale, user.caregiver_id
    )


def _unauthorized() -> ProblemError:
    err = ProblemError(401, "Not signed in", "send a bearer token or sign in")
    err.headers = {"WWW-Authenticate": "Bearer"}
    return err


def session_key(request: Request) -> str:
    """The page session's random key from the signed cookie; empty without one."""
    key = request.session.get(SESSION_KEY) if "session" in request.scope else None
    return key if isinstance(key, str) else ""


def session_user(request: Request, session: Session) -> User | None:
    """The user of the page session cookie, if its session has not ended (signed out,
    password changed, signed out everywhere, too old) and it still names an active user."""
    key = session_key(request)
    if not key:
        return None
    max_age = get_settings(request).session_max_age_s
    row = live_session(key, now(request), max_age, session=session)
    if row is None:
        return None
    user = find_user_by_id(row.municipality_id, row.user_id, session=session)
    return user if user is not None and user.active else None


def current_caller(request: Request, session: DbSession) -> Caller:
    """The signed-in user: a bearer token (integrations) or the page session (browsers)."""
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        bearer = scheme.lower() == "bearer"
        user = user_for_token(secret.strip(), session=session, now=now(request)) if bearer else None
    else:
        user = session_user(request, session)
        if user is not None:  # a cookie rides along on its own: changes need the token too
            check_csrf(request, request.headers.get(CSRF_HEADER))
    if user is None:
        raise _unauthorized()
    request.state.locale = user.locale  # a refusal's words (api/problems.py)
    scope_to_municipality(user.municipality_id, session=session)  # the wall behind the filter
    return _caller(user)


CurrentCaller = Annotated[Caller, Depends(current_caller)]


def allow(*roles: Role) -> Callable[[Caller], Caller]:
    """A dependency that lets only these roles through (403 for the others)."""

    def check(caller: CurrentCaller) -> Caller:
        if caller.role not in roles:
            raise ProblemError(403, "Role not allowed", f"{caller.role.value} may not do this")
        return caller

    return check


STAFF = (Role.admin, Role.dispatcher)
Admin = Annotated[Caller, Depends(allow(Role.admin))]
Staff = Annotated[Caller, Depends(allow(*STAFF))]
KitchenReader = Annotated[Caller, Depends(allow(*STAFF, Role.kitchen))]
# Staff, and caregivers for what is their own (the route checks whose it is).
CareReader = Annotated[Caller, Depends(allow(*STAFF, Role.caregiver))]
AnyRole = CurrentCaller


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int


def paging(
    limit: Annotated[int, Query(ge=1, le=500, description="Rows per page.")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Rows to skip.")] = 0,
) -> Paging:
    return Paging(limit, offset)


PageParams = Annotated[Paging, Depends(paging)]

# Ids in paths: a database integer, so a huge number is a 422, never an overflow.
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
