"""A driver's or caregiver's own days: the personal link (`/d/me/<token>`, no password, long
lived, revocable) and the signed-in `/my-day`, both opening "my next working day" as a fresh
day link, with a small list of the upcoming published days to switch to.

Under /d/ like the day pages, so the phone's service worker and installed app cover them.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from api import links
from api.deps import DbSession, SettingsDep
from api.i18n import Translator
from api.links import DayLink, LinkInvalidError
from api.pages import AnyPageUser, translator_for
from api.personal import link_gone, next_day_link, read_personal, round_of, upcoming
from api.templating import render
from scheduler.models import Municipality
from scheduler.models.fields import Day
from scheduler.repositories.tenancy import get_municipality
from scheduler.settings import Settings
from scheduler.views.my_days import Round, published_days, round_of_user

router = APIRouter(include_in_schema=False)


def _open(settings: Settings, link: DayLink | None) -> RedirectResponse | None:
    return RedirectResponse(links.url_for(settings, link), status_code=303) if link else None


def _days_page(
    request: Request,
    session: Session,
    t: Translator,
    town: Municipality,
    found: Round | None,
    base: str,
    status: int = 200,
) -> Response:
    days = upcoming(session, town, found) if found else []
    nxt = next_day_link(session, town, found) if found else None
    context = {
        "days": days,
        "next_day": nxt.day if nxt else None,
        "base": base,
        "resource": found.resource if found else "",
        "missing": status == 404,
    }
    return render(request, "my_days.html", t, context, status_code=status)


def _on_day(session: Session, town: Municipality, found: Round | None, day: date) -> DayLink | None:
    """The day link of `day` if the round is on that day's published plan."""
    if found is None or town.id is None:
        return None
    on = published_days(town.id, found, day, session=session, limit=1)
    return DayLink(town.id, found.service, day, found.resource) if on == [day] else None


@router.get("/d/me/{token}", response_class=HTMLResponse)
def personal(request: Request, token: str, session: DbSession, settings: SettingsDep) -> Response:
    """My next working day; the list of my days when I have none."""
    try:
        link = read_personal(settings, session, token)
    except LinkInvalidError as exc:
        return link_gone(request, session, exc)
    town = get_municipality(link.municipality_id, session=session)
    found = round_of(session, link)
    opened = _open(settings, next_day_link(session, town, found) if found else None)
    return opened or _days_page(request, session, translator_for(town), town, found,
                                f"/d/me/{token}")  # fmt: skip


@router.get("/d/me/{token}/days", response_class=HTMLResponse)
def personal_days(
    request: Request, token: str, session: DbSession, settings: SettingsDep
) -> Response:
    """The upcoming published days I am on, to switch to any of them."""
    try:
        link = read_personal(settings, session, token)
    except LinkInvalidError as exc:
        return link_gone(request, session, exc)
    town = get_municipality(link.municipality_id, session=session)
    return _days_page(request, session, translator_for(town), town, round_of(session, link),
                      f"/d/me/{token}")  # fmt: skip


@router.get("/d/me/{token}/{day}", response_class=HTMLResponse)
def personal_day(
    request: Request, token: str, day: Day, session: DbSession, settings: SettingsDep
) -> Response:
    """One of my days; the list (404) when I am not on that day's published plan."""
    try:
        link = read_personal(settings, session, token)
    except LinkInvalidError as exc:
        return link_gone(request, session, exc)
    town = get_municipality(link.municipality_id, session=session)
    found = round_of(session, link)
    return _open(settings, _on_day(session, town, found, day)) or _days_page(
        request, session, translator_for(town), town, found, f"/d/me/{token}", status=404
    )


@router.get("/my-day")
def my_day(
    request: Request, page: AnyPageUser, session: DbSession, settings: SettingsDep
) -> Response:
    """A signed-in driver or caregiver: their next working day, as a day link."""
    found = round_of_user(page.user, session=session)
    if found is None:
        return render(request, "phone_none.html", page.t, {"page": page})
    opened = _open(settings, next_day_link(session, page.town, found))
    return opened or _days_page(request, session, page.t, page.town, found, "/my-day")


@router.get("/my-day/days", response_class=HTMLResponse)
def my_days(request: Request, page: AnyPageUser, session: DbSession) -> Response:
    """The signed-in driver's or caregiver's upcoming published days."""
    found = round_of_user(page.user, session=session)
    return _days_page(request, session, page.t, page.town, found, "/my-day")


@router.get("/my-day/{day}")
def my_day_on(
    request: Request, day: Day, page: AnyPageUser, session: DbSession, settings: SettingsDep
) -> Response:
    """One of the signed-in user's days; the list (404) when they are not on it."""
    found = round_of_user(page.user, session=session)
    return _open(settings, _on_day(session, page.town, found, day)) or _days_page(
        request, session, page.t, page.town, found, "/my-day", status=404
    )
