"""The office's screen of drivers' absences (dispatcher and admin): days off, holidays and sick
leave, listed from a date, added and removed.

The form calls what `POST /v1/driver-absences` calls (intake, with its event and audit row); a
refusal (an overlap, days in the wrong order) redraws the page with 422 naming the field in the
reader's words, and nothing is written.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.csrf import form_token
from api.deps import DbSession, RowId
from api.eager import relay_if_eager
from api.forms import blank_to_none, saved
from api.pages import BoardUser, PageUser
from api.routes._absences import absences_screen
from api.routes.driver_absences import add_driver_absence
from api.schemas.driver_absences import DriverAbsenceCreate
from scheduler.intake.day_changes import Actor
from scheduler.intake.driver_absences import remove_driver_absence
from scheduler.models.fields import Day
from scheduler.repositories import fleet
from scheduler.repositories.driver_absences import driver_absences_between

router = APIRouter(include_in_schema=False)
FORM = [Depends(form_token)]
LABELS = {
    "driver_id": "Driver",
    "first_day": "From",
    "last_day": "Until",
    "kind": "Kind",
    "note": "Note",
}


@router.get("/admin/driver-absences", response_class=HTMLResponse)
def driver_absences_page(
    request: Request,
    page: BoardUser,
    session: DbSession,
    first: Annotated[Day | None, Query(alias="from")] = None,
) -> Response:
    """Drivers' absences touching the year from `from` (default today)."""
    return _page(request, page, session, first=first)


@router.post("/admin/driver-absences", response_class=HTMLResponse, dependencies=FORM)
async def driver_absence_form(
    request: Request, page: BoardUser, session: DbSession, later: BackgroundTasks
) -> Response:
    def write(given: dict[str, str]) -> None:
        keys = ("driver_id", "first_day", "last_day", "kind")
        values = {**blank_to_none({k: given.get(k, "") for k in keys}), "note": given.get("note")}
        body = DriverAbsenceCreate.model_validate(
            {k: v for k, v in values.items() if v is not None}
        )
        add_driver_absence(page.municipality_id, _actor(page), body, session=session)

    redraw = partial(_page, request, page, session)
    done = "/admin/driver-absences"
    return await saved(request, session, page.t, LABELS, write, redraw, done, later)


@router.post(
    "/admin/driver-absences/{absence_id:int}/delete",
    response_class=HTMLResponse,
    dependencies=FORM,
)
def delete_driver_absence_form(
    request: Request, absence_id: RowId, page: BoardUser, session: DbSession, later: BackgroundTasks
) -> Response:
    remove_driver_absence(page.municipality_id, absence_id, session=session, by=_actor(page))
    relay_if_eager(later, request)
    return RedirectResponse("/admin/driver-absences", status_code=303)


def _actor(page: PageUser) -> Actor:
    return Actor(name=page.actor, role=page.user.role)


def _page(
    request: Request,
    page: PageUser,
    session: DbSession,
    problem: str = "",
    given: dict[str, str] | None = None,
    first: date | None = None,
) -> Response:
    """Absences from `first` (today) through the year after, and the form to add one."""
    mid = page.municipality_id
    drivers = fleet.list_drivers(mid, session=session)
    return absences_screen(
        request,
        page,
        "admin_driver_absences.html",
        partial(driver_absences_between, mid, session=session),
        {d.id: d.name for d in drivers},
        first,
        problem,
        given,
        drivers=drivers,
        vans={v.id: v.name for v in fleet.list_vehicles(mid, session=session)},
    )
