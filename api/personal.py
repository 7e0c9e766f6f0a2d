"""Personal links in the API: making one for a driver or caregiver, reading one back, where
it leads (their next working day), and the page an expired or revoked link shows.

Sending a link (ntfy, e-mail) is in api/linksend.py; the rows are in
scheduler/repositories/personal_links.py and the days in scheduler/views/my_days.py.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime

import segno
from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from api import links
from api.i18n import Translator, accept_language
from api.links import DayLink, LinkInvalidError, PersonalLink
from api.pages import translator_for
from api.problems import Problem, problem_response
from api.templating import render
from scheduler.intake.calendar import local_today
from scheduler.models import Municipality
from scheduler.repositories.personal_links import ensure_link, is_current
from scheduler.repositories.tenancy import municipality_by_id
from scheduler.settings import Settings
from scheduler.views.my_days import Round, next_working_day, published_days, round_of_holder


@dataclass(frozen=True)
class Issued:
    link: PersonalLink
    path: str  # /d/me/<token>
    url: str  # with the public base URL, for messages and QR codes


def issue(settings: Settings, session: Session, mid: int, holder: str, holder_id: int) -> Issued:
    """The holder's current personal link (the same one until it is revoked)."""
    row = ensure_link(mid, holder, holder_id, session=session)
    link = PersonalLink(mid, holder, holder_id, row.version)
    path = links.personal_url(settings, link)
    return Issued(link, path, settings.base_url.rstrip("/") + path)


def qr_svg(url: str) -> bytes:
    """The URL as an SVG QR code a phone's camera opens (error correction M, plain colours)."""
    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    # A standalone image (an <img src>), so with its namespace: without it nothing is drawn.
    code.save(out, kind="svg", scale=6, border=2, xmldecl=True, svgns=True, title="QR")
    return out.getvalue()


class LinkRevokedError(LinkInvalidError):
    def __init__(self, municipality_id: int) -> None:
        super().__init__(expired=False, municipality_id=municipality_id)
        self.revoked = True


def read_personal(settings: Settings, session: Session, token: str) -> PersonalLink:
    """The personal link behind a token; LinkInvalidError (or LinkRevokedError) otherwise."""
    link = links.read_personal(settings, token)
    good = is_current(link.municipality_id, link.holder, link.holder_id, link.version,
                      session=session)  # fmt: skip
    if not good:
        raise LinkRevokedError(link.municipality_id)
    return link


def round_of(session: Session, link: PersonalLink) -> Round | None:
    return round_of_holder(link.municipality_id, link.holder, link.holder_id, session=session)


def next_day_link(session: Session, town: Municipality, found: Round) -> DayLink | None:
    """The day link of the round's next working day, if it has one."""
    assert town.id is not None
    now = datetime.now(UTC)
    day = next_working_day(town.id, found, town.timezone, session=session, now=now)
    return DayLink(town.id, found.service, day, found.resource) if day else None


def upcoming(session: Session, town: Municipality, found: Round) -> list[date]:
    assert town.id is not None
    return published_days(town.id, found, local_today(town.timezone), session=session)


def wants_page(request: Request) -> bool:
    """A browser opening a page (not a script asking for JSON)."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not request.url.path.endswith((".json", ".webmanifest"))


def link_gone(request: Request, session: Session, exc: LinkInvalidError) -> Response:
    """What an expired, revoked or damaged link answers: a page in the reader's language saying
    what happened and what to do, or the problem document for a script."""
    if getattr(exc, "revoked", False):
        status, title = 410, "Link withdrawn"
    elif exc.expired:
        status, title = 410, "Link expired"
    else:
        status, title = 404, "Link not valid"
    if not wants_page(request):
        return problem_response(Problem(title=title, status=status))
    mid = exc.municipality_id
    town = municipality_by_id(mid, session=session) if mid else None
    t = (
        translator_for(town)
        if town
        else Translator(accept_language(request.headers.get("accept-language")), "UTC")
    )
    context = {"status": status, "kind": title}
    return render(request, "link_gone.html", t, context, status_code=status)
