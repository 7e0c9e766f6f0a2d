"""The office's fleet screens (dispatcher and admin): kitchens (place, hot-meal limit, time at
a stop, spare portions, boxes), vans (capacity, boxes, shift, weekdays, trips) and drivers
(phone, van).

Each form calls what its REST call does (api/routes/fleet.py: the same functions, the same
audit rows). A refusal redraws the page with 422 naming the field in the reader's words, and
what was typed; nothing is written.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from api.csrf import form_token
from api.deps import DbSession, RowId
from api.forms import WEEKDAYS, blank_to_none, reference, saved, ticked_weekdays, weekdays_of
from api.pages import BoardUser, PageUser
from api.routes.fleet import (
    create_kitchen_and_audit,
    create_vehicle_and_audit,
    update_driver_and_audit,
    update_kitchen_and_audit,
    update_vehicle_and_audit,
    upsert_driver_and_audit,
)
from api.schemas.fleet import (
    DriverCreate,
    DriverUpdate,
    KitchenCreate,
    KitchenUpdate,
    VehicleCreate,
    VehicleUpdate,
)
from api.templating import render
from scheduler.models import Kitchen, Vehicle
from scheduler.refusals import Reason, refuse
from scheduler.repositories import fleet

router = APIRouter(include_in_schema=False)
FORM = [Depends(form_token)]
VAN_FIELDS = ("name", "capacity_portions", "capacity_boxes", "shift_start", "shift_end",
              "max_trips", "kitchen_id")  # fmt: skip
KITCHEN_FIELDS = ("name", "lat", "lon", "hot_meal_minutes", "service_minutes", "spare_portions",
                  "portions_per_box")  # fmt: skip
LABELS = {
    "external_id": "Reference number",
    "name": "Name",
    "address": "Address",
    "lat": "Latitude",
    "lon": "Longitude",
    "hot_meal_minutes": "Hot-meal limit (minutes)",
    "service_minutes": "Minutes at each stop",
    "spare_portions": "Spare portions per diet",
    "portions_per_box": "Portions per box",
    "phone": "Phone",
    "capacity_portions": "Capacity (portions)",
    "capacity_boxes": "Capacity (boxes)",
    "shift_start": "Shift start",
    "shift_end": "Shift end",
    "max_trips": "Trips a day",
    "weekdays": "Weekdays",
    "kitchen_id": "Kitchen",
    "vehicle_id": "Van",
}


@router.get("/admin/kitchens", response_class=HTMLResponse)
def kitchens_page(request: Request, page: BoardUser, session: DbSession) -> Response:
    return _kitchens(request, page, session, None)


@router.get("/admin/kitchens/{kitchen_id:int}", response_class=HTMLResponse)
def kitchen_page(
    request: Request, kitchen_id: RowId, page: BoardUser, session: DbSession
) -> Response:
    kitchen = fleet.get_kitchen(page.municipality_id, kitchen_id, session=session)
    return _kitchens(request, page, session, kitchen)


@router.post("/admin/kitchens", response_class=HTMLResponse, dependencies=FORM)
async def new_kitchen_form(request: Request, page: BoardUser, session: DbSession) -> Response:
    def write(given: dict[str, str]) -> None:
        # Left empty, a setting takes the kitchen's default; a place left empty is refused.
        values = {k: v for k, v in _kitchen_values(given).items() if v is not None}
        values["external_id"] = reference(given, "K")
        create_kitchen_and_audit(page, KitchenCreate.model_validate(values), session=session)

    redraw = partial(_kitchens, request, page, session, None)
    return await saved(request, session, page.t, LABELS, write, redraw, "/admin/kitchens")


@router.post("/admin/kitchens/{kitchen_id:int}", response_class=HTMLResponse, dependencies=FORM)
async def kitchen_form(
    request: Request, kitchen_id: RowId, page: BoardUser, session: DbSession
) -> Response:
    kitchen = fleet.get_kitchen(page.municipality_id, kitchen_id, session=session)

    def write(given: dict[str, str]) -> None:
        body = KitchenUpdate.model_validate(_kitchen_values(given))
        update_kitchen_and_audit(page, kitchen_id, body, session=session)

    redraw = partial(_kitchens, request, page, session, kitchen)
    return await saved(request, session, page.t, LABELS, write, redraw, "/admin/kitchens")


def _kitchen_values(given: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = blank_to_none({k: given.get(k, "") for k in KITCHEN_FIELDS})
    values["address"] = given.get("address", "").strip()
    return values


def _kitchens(
    request: Request,
    page: PageUser,
    session: DbSession,
    kitchen: Kitchen | None,
    problem: str = "",
    given: dict[str, str] | None = None,
) -> Response:
    """Every kitchen; below, the chosen kitchen's form (or a new one's), after a refusal as
    typed."""
    mid = page.municipality_id
    context = {
        "page": page,
        "kitchen": kitchen,
        "kitchens": fleet.list_kitchens(mid, session=session),
        "problem": problem,
        "given": given or {},
    }
    code = 422 if problem else 200
    return render(request, "admin_kitchens.html", page.t, context, status_code=code)


@router.get("/admin/vans", response_class=HTMLResponse)
def vans_page(request: Request, page: BoardUser, session: DbSession) -> Response:
    return _vans(request, page, session, None)


@router.get("/admin/vans/{vehicle_id:int}", response_class=HTMLResponse)
def van_page(request: Request, vehicle_id: RowId, page: BoardUser, session: DbSession) -> Response:
    van = fleet.get_vehicle(page.municipality_id, vehicle_id, session=session)
    return _vans(request, page, session, van)


@router.post("/admin/vans", response_class=HTMLResponse, dependencies=FORM)
async def new_van_form(request: Request, page: BoardUser, session: DbSession) -> Response:
    def write(given: dict[str, str]) -> None:
        values = {**_van_values(given), "external_id": reference(given, "V")}
        body = VehicleCreate.model_validate(values)
        create_vehicle_and_audit(page, body, session=session)

    redraw = partial(_vans, request, page, session, None)
    return await saved(request, session, page.t, LABELS, write, redraw, "/admin/vans")


@router.post("/admin/vans/{vehicle_id:int}", response_class=HTMLResponse, dependencies=FORM)
async def van_form(
    request: Request, vehicle_id: RowId, page: BoardUser, session: DbSession
) -> Response:
    van = fleet.get_vehicle(page.municipality_id, vehicle_id, session=session)

    def write(given: dict[str, str]) -> None:
        body = VehicleUpdate.model_validate(_van_values(given))
        update_vehicle_and_audit(page, vehicle_id, body, session=session)

    redraw = partial(_vans, request, page, session, van)
    return await saved(request, session, page.t, LABELS, write, redraw, "/admin/vans")


def _van_values(given: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = blank_to_none({k: given.get(k, "") for k in VAN_FIELDS})
    values["weekdays"] = weekdays_of([d for d in WEEKDAYS if given.get(f"day_{d}") == "yes"])
    values["active"] = given.get("active") == "yes"
    return values


def _vans(
    request: Request,
    page: PageUser,
    session: DbSession,
    van: Vehicle | None,
    problem: str = "",
    given: dict[str, str] | None = None,
) -> Response:
    """Every van; below, the chosen van's form (or a new van's), after a refusal as typed."""
    mid = page.municipality_id
    context = {
        "page": page,
        "van": van,
        "vans": fleet.list_vehicles(mid, session=session),
        "kitchens": fleet.list_kitchens(mid, session=session),
        "weekday_names": WEEKDAYS,
        "ticked": ticked_weekdays(van.weekdays if van else "Mon-Fri"),
        "problem": problem,
        "given": given or {},
    }
    return render(request, "admin_vans.html", page.t, context, status_code=422 if problem else 200)


@router.get("/admin/drivers", response_class=HTMLResponse)
def drivers_page(request: Request, page: BoardUser, session: DbSession) -> Response:
    return _drivers(request, page, session)


@router.post("/admin/drivers", response_class=HTMLResponse, dependencies=FORM)
async def new_driver_form(request: Request, page: BoardUser, session: DbSession) -> Response:
    def write(given: dict[str, str]) -> None:
        values = {**_driver_values(given), "external_id": reference(given, "D")}
        taken = {d.external_id for d in fleet.list_drivers(page.municipality_id, session=session)}
        if values["external_id"] in taken:  # a form makes a new driver, never changes one
            raise refuse("external_id", Reason.already_exists, value=repr(values["external_id"]))
        upsert_driver_and_audit(page, DriverCreate.model_validate(values), session=session)

    redraw = partial(_drivers, request, page, session)
    return await saved(request, session, page.t, LABELS, write, redraw, "/admin/drivers")


@router.post("/admin/drivers/{driver_id:int}", response_class=HTMLResponse, dependencies=FORM)
async def driver_form(
    request: Request, driver_id: RowId, page: BoardUser, session: DbSession
) -> Response:
    fleet.get_driver(page.municipality_id, driver_id, session=session)

    def write(given: dict[str, str]) -> None:
        body = DriverUpdate.model_validate(_driver_values(given))
        update_driver_and_audit(page, driver_id, body, session=session)

    def redraw(words: str, given: dict[str, str]) -> Response:
        return _drivers(request, page, session, words, {**given, "driver": str(driver_id)})

    return await saved(request, session, page.t, LABELS, write, redraw, "/admin/drivers")


def _driver_values(given: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = blank_to_none({k: given.get(k, "") for k in ("name", "vehicle_id")})
    values["phone"] = given.get("phone", "").strip()
    return values


def _drivers(
    request: Request,
    page: PageUser,
    session: DbSession,
    problem: str = "",
    given: dict[str, str] | None = None,
) -> Response:
    mid = page.municipality_id
    context = {
        "page": page,
        "drivers": fleet.list_drivers(mid, session=session),
        "vans": fleet.list_vehicles(mid, session=session),
        "problem": problem,
        "given": given or {},
    }
    code = 422 if problem else 200
    return render(request, "admin_drivers.html", page.t, context, status_code=code)
