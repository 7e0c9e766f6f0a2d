"""Signing in and out of the pages, and the home page that sends each role to its page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from api.csrf import form_token, new_token
from api.deps import DbSession, session_user
from api.i18n import Translator, accept_language
from api.pages import AnyPageUser
from api.templating import render
from scheduler.audit import audit
from scheduler.models import Role
from scheduler.repositories.tenancy import list_municipalities
from scheduler.repositories.users import authenticate, set_locale

router = APIRouter(include_in_schema=False)

HOME = {
    Role.admin: "/board",
    Role.dispatcher: "/board",
    Role.kitchen: "/kitchen",
    Role.driver: "/my-day",
    Role.caregiver: "/my-day",
}


@router.get("/", response_class=RedirectResponse)
def home(request: Request, session: DbSession) -> RedirectResponse:
    user = session_user(request, session)
    return RedirectResponse(HOME[user.role] if user else "/login", status_code=303)


def _language(request: Request, lang: str | None) -> Translator:
    """The sign-in page's language: the one chosen on it, else the browser's."""
    chosen = lang or accept_language(request.headers.get("accept-language"))
    return Translator(chosen, "UTC")


def _towns(session: Session) -> list[str]:
    """The names to pick from when the installation serves more than one municipality."""
    towns = list_municipalities(session=session)
    return [t.name for t in towns] if len(towns) > 1 else []


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, session: DbSession, lang: str | None = None) -> Response:
    context = {"error": False, "towns": _towns(session)}
    return render(request, "login.html", _language(request, lang), context)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: DbSession,
    municipality: Annotated[str, Form(max_length=120)],
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    lang: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """The municipality may be written in Cyrillic or Latin, in any case (find_municipality);
    a refusal is told in the language of the page the user signed in on."""
    user = authenticate(municipality, username, password, session=session)
    if user is None:
        context = {
            "error": True,
            "municipality": municipality,
            "username": username,
            "towns": _towns(session),
        }
        t = _language(request, lang or None)
        return render(request, "login.html", t, context, status_code=401)
    request.session.clear()  # a new session id for the new user: no fixation
    request.session.update({"uid": user.id, "mid": user.municipality_id})
    new_token(request)
    audit(
        user.municipality_id,
        session=session,
        actor=f"user:{user.username}",
        action="sign_in",
        entity="user",
        entity_id=user.id,
    )
    return RedirectResponse(HOME[user.role], status_code=303)


@router.post("/logout", response_class=RedirectResponse, dependencies=[Depends(form_token)])
def logout(request: Request) -> RedirectResponse:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, page: AnyPageUser) -> Response:
    return render(request, "account.html", page.t, {"page": page})


@router.post(
    "/account/language", response_class=RedirectResponse, dependencies=[Depends(form_token)]
)
def set_language(
    page: AnyPageUser, session: DbSession, language: Annotated[str, Form(pattern="^(|bg|sl|en)$")]
) -> RedirectResponse:
    """The user's own language, or back to the municipality's when empty."""
    set_locale(page.municipality_id, page.user.id or 0, language or None, session=session)
    return RedirectResponse("/account", status_code=303)
