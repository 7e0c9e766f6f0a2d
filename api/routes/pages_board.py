"""The dispatcher's board (desktop) and its live stream of stop statuses (server-sent events)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from sqlmodel import Session

from api.board import live_status, open_alerts
from api.dayview import find_plan, routes_of, version_of
from api.pages import BoardUser
from api.templating import render
from scheduler.models import Service

router = APIRouter(include_in_schema=False)
POLL_S = 1.5
HEARTBEAT_S = 15.0


@router.get("/board", response_class=HTMLResponse)
def board(
    request: Request, page: BoardUser, day: date | None = None, service: Service = Service.meals
) -> Response:
    today = datetime.now(ZoneInfo(page.town.timezone)).date()
    settings = request.app.state.settings
    context = {"page": page, "day": day or today, "service": service, "tile_url": settings.tile_url}
    return render(request, "board.html", page.t, context)


def _snapshot(
    request: Request, municipality_id: int, day: date, service: Service
) -> dict[str, Any]:
    with Session(request.app.state.engine) as session:
        plan = find_plan(session, municipality_id, day, service.value)
        version = version_of(session, plan, plan.current_version) if plan else None
        route_ids = [r.id for r in routes_of(session, version) if r.id] if version else []
        return {
            "version": version.version if version else 0,
            "published": plan.published_version if plan else 0,
            "stops": live_status(session, municipality_id, route_ids),
            "alerts": [a.id for a in open_alerts(session, municipality_id)],
        }


@router.get("/board/stream")
async def stream(
    request: Request,
    page: BoardUser,
    day: date,
    service: Service = Service.meals,
    once: Annotated[bool, Query(description="Send one snapshot and end (tests).")] = False,
) -> StreamingResponse:
    """A `status` event whenever a stop's status, the plan or the open alerts change."""
    mid = page.municipality_id

    async def events() -> AsyncIterator[str]:
        last: dict[str, Any] | None = None
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
