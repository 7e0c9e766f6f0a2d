"""The office's home-care screens (dispatcher and admin): caregivers (skills, shift, travel
mode, home) and their absences (days off, holidays, sick leave).

Each form calls what its REST call does (api/routes/care.py and care_day.py: the same
functions, the same audit rows; an absence through intake, whose event re-plans the frozen
days it touches). A refusal redraws the page with 422 naming the field in the reader's words;
nothing is written.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.csrf import form_token
from api.deps import DbSession, RowId
from api.eager import relay_if_eager
from api.forms import (
    WEEKDAYS,
    blank_to_none,
    reference,
    saved,
    ticked_weekdays,
    weekdays_of,
)
from api.pages import BoardUser, PageUser
from api.routes._absences import absences_screen
from api.routes.care import create_caregiver_and_audit, update_caregiver_and_audit
from api.routes.care_day import add_absence_and_audit, remove_absence_and_audit
from api.schemas.care import CaregiverCreate, CaregiverUpdate
from api.schemas.care_day import AbsenceCreate
from api.templating import render
from scheduler.intake.availability import absences_between
from scheduler.intake.orders import Actor
from scheduler.models import Caregiver, TravelMode
from scheduler.models.fields import Day
from scheduler.repositories import care

router = APIRouter(include_in_schema=False)
FORM = [Depends(form_token)]
CAREGIVER_FIELDS = ("name", "mode", "shift_start", "shift_end", "start_lat", "start_lon")
LABELS = {
    "external_id": "Reference number",
    "name": "Name",
    "phone": "Phone",
    "mode": "Travel mode",
    "shift_start": "Shift start",
    "shift_end": "Shift end",
    "start_lat": "Home: latitude",
    "start_lon": "Home: longitude",
    "skills": "Skills",
    "weekdays": "Weekdays",
    "caregiver_id": "Caregiver",
    "start": "From",
    "end": "Until",
    "kind": "Kind",
}


@router.get("/admin/caregivers", response_class=HTMLResponse)
def caregivers_page(request: Request, page: BoardUser, session: DbSession) -> Response:
    return _caregivers(request, page, session, None)


@router.get("/admin/caregivers/{caregiver_id:int}", response_class=HTMLResponse)
def caregiver_page(
    request: Request, caregiver_id: RowId, page: BoardUser, session: DbSession
) -> Response:
    carer = care.get_caregiver(page.municipality_id, caregiver_id, session=session)
    return _caregivers(request, page, session, carer)


@router.post("/admin/caregivers", response_class=HTMLResponse, dependencies=FORM)
async def new_caregiver_form(request: Request, page: BoardUser, session: DbSession) -> Response:
    def write(given: dict[str, str]) -> None:
        values = {**_caregiver_values(given), "external_id": reference(given, "CG")}
        create_caregiver_and_audit(page, CaregiverCreate.model_validate(values), session=session)

    redraw = partial(_caregivers, request, page, session, None)
    return await saved(request, session, page.t, LABELS, write, redraw, "/admin/caregivers")


@router.post("/admin/caregivers/{caregiver_id:int}", response_class=HTMLResponse, dependencies=FORM)
async def caregiver_form(
    request: Request, caregiver_id: RowId, page: BoardUser, session: DbSession
) -> Response:
    carer = care.get_caregiver(page.municipality_id, caregiver_id, session=session)

    def write(given: dict[str, str]) -> None:
        body = CaregiverUpdate.model_validate(_caregiver_values(given))
        update_caregiver_and_audit(page, caregiver_id, body, session=session)

    redraw = partial(_caregivers, request, page, session, carer)
    return await saved(request, session, page.t, LABELS, write, redraw, "/admin/caregivers")


def _caregiver_values(given: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = blank_to_none({k: given.get(k, "") for k in CAREGIVER_FIELDS})
    values["phone"] = given.get("phone", "").strip()
    values["skills"] = [s.strip() for s in given.get("skills", "").split(",") if s.strip()]
    values["weekdays"] = weekdays_of([d for d in WEEKDAYS if given.get(f"day_{d}") == "yes"])
    values["active"] = given.get("active") == "yes"
    return values


def _caregivers(
    request: Request,
    page: PageUser,
    session: DbSession,
    carer: Caregiver | None,
    problem: str = "",
    given: dict[str, str] | None = None,
) -> Response:
    """Every caregiver; below, the chosen one's form (or a new one's), after a refusal as typed."""
    mid = page.municipality_id
    context = {
        "page": page,
        "carer": carer,
        "caregivers": care.list_caregivers(mid, session=session),
        "modes": list(TravelMode),
        "skills": sorted(care.known_skills(mid, session=session)),
        "weekday_names": WEEKDAYS,
        "ticked": ticked_weekdays(carer.weekdays if carer else "Mon-Fri"),
        "problem": problem,
        "given": given or {},
    }
    code = 422 if problem else 200
    return render(request, "admin_caregivers.html", page.t, context, status_code=code)


@router.get("/admin/absences", response_class=HTMLResponse)
def absences_page(
    request: Request,
    page: BoardUser,
    session: DbSession,
    first: Annotated[Day | None, Query(alias="from")] = None,
) -> Response:
    """Absences touching the year from `from` (default today)."""
    return _absences(request, page, session, first=first)


@router.post("/admin/absences", response_class=HTMLResponse, dependencies=FORM)
async def absence_form(
    request: Request, page: BoardUser, session: DbSession, later: BackgroundTasks
) -> Response:
    def write(given: dict[str, str]) -> None:
        keys = ("caregiver_id", "start", "end", "kind")
        body = AbsenceCreate.model_validate(blank_to_none({k: given.get(k, "") for k in keys}))
        by = Actor(name=page.actor, role=page.user.role)
        add_absence_and_audit(page, by, body, session=session)

    redraw = partial(_absences, request, page, session)
    return await saved(request, session, page.t, LABELS, write, redraw, "/admin/absences", later)


@router.post(
    "/admin/absences/{absence_id:int}/delete", response_class=HTMLResponse, dependencies=FORM
)
def delete_absence_form(
    request: Request, absence_id: RowId, page: BoardUser, session: DbSession, later: BackgroundTasks
) -> Response:
    by = Actor(name=page.actor, role=page.user.role)
    remove_absence_and_audit(page, by, absence_id, session=session)
    relay_if_eager(later, request)
    return RedirectResponse("/admin/absences", status_code=303)


def _absences(
    request: Request,
    page: PageUser,
    session: DbSession,
    problem: str = "",
    given: dict[str, str] | None = None,
    first: date | None = None,
) -> Response:
    """Absences from `first` (today) through the year after, and the form to add one."""
    mid = page.municipality_id
    caregivers = care.list_caregivers(mid, session=session)
    return absences_screen(
        request,
        page,
        "admin_absences.html",
        partial(absences_between, mid, session=session),
        {c.id: c.name for c in caregivers},
        first,
        problem,
        given,
        caregivers=caregivers,
    )
