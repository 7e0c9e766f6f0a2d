"""`/v1/me`, `/v1/users` and `/v1/tokens`: who is calling, and the admin's user management."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, status
from sqlmodel import Session, SQLModel

from api.deps import Admin, AnyRole, DbSession, Now, PageParams, RowId, SettingsDep
from api.listing import page_list
from api.problems import PROBLEM_RESPONSES
from api.schemas.common import Page
from api.schemas.users import (
    Me,
    SessionsEnded,
    TokenCreate,
    TokenIssued,
    TokenPublic,
    UserCreate,
    UserLink,
    UserPublic,
    UserUpdate,
)
from scheduler.audit import audit
from scheduler.models import Caregiver, Driver, User
from scheduler.repositories import users as repo
from scheduler.repositories.common import get_owned
from scheduler.repositories.sessions import end_user_sessions
from scheduler.repositories.tenancy import get_municipality

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES)


@router.get("/me", response_model=Me, tags=["users"])
def me(caller: AnyRole, session: DbSession) -> Me:
    town = get_municipality(caller.municipality_id, session=session)
    return Me(
        id=caller.user_id,
        username=caller.username,
        role=caller.role,
        municipality_id=caller.municipality_id,
        municipality=town.name,
        locale=caller.locale or town.locale,
    )


@router.delete("/me/sessions", response_model=SessionsEnded, tags=["users"])
def sign_out_everywhere(caller: AnyRole, session: DbSession, now: Now) -> SessionsEnded:
    """End every page session of the caller, on every device (a lost phone, a shared
    computer). Bearer tokens stay: revoke those with `DELETE /v1/tokens/{id}`."""
    return _end_sessions(caller.municipality_id, caller.user_id, caller.actor, now, session)


@router.delete("/users/{user_id}/sessions", response_model=SessionsEnded, tags=["users"])
def end_sessions_of(user_id: RowId, caller: Admin, session: DbSession, now: Now) -> SessionsEnded:
    """The admin signs a user of the municipality out everywhere."""
    repo.get_user(caller.municipality_id, user_id, session=session)
    return _end_sessions(caller.municipality_id, user_id, caller.actor, now, session)


def _end_sessions(
    municipality_id: int, user_id: int, actor: str, now: Now, session: Session
) -> SessionsEnded:
    ended = end_user_sessions(municipality_id, user_id, now, session=session)
    audit(
        municipality_id,
        session=session,
        actor=actor,
        action="sign_out_everywhere",
        entity="user",
        entity_id=user_id,
        detail={"sessions": ended},
    )
    return SessionsEnded(ended=ended)


@router.get("/users", response_model=Page[UserPublic], tags=["users"])
def list_users(caller: Admin, session: DbSession, paging: PageParams) -> Page[UserPublic]:
    return page_list(repo.list_users(caller.municipality_id, session=session), paging, UserPublic)


@router.post(
    "/users", response_model=UserPublic, status_code=status.HTTP_201_CREATED, tags=["users"]
)
def create_user(body: UserCreate, caller: Admin, session: DbSession) -> UserPublic:
    user = repo.create_user(
        caller.municipality_id,
        session=session,
        username=body.username,
        password=body.password,
        role=body.role,
        locale=body.locale,
        caregiver_id=_own_id(session, Caregiver, body.caregiver_id, caller.municipality_id),
        driver_id=_own_id(session, Driver, body.driver_id, caller.municipality_id),
    )
    audit(
        caller.municipality_id,
        session=session,
        actor=caller.actor,
        action="create",
        entity="user",
        entity_id=user.id,
        detail={"role": body.role.value},
    )
    return UserPublic.model_validate(user, from_attributes=True)


@router.get("/users/{user_id}", response_model=UserPublic, tags=["users"])
def get_user(user_id: RowId, caller: Admin, session: DbSession) -> UserPublic:
    user = repo.get_user(caller.municipality_id, user_id, session=session)
    return UserPublic.model_validate(user, from_attributes=True)


@router.patch("/users/{user_id}", response_model=UserPublic, tags=["users"])
def update_user(user_id: RowId, body: UserUpdate, caller: Admin, session: DbSession) -> UserPublic:
    changes = body.model_dump(exclude_unset=True)
    user = repo.update_user(caller.municipality_id, user_id, changes, session=session)
    audit(
        caller.municipality_id,
        session=session,
        actor=caller.actor,
        action="update",
        entity="user",
        entity_id=user_id,
        detail={"fields": sorted(body.model_fields_set)},
    )
    return UserPublic.model_validate(user, from_attributes=True)


@router.put("/users/{user_id}/link", response_model=UserPublic, tags=["users"])
def link_user(user_id: RowId, body: UserLink, caller: Admin, session: DbSession) -> UserPublic:
    """Link the user to the driver or caregiver whose day they follow (both empty: unlink)."""
    user = link_and_audit(caller.municipality_id, caller.actor, user_id, body, session=session)
    return UserPublic.model_validate(user, from_attributes=True)


@router.delete("/users/{user_id}/link", response_model=UserPublic, tags=["users"])
def unlink_user(user_id: RowId, caller: Admin, session: DbSession) -> UserPublic:
    """The user follows no driver's or caregiver's day any more."""
    user = link_and_audit(caller.municipality_id, caller.actor, user_id, UserLink(),
                          session=session)  # fmt: skip
    return UserPublic.model_validate(user, from_attributes=True)


def link_and_audit(
    municipality_id: int, actor: str, user_id: int, body: UserLink, *, session: Session
) -> User:
    """Link or unlink, with its audit row: what the REST call and the users page both do."""
    user = repo.link_user(municipality_id, user_id, session=session, driver_id=body.driver_id,
                          caregiver_id=body.caregiver_id)  # fmt: skip
    audit(
        municipality_id,
        session=session,
        actor=actor,
        action="link" if body.driver_id or body.caregiver_id else "unlink",
        entity="user",
        entity_id=user_id,
        detail={"driver_id": body.driver_id, "caregiver_id": body.caregiver_id},
    )
    return user


@router.get("/tokens", response_model=Page[TokenPublic], tags=["users"])
def list_tokens(caller: Admin, session: DbSession, paging: PageParams) -> Page[TokenPublic]:
    rows = repo.list_tokens(caller.municipality_id, session=session)
    return page_list(rows, paging, TokenPublic)


@router.post(
    "/tokens", response_model=TokenIssued, status_code=status.HTTP_201_CREATED, tags=["users"]
)
def create_token(
    body: TokenCreate, caller: Admin, session: DbSession, settings: SettingsDep, now: Now
) -> TokenIssued:
    """A token for an integration, shown once; it expires after `expires_in_days`."""
    user = repo.get_user(caller.municipality_id, body.user_id, session=session)
    days = body.expires_in_days or settings.token_max_age_days
    issued = repo.issue_token(
        user, body.name, session=session, expires_at=now + timedelta(days=days)
    )
    audit(
        caller.municipality_id,
        session=session,
        actor=caller.actor,
        action="create",
        entity="token",
        entity_id=issued.token.id,
        detail={
            "user_id": user.id,
            "expires_at": issued.token.expires_at.isoformat() if issued.token.expires_at else None,
        },
    )
    public = TokenPublic.model_validate(issued.token, from_attributes=True)
    return TokenIssued(**public.model_dump(), token=issued.secret)


@router.delete("/tokens/{token_id}", response_model=TokenPublic, tags=["users"])
def revoke_token(token_id: RowId, caller: Admin, session: DbSession) -> TokenPublic:
    token = repo.revoke_token(caller.municipality_id, token_id, session=session)
    audit(
        caller.municipality_id,
        session=session,
        actor=caller.actor,
        action="revoke",
        entity="token",
        entity_id=token_id,
    )
    return TokenPublic.model_validate(token, from_attributes=True)


def _own_id(
    session: DbSession, model: type[SQLModel], row_id: int | None, municipality_id: int
) -> int | None:
    """The id if that row is in the caller's municipality; NotFoundError otherwise."""
    if row_id is not None:
        get_owned(model, municipality_id, row_id, session=session)
    return row_id
