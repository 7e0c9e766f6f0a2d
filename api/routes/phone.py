"""The driver's and caregiver's phone: the day behind a signed link, reports, offline support.

Everything under `/d/` so the service worker (served at `/d/sw.js`) may control these pages.
The link is the credential: no cookie is read here, so no other site can post in its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlmodel import Session

from api import links
from api.deps import DbSession, RowId, SettingsDep
from api.eager import relay_if_eager
from api.i18n import Translator, clock
from api.links import DayLink, LinkInvalidError
from api.pages import translator_for
from api.personal import issue, link_gone
from api.problems import FieldError, ProblemError
from api.schemas.phone import (
    PhoneChanges,
    PhoneDay,
    PhoneStop,
    PhoneTrip,
    PushKeyOut,
    PushSubscribed,
    PushSubscriptionIn,
    ReportIn,
    ReportOut,
)
from api.templating import STATIC, render
from scheduler.intake.attendance import OffDayCheckError, require_visit_day
from scheduler.intake.confirmations import DayRoute, Report, confirm_stop
from scheduler.models import StopStatus
from scheduler.repositories.personal_links import find_link
from scheduler.repositories.plans import get_plan
from scheduler.repositories.stops import StopKey
from scheduler.repositories.tenancy import get_municipality
from scheduler.settings import Settings
from scheduler.views.changes import NamedChange, version_changes
from scheduler.views.my_days import Round, holders_of_round, user_of_round
from scheduler.views.phone import PhoneStopRow, phone_route
from workers.publishers.webpush import application_server_key, load_vapid
from workers.targets import save_target

router = APIRouter(tags=["phone"])


def _link(settings: SettingsDep, token: str) -> DayLink:
    try:
        return links.read(settings, token)
    except LinkInvalidError as exc:
        title = "Link expired" if exc.expired else "Link not valid"
        raise ProblemError(404 if not exc.expired else 410, title) from exc


def _day(session: Session, link: DayLink) -> PhoneDay | None:
    found = phone_route(
        link.municipality_id, link.day, link.service, link.resource, session=session
    )
    if found is None:
        return None
    return PhoneDay(
        day=link.day.isoformat(),
        service=link.service,
        resource=link.resource,
        name=found.name,
        people=found.people,
        version=found.version,
        stops=[_stop(s) for s in found.stops],
        trips=[
            PhoneTrip(number=t.number, stops=t.stops, portions=t.portions, boxes=t.boxes)
            for t in found.trips
        ],
    )


def _stop(row: PhoneStopRow) -> PhoneStop:
    return PhoneStop(
        stop_id=row.stop_id,
        key=row.key,
        seq=row.seq,
        kind=row.kind,
        time=clock(row.arrival_s),
        window=f"{row.window_start:%H:%M}-{row.window_end:%H:%M}",
        name=row.name,
        address=row.address,
        phone=row.phone,
        diet=row.diet,
        portions=row.portions,
        notes=row.notes,
        tasks=row.tasks,
        lat=row.lat,
        lon=row.lon,
        status=row.status,
        trip=row.trip,
        lives_alone=row.lives_alone,
    )


@router.get("/d/sw.js", include_in_schema=False)
def service_worker() -> Response:
    """Served under /d/ so its scope covers every day page."""
    script = (STATIC / "sw.js").read_text(encoding="utf-8")
    headers = {"Cache-Control": "no-cache", "Service-Worker-Allowed": "/d/"}
    return Response(script, media_type="text/javascript", headers=headers)


@router.get("/d/{token}", response_class=HTMLResponse, include_in_schema=False)
def day_page(request: Request, token: str, session: DbSession, settings: SettingsDep) -> Response:
    """The day's stops; an expired or damaged link shows a page that says what to do."""
    try:
        link = links.read(settings, token)
    except LinkInvalidError as exc:
        return link_gone(request, session, exc)
    town = get_municipality(link.municipality_id, session=session)
    day = _day(session, link)
    context = {
        "token": token,
        "link": link,
        "day": day,
        "town": town,
        "sections": _sections(day) if day else [],
        "closed": CLOSED,
        # Open before any script runs (phone.js keeps it so as reports come in).
        "next_key": next((s.key for s in day.stops if s.status not in CLOSED), "") if day else "",
        "my_days": _my_days(session, settings, link),
    }
    return render(request, "phone.html", translator_for(town), context)


