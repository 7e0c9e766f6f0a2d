"""The dispatcher's board (desktop) and its live stream of stop statuses (server-sent events)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Annotated, TypedDict
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from sqlmodel import Session

from api.board import current_version, live_status, open_alerts
from api.care_board import CarePanel, care_panel
from api.csrf import form_token
from api.deps import DbSession, RowId
from api.eager import relay_if_eager
from api.forms import refusal_words
from api.pages import BoardUser, PageUser
from api.templating import render
from scheduler.audit import audit
from scheduler.errors import DomainError
from scheduler.intake.availability import report_sick
from scheduler.intake.calendar import parse_hhmm
from scheduler.intake.orders import Actor
from scheduler.models import Service
from scheduler.models.fields import Day
from scheduler.repositories.plans import get_plan
from scheduler.repositories.row_security import scope_to_municipality
from scheduler.repositories.visit_pins import pin_visit, unpin_visit
from scheduler.views.board import route_ids
from scheduler.views.care_week import care_week

router = APIRouter(include_in_schema=False)
POLL_S = 1.5
HEARTBEAT_S = 15.0


@router.get("/board", response_class=HTMLResponse)
def board(
    request: Request,
    page: BoardUser,
    session: DbSession,
    day: Day | None = None,
    service: Service = Service.meals,
    sick: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    day = day or datetime.now(ZoneInfo(page.town.timezone)).date()
    return _page(request, page, session, day, service, sick)


class BoardPage(TypedDict):
    """What board.html is rendered with (besides what every page gets)."""

    page: PageUser
    day: date
    service: Service
    tile_url: str
    care: CarePanel | None  # the home-care panel, on the care board only


class BoardSnapshot(TypedDict):
    """One `status` event of the board's live stream."""

    version: int
    published: int
    stops: dict[str, str]  # stop id -> status
    alerts: list[int | None]  # the open alerts' ids


def _page(
    request: Request,
    page: PageUser,
    session: Session,
    day: date,
    service: Service,
    sick: int | None = None,
    problem: str = "",
) -> Response:
    context: BoardPage = {
        "page": page,
        "day": day,
        "service": service,
        "tile_url": request.app.state.settings.map_tiles_url,
        "care": None,
    }
    if service == Service.care:
        context["care"] = care_panel(session, page.municipality_id, day, sick, page.t, problem)
    return render(request, "board.html", page.t, context, status_code=422 if problem else 200)


@router.get("/board/week", response_class=HTMLResponse)
def board_week(
    request: Request, page: BoardUser, session: DbSession, day: Day | None = None
) -> Response:
    """The care week: each caregiver's minutes per day and who visits each client."""
    day = day or datetime.now(ZoneInfo(page.town.timezone)).date()
    week = care_week(page.municipality_id, day, session=session)
    context = {"page": page, "week": week, "one_week": timedelta(days=7)}
    return render(request, "care_week.html", page.t, context)


@router.post("/board/sick", response_class=HTMLResponse, dependencies=[Depends(form_token)])
def board_sick(
    request: Request,
    page: BoardUser,
    session: DbSession,
    later: BackgroundTasks,
    day: Annotated[date, Form()],
    caregiver_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    from_time: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """The panel's "report sick" form: record it, let the re-plan run, show what it moved.
    A refusal (an overlapping absence, a bad time) shows the page again with the reason."""
    by = Actor(name=page.actor, role=page.user.role)
    try:
        start = parse_hhmm(from_time) if from_time else None
        report_sick(page.municipality_id, caregiver_id, day, session=session, by=by,
                    from_time=start)  # fmt: skip
    except (DomainError, ValueError) as exc:
        session.rollback()
        return _page(request, page, session, day, Service.care, problem=refusal_words(page.t, exc))
    relay_if_eager(later, request)
    query = urlencode({"day": day.isoformat(), "service": "care", "sick": caregiver_id})
    return RedirectResponse(f"/board?{query}#care-panel", status_code=303)


@router.post("/board/visit-pins", response_class=HTMLResponse, dependencies=[Depends(form_token)])
def board_pin_visit(
    request: Request,
    page: BoardUser,
    session: DbSession,
    day: Annotated[date, Form()],
    visit_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    caregiver_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    start: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """The panel's pin form: the next plan keeps the pin; the list says whether it held. A
    refusal (a time outside the window, a third caregiver) shows the page with the reason."""
    try:
        at = parse_hhmm(start) if start else None
        pin = pin_visit(page.municipality_id, day, visit_id=visit_id, caregiver_id=caregiver_id,
                        start=at, by=page.actor, session=session)  # fmt: skip
    except (DomainError, ValueError) as exc:
        session.rollback()
        return _page(request, page, session, day, Service.care, problem=refusal_words(page.t, exc))
    audit(page.municipality_id, session=session, actor=page.actor, action="pin",
          entity="visit_pin", entity_id=pin.id, detail={"visit_id": visit_id,
          "caregiver_id": caregiver_id, "start": start or None})  # fmt: skip
    return _back_to_care(day)


@router.post(
    "/board/visit-pins/{pin_id}/delete",
    response_class=HTMLResponse,
    dependencies=[Depends(form_token)],
)
def board_unpin_visit(
    page: BoardUser, session: DbSession, pin_id: RowId, day: Annotated[date, Form()]
) -> Response:
    pin = unpin_visit(page.municipality_id, pin_id, session=session)
    audit(page.municipality_id, session=session, actor=page.actor, action="unpin",
          entity="visit_pin", entity_id=pin_id, detail={"visit_id": pin.visit_id})  # fmt: skip
    return _back_to_care(day)


def _back_to_care(day: date) -> Response:
    query = urlencode({"day": day.isoformat(), "service": "care"})
    return RedirectResponse(f"/board?{query}#care-panel", status_code=303)


def _snapshot(request: Request, municipality_id: int, day: date, service: Service) -> BoardSnapshot:
    with Session(request.app.state.engine) as session:
        scope_to_municipality(municipality_id, session=session)  # the wall behind the filter
        plan = get_plan(municipality_id, day, service, session=session)
        version = current_version(session, municipality_id, plan)
        routes = (
            route_ids(municipality_id, version.id, session=session)
            if version and version.id
            else []
        )
        return {
            "version": version.version if version else 0,
            "published": plan.published_version if plan else 0,
            "stops": live_status(session, municipality_id, routes),
            "alerts": [a.id for a in open_alerts(session, municipality_id)],
        }


@router.get("/board/stream")
async def stream(
    request: Request,
    page: BoardUser,
    day: Day,
    service: Service = Service.meals,
    once: Annotated[bool, Query(description="Send one snapshot and end (tests).")] = False,
) -> StreamingResponse:
    """A `status` event whenever a stop's status, the plan or the open alerts change."""
    mid = page.municipality_id

    async def events() -> AsyncIterator[str]:
        last: BoardSnapshot | None = None
        quiet = 0.0
        while not await request.is_disconnected():
            snap = await run_in_threadpool(_snapshot, request, mid, day, service)
            if snap != last:
                last, quiet = snap, 0.0
                yield f"event: status\ndata: {json.dumps(snap)}\n\n"
                if once:
                    return
            elif quiet >= HEARTBEAT_S:
                quiet = 0.0
                yield ": keep-alive\n\n"
            await asyncio.sleep(POLL_S)
            quiet += POLL_S

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
