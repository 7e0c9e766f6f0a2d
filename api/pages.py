"""What every page needs: the signed-in page user (or a redirect to sign in) and its language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from api.deps import DbSession, session_user
from api.i18n import Translator
from api.problems import ProblemError
from scheduler.models import Municipality, Role, User
from scheduler.repositories.row_security import scope_to_municipality
from scheduler.repositories.tenancy import get_municipality


class SignInRequired(Exception):  # noqa: N818  (a redirect, not an error)
    """Raised by page dependencies; the app answers with a redirect to /login."""


@dataclass(frozen=True)
class PageUser:
    user: User
    town: Municipality
    t: Translator

    @property
    def municipality_id(self) -> int:
        return self.user.municipality_id

    @property
    def actor(self) -> str:
        return f"user:{self.user.username}"


def translator_for(town: Municipality | None, user: User | None = None) -> Translator:
    if town is None:
        return Translator("en", "UTC")
    return Translator((user.locale if user else None) or town.locale, town.timezone)


def page_user_for(roles: tuple[Role, ...]) -> Callable[[Request, Session], PageUser]:
    def dependency(request: Request, session: DbSession) -> PageUser:
        user = session_user(request, session)
        if user is None:
            raise SignInRequired
        if user.role not in roles:
            raise ProblemError(403, "Role not allowed", f"{user.role.value} may not open this page")
        scope_to_municipality(user.municipality_id, session=session)  # the wall behind the filter
        town = _town(session, user)
        return PageUser(user, town, translator_for(town, user))

    return dependency


def _town(session: Session, user: User) -> Municipality:
    return get_municipality(user.municipality_id, session=session)


BoardUser = Annotated[PageUser, Depends(page_user_for((Role.admin, Role.dispatcher)))]
KitchenUser = Annotated[
    PageUser, Depends(page_user_for((Role.admin, Role.dispatcher, Role.kitchen)))
]
AnyPageUser = Annotated[PageUser, Depends(page_user_for(tuple(Role)))]