# A stop is dealt with (folded, counted done) once reported, but for a visit still going on.
CLOSED = ("delivered", "not_home", "refused", "problem", "done")


@dataclass(frozen=True)
class _Section:
    """A trip from the kitchen and its stops, numbered through the day (None for a round)."""

    trip: PhoneTrip | None
    stops: list[tuple[int, PhoneStop]]


def _sections(day: PhoneDay) -> list[_Section]:
    numbered = list(enumerate(day.stops, start=1))
    if not day.trips:
        return [_Section(None, numbered)]
    return [
        _Section(trip, [(n, s) for n, s in numbered if s.trip == trip.number]) for trip in day.trips
    ]


@router.get("/d/{token}/day.json", response_model=PhoneDay)
def day_data(token: str, session: DbSession, settings: SettingsDep) -> PhoneDay:
    """The day's stops as JSON: what the phone keeps for working offline."""
    day = _day(session, _link(settings, token))
    if day is None:
        raise ProblemError(404, "Not published", "this day has not been published yet")
    return day


@router.get("/d/{token}/changes", response_model=PhoneChanges)
def changes(
    token: str,
    since: Annotated[int, Query(ge=0, le=2**31 - 1)],
    session: DbSession,
    settings: SettingsDep,
) -> PhoneChanges:
    """What the published version changed on this route since the page's version `since`:
    what an open page asks on each poll, so it reloads its stops only when they changed."""
    link = _link(settings, token)
    plan = get_plan(link.municipality_id, link.day, link.service, session=session)
    if plan is None or plan.published_version == 0:
        raise ProblemError(404, "Not published", "this day has not been published yet")
    now = plan.published_version
    if since >= now:
        return PhoneChanges(version=now, changed=False, message="")
    found = version_changes(link.municipality_id, plan, since, now, link.resource, session=session)
    town = get_municipality(link.municipality_id, session=session)
    words = _in_words(translator_for(town), found[0]) if found else ""
    return PhoneChanges(version=now, changed=bool(found), message=words)


def _in_words(t: Translator, change: NamedChange) -> str:
    """'2 stops added, Ivan Petrov cancelled': what a driver needs to hear, in their language."""

    def count(one: str, many: str, n: int) -> list[str]:
        return [t.ngettext(one, many, n) % {"n": n}] if n else []

    parts = count("%(n)d stop added", "%(n)d stops added", len(change.added))
    if change.cancelled:
        parts.append(t.gettext("%(names)s cancelled") % {"names": ", ".join(change.cancelled)})
    gone = len(change.removed) - len(change.cancelled)
    parts += count("%(n)d stop taken off your route", "%(n)d stops taken off your route", gone)
    parts += count("%(n)d stop in a new place", "%(n)d stops in a new place", len(change.moved))
    return ", ".join(parts)


@router.post("/d/{token}/reports", response_model=ReportOut)
def report(
    request: Request,
    token: str,
    body: ReportIn,
    session: DbSession,
    settings: SettingsDep,
    later: BackgroundTasks,
) -> ReportOut:
    """Delivered, not at home, refused, problem; check in and out. Safe to send twice, and
    against any version the phone had: the stop is named by its order or visit."""
    link = _link(settings, token)
    plan = get_plan(link.municipality_id, link.day, link.service, session=session)
    # Not `published_route`: a route the new version emptied still takes the reports its
    # driver made before; confirm_stop checks the stop was once on this route.
    if plan is None or plan.published_version == 0:
        raise ProblemError(404, "Not published", "this day has not been published yet")
    at = body.at.astimezone(UTC) if body.at and body.at.tzinfo else datetime.now(UTC)
    if link.service == "care" and body.status in CHECKS:
        _on_the_day(session, link, at)
    report = Report(
        stop_id=body.stop_id,
        outcome=body.status,
        client_event_id=body.client_event_id,
        at=at,
        note=body.note,
        lon=body.lon,
        lat=body.lat,
        accuracy=body.accuracy,
        corrects=body.corrects,
        key=StopKey.parse(body.stop_key) if body.stop_key else None,
        version=body.version,
    )
    where = DayRoute(link.municipality_id, link.day, link.service, link.resource)
    done = confirm_stop(where, report, actor=f"phone:{link.resource}", session=session)
    relay_if_eager(later, request)
    return ReportOut(
        stop_id=done.stop.id if done.stop else None,
        stop_key=str(done.key),
        status=done.status,
        applied=done.applied,
        conflict=done.conflict,
    )


