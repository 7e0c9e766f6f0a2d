"""The office's pick-up points screen (dispatcher and admin): the canteens and other points
where people collect their portions, the kitchen that cooks for each, and who eats where (a
client is given a point on their own form, api/routes/pages_clients.py).

The forms call what REST calls (api/routes/canteen.py: the same functions, the same audit
rows); a refusal redraws the page with 422 naming the field in the reader's words, and
nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from api.csrf import form_token
from api.deps import DbSession, RowId
from api.forms import blank_to_none, reference, saved
from api.pages import BoardUser, PageUser
from api.routes.canteen import create_pickup_point_and_audit, update_pickup_point_and_audit
from api.schemas.canteen import PickupPointCreate, PickupPointUpdate
from api.templating import render
from scheduler.models import Client, ClientStatus
from scheduler.repositories.canteen import get_pickup_point
from scheduler.repositories.fleet import list_kitchens, list_pickup_points
from scheduler.views.client_list import ClientFilter, ClientService, find_clients

router = APIRouter(include_in_schema=False)
FORM = [Depends(form_token)]
LABELS = {
    "external_id": "Reference number",
    "name": "Name",
    "address": "Address",
    "kitchen_id": "Kitchen",
}
EVERYONE = 100_000  # a municipality's canteen clients all fit on the one page


@router.get("/admin/pickup-points", response_class=HTMLResponse)
def points_page(request: Request, page: BoardUser, session: DbSession) -> Response:
    return _points(request, page, session)


@router.post("/admin/pickup-points", response_class=HTMLResponse, dependencies=FORM)
async def new_point_form(request: Request, page: BoardUser, session: DbSession) -> Response:
    def write(given: dict[str, str]) -> None:
        body = PickupPointCreate.model_validate(
            {**_point_values(given), "external_id": reference(given, "P")}
        )
        create_pickup_point_and_audit(page, body, session=session)

    redraw = partial(_points, request, page, session)
    return await saved(request, session, page.t, LABELS, write, redraw, "/admin/pickup-points")


@router.post("/admin/pickup-points/{point_id:int}", response_class=HTMLResponse, dependencies=FORM)
async def point_form(
    request: Request, point_id: RowId, page: BoardUser, session: DbSession
) -> Response:
    get_pickup_point(page.municipality_id, point_id, session=session)

    def write(given: dict[str, str]) -> None:
        body = PickupPointUpdate.model_validate(_point_values(given))
        update_pickup_point_and_audit(page, point_id, body, session=session)

    def redraw(words: str, given: dict[str, str]) -> Response:
        return _points(request, page, session, words, {**given, "point": str(point_id)})

    return await saved(request, session, page.t, LABELS, write, redraw, "/admin/pickup-points")


def _point_values(given: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = blank_to_none({k: given.get(k, "") for k in ("name", "kitchen_id")})
    values["address"] = given.get("address", "").strip()
    return values


def _points(
    request: Request,
    page: PageUser,
    session: DbSession,
    problem: str = "",
    given: dict[str, str] | None = None,
) -> Response:
    """Every point with its kitchen and the active clients who eat there."""
    mid = page.municipality_id
    wanted = ClientFilter(service=ClientService.canteen, status=ClientStatus.active)
    eaters: dict[int, list[Client]] = defaultdict(list)
    for client in find_clients(mid, wanted, offset=0, limit=EVERYONE, session=session).rows:
        if client.pickup_point_id is not None:
            eaters[client.pickup_point_id].append(client)
    context = {
        "page": page,
        "points": list_pickup_points(mid, session=session),
        "kitchens": list_kitchens(mid, session=session),
        "eaters": eaters,
        "problem": problem,
        "given": given or {},
    }
    code = 422 if problem else 200
    return render(request, "admin_points.html", page.t, context, status_code=code)
