"""The counter page: a tablet at a pick-up point, for kitchen staff and dispatchers.

Two tabs, the canteen and the milk kitchen, each a list of who is expected that day with one
big button to record that they collected. The page only draws: api/static/counter.js writes
through the REST endpoints of api/routes/canteen.py, so a tap and an integration make the same
record with the same audit entry. Search is by name in any script (scheduler/names.py).
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from babel.dates import format_time
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import DbSession
from api.pages import KitchenUser
from api.templating import render
from scheduler.models.fields import Day
from scheduler.reports.milk_kitchen import milk_sheet
from scheduler.repositories.fleet import list_pickup_points
from scheduler.views.counter import canteen_counter, milk_counter

router = APIRouter(include_in_schema=False)


@router.get("/counter", response_class=HTMLResponse)
def counter_page(
    request: Request,
    page: KitchenUser,
    session: DbSession,
    day: Day | None = None,
    point: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    tab: Literal["canteen", "milk"] = "canteen",
    q: Annotated[str, Query(max_length=120)] = "",
) -> Response:
    mid = page.municipality_id
    day = day or datetime.now(ZoneInfo(page.town.timezone)).date()
    points = list_pickup_points(mid, session=session)
    chosen = next((p for p in points if p.id == point), points[0] if points else None)
    context: dict[str, object] = {"page": page, "day": day, "points": points, "point": chosen}
    context |= {"tab": tab, "q": q, "canteen": [], "milk": [], "sheet": None}
    context["at"] = partial(
        _local_time, zone=ZoneInfo(page.town.timezone), language=page.t.language
    )
    if chosen is not None and chosen.id is not None:
        context["canteen"] = canteen_counter(
            mid, day, session=session, pickup_point_id=chosen.id, query=q
        )
        context["milk"] = milk_counter(
            mid, day, session=session, pickup_point_id=chosen.id, query=q
        )
        sheet = milk_sheet(mid, day, session=session)
        context["sheet"] = next((c for c in sheet.points if c.point == chosen.external_id), None)
    return render(request, "counter.html", page.t, context)


def _local_time(value: datetime, *, zone: ZoneInfo, language: str) -> str:
    """When a record was made, as the counter's clock showed it (the date is the page's)."""
    return format_time(value.astimezone(zone), format="short", locale=language)