@router.get("/d/{token}/push", response_model=PushKeyOut)
def push_key(token: str, settings: SettingsDep) -> PushKeyOut:
    """The VAPID public key the phone subscribes with (only to a valid link's holder)."""
    _link(settings, token)
    if not settings.vapid_private_key:
        raise ProblemError(503, "Push not configured", "no VAPID key is set on this server")
    return PushKeyOut(
        application_server_key=application_server_key(load_vapid(settings.vapid_private_key))
    )


@router.post("/d/{token}/push", response_model=PushSubscribed)
def push_subscribe(
    token: str, body: PushSubscriptionIn, session: DbSession, settings: SettingsDep
) -> PushSubscribed:
    """Keep the phone's push subscription for the link's driver or caregiver.

    Tied to their account, never stored without one: a target with no user would be sent
    every route of the municipality. Sending the same endpoint again refreshes its keys.
    """
    link = _link(settings, token)
    user = user_of_round(link.municipality_id, Round(link.service, link.resource),
                         session=session)  # fmt: skip
    if user is None:
        raise ProblemError(404, "No account", "no driver or caregiver account has this route")
    target = save_target(
        session,
        link.municipality_id,
        channel="webpush",
        address=body.endpoint,
        secrets={"p256dh": body.keys.p256dh, "auth": body.keys.auth},
        user_id=user.id,
        label=f"phone {link.resource}",
    )
    assert target.id is not None
    return PushSubscribed(target_id=target.id)


@router.get("/d/{token}/manifest.webmanifest", include_in_schema=False)
def manifest(token: str, session: DbSession, settings: SettingsDep) -> JSONResponse:
    """Installable: the app starts at the holder's personal link when they have one (so it
    opens their next working day every morning), else at this very day link."""
    link = _link(settings, token)
    body = {
        "name": "Patronage",
        "short_name": "Patronage",
        "start_url": _start_url(session, settings, link) or f"/d/{token}",
        "scope": "/d/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1c2b39",
        "icons": [{"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml"}],
    }
    return JSONResponse(body, media_type="application/manifest+json")


@router.get("/phone/routes/{route_id}", include_in_schema=False)
def pushed_route(request: Request, route_id: RowId) -> Response:
    """Where a push notification points: the phone opens the day link it keeps."""
    return render(request, "phone_pushed.html", translator_for(None), {"route_id": route_id})


CHECKS = (StopStatus.checked_in, StopStatus.done)  # a caregiver's check-in and check-out


def _on_the_day(session: Session, link: DayLink, at: datetime) -> None:
    """A check-in or -out counts only on its visit's day: one made on Friday from Monday's
    link is refused (422 naming `at`), in the town's language, never stored as days late."""
    town = get_municipality(link.municipality_id, session=session)
    try:
        require_visit_day(link.day, at, town.timezone, field="body.at")
    except OffDayCheckError as exc:
        t = translator_for(town)
        words = t.gettext(
            "A check-in counts only on the visit's day, %(day)s; this one is dated %(when)s."
        ) % {"day": t.day(exc.day), "when": t.day(exc.local)}
        errors = [FieldError(field="body.at", message=words)]
        raise ProblemError(422, t.gettext("Invalid input"), words, errors) from exc


def _start_url(session: Session, settings: Settings, link: DayLink) -> str:
    """The personal link of the route's one holder who has been given one, if exactly one."""
    mid = link.municipality_id
    holders = holders_of_round(mid, Round(link.service, link.resource), session=session)
    given = [h for h in holders if find_link(mid, h.kind, h.id, session=session) is not None]
    if len(given) != 1:
        return ""
    return issue(settings, session, mid, given[0].kind, given[0].id).path


def _my_days(session: Session, settings: Settings, link: DayLink) -> str:
    """Where the page's "My days" leads: the holder's list behind their personal link (the
    manifest already names it to this link's holder), else the signed-in list when an account
    follows the round; nothing for a round that has neither."""
    personal = _start_url(session, settings, link)
    if personal:
        return f"{personal}/days"
    found = user_of_round(link.municipality_id, Round(link.service, link.resource),
                          session=session)  # fmt: skip
    return "/my-day/days" if found else ""
