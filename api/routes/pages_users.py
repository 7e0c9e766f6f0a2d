"""The admin's users page: every account of the municipality, and whose day each follows
(a driver's van or a caregiver's round), linked or unlinked with one form.

The form does what `PUT /v1/users/{id}/link` does (the same function, the same audit row).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.csrf import form_token
from api.deps import DbSession, RowId
from api.forms import refusal_words
from api.pages import PageUser, page_user_for
from api.routes.users import link_and_audit
from api.schemas.users import UserLink
from api.templating import render
from scheduler.errors import DomainError
from scheduler.models import Role
from scheduler.repositories.care import list_caregivers
from scheduler.repositories.fleet import list_drivers
from scheduler.repositories.users import list_users

router = APIRouter(include_in_schema=False)
AdminPage = Annotated[PageUser, Depends(page_user_for((Role.admin,)))]


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, page: AdminPage, session: DbSession) -> Response:
    return _page(request, page, session)


def _page(request: Request, page: PageUser, session: DbSession, problem: str = "") -> Response:
    mid = page.municipality_id
    context = {
        "page": page,
        "users": list_users(mid, session=session),
        "drivers": list_drivers(mid, session=session),
        "caregivers": list_caregivers(mid, session=session),
        "problem": problem,
    }
    return render(request, "admin_users.html", page.t, context, status_code=422 if problem else 200)


@router.post(
    "/admin/users/{user_id}/link",
    response_class=HTMLResponse,
    dependencies=[Depends(form_token)],
)
def link_form(
    request: Request,
    user_id: RowId,
    page: AdminPage,
    session: DbSession,
    follows: Annotated[str, Form(max_length=40, pattern=r"^(|driver:\d+|caregiver:\d+)$")] = "",
) -> Response:
    """`follows` is "driver:<id>", "caregiver:<id>" or empty (unlink)."""
    kind, _, number = follows.partition(":")
    body = UserLink(
        driver_id=int(number) if kind == "driver" else None,
        caregiver_id=int(number) if kind == "caregiver" else None,
    )
    try:
        link_and_audit(page.municipality_id, page.actor, user_id, body, session=session)
    except DomainError as exc:
        session.rollback()
        return _page(request, page, session, problem=refusal_words(page.t, exc))
    return RedirectResponse("/admin/users", status_code=303)
