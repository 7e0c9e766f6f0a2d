"""Signing in and out of the pages, and the home page that sends each role to its page.

Signing in starts a server-side session (scheduler/repositories/sessions.py) whose random key
is all the cookie carries; signing out ends that session, "sign out everywhere" every session
of the user. Too many wrong passwords pause sign-in (api/signin.py): 429 with Retry-After.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from api.csrf import SESSION_KEY, form_token
from api.deps import DbSession, Now, SettingsDep, session_key, session_user
from api.i18n import Translator, accept_language
from api.pages import AnyPageUser
from api.signin import sign_in
from api.templating import render
from scheduler.audit import audit
from scheduler.models import Role
from scheduler.repositories.sessions import end_session, end_user_sessions, start_session
from scheduler.repositories.tenancy import list_municipalities
from scheduler.repositories.users import set_locale

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
    settings: SettingsDep,
    now: Now,
    municipality: Annotated[str, Form(max_length=120)],
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    lang: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """The municipality may be written in Cyrillic or Latin, in any case (find_municipality);
    a refusal is told in the language of the page the user signed in on."""
    address = client_address(request)
    tried = sign_in(municipality, username, password, address=address, now=now,
                    settings=settings, session=session)  # fmt: skip
    if tried.user is None:
        context = {
            "error": True,
            "paused_min": -(-tried.retry_after_s // 60),
            "municipality": municipality,
            "username": username,
            "towns": _towns(session),
        }
        t = _language(request, lang or None)
        if not tried.retry_after_s:
            return render(request, "login.html", t, context, status_code=401)
        paused = render(request, "login.html", t, context, status_code=429)
        paused.headers["Retry-After"] = str(tried.retry_after_s)
        return paused
    user = tried.user
    started = start_session(user, address, now, session=session)
    request.session.clear()  # a new session key for the new user: no fixation
    request.session[SESSION_KEY] = started.key
    return RedirectResponse(HOME[user.role], status_code=303)


def client_address(request: Request) -> str:
    """The caller's address as the server saw it (behind a proxy, the proxy's unless the
    server trusts its forwarded headers: `uvicorn --proxy-headers`)."""
    return request.client.host if request.client else ""


@router.post("/logout", response_class=RedirectResponse, dependencies=[Depends(form_token)])
def logout(request: Request, session: DbSession, now: Now) -> RedirectResponse:
    """End this session on the server too, so a copy of the cookie stops working."""
    key = session_key(request)
    if key:
        end_session(key, now, session=session)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.post(
    "/account/sign-out-everywhere",
    response_class=RedirectResponse,
    dependencies=[Depends(form_token)],
)
def sign_out_everywhere(
    request: Request, page: AnyPageUser, session: DbSession, now: Now
) -> RedirectResponse:
    """End every session of this user, this one too (a lost phone, a shared computer)."""
    user_id = page.user.id or 0
    ended = end_user_sessions(page.municipality_id, user_id, now, session=session)
    audit(
        page.municipality_id,
        session=session,
        actor=page.actor,
        action="sign_out_everywhere",
        entity="user",
        entity_id=user_id,
        detail={"sessions": ended},
    )
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
