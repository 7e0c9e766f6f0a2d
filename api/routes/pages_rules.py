"""The municipality's rules page: time zone, language and cut-off (the admin changes them, a
dispatcher reads them), each kitchen's hot-meal limit and portions per box, and the town's own
calendar (holidays delivered anyway, days closed, days delivered the day before).

The forms call what the REST routes call (api/routes/rules.py, and the kitchen's PATCH through
`merged` and `upsert_kitchen`), with the same audit rows; a refusal redraws the page with 422
naming the field in the reader's words and writes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.csrf import form_token
from api.deps import DbSession, RowId
from api.forms import refusal
from api.pages import BoardUser, PageUser, page_user_for
from api.routes.rules import (
    remove_override_and_audit,
    set_override_and_audit,
    set_rules_and_audit,
)
from api.schemas.rules import DateOverrideSet, RulesSet
from api.templating import render
from scheduler.audit import audit
from scheduler.errors import InvalidInputError
from scheduler.models import Role
from scheduler.models.fields import Day
from scheduler.models.fleet import KitchenBase
from scheduler.refusals import Reason, refuse
from scheduler.repositories import fleet
from scheduler.repositories.calendar import date_overrides
from scheduler.repositories.tenancy import LOCALES

router = APIRouter(include_in_schema=False)
AdminPage = Annotated[PageUser, Depends(page_user_for((Role.admin,)))]
FORM = [Depends(form_token)]
Short = Annotated[str, Form(max_length=64)]
LABELS = {
    "timezone": "Time zone",
    "locale": "Language",
    "cutoff_days_before": "Days before",
    "cutoff_time": "Cut-off time",
    "day": "Date",
    "deliver_before": "Delivered the day before",
    "hot_meal_minutes": "Hot-meal limit (minutes)",
    "portions_per_box": "Portions per box",
}


@router.get("/admin/rules", response_class=HTMLResponse)
def rules_page(request: Request, page: BoardUser, session: DbSession) -> Response:
    return _page(request, page, session)


def _page(request: Request, page: PageUser, session: DbSession, problem: str = "") -> Response:
    mid = page.municipality_id
    context = {
        "page": page,
        "town": page.town,
        "locales": LOCALES,
        "overrides": date_overrides(mid, session=session),
        "kitchens": fleet.list_kitchens(mid, session=session),
        "problem": problem,
    }
    return render(request, "admin_rules.html", page.t, context, status_code=422 if problem else 200)


@router.post("/admin/rules", response_class=HTMLResponse, dependencies=FORM)
def rules_form(
    request: Request,
    page: AdminPage,
    session: DbSession,
    timezone: Short,
    locale: Short,
    cutoff_days_before: Short,
    cutoff_time: Short,
) -> Response:
    try:
        body = RulesSet.model_validate(
            {
                "timezone": timezone,
                "locale": locale,
                "cutoff_days_before": cutoff_days_before,
                "cutoff_time": cutoff_time,
            }
        )
        set_rules_and_audit(page.municipality_id, page.actor, body, session=session)
    except (InvalidInputError, ValidationError) as exc:
        session.rollback()
        return _page(request, page, session, refusal(page.t, LABELS, exc))
    return RedirectResponse("/admin/rules", status_code=303)


@router.post("/admin/rules/days", response_class=HTMLResponse, dependencies=FORM)
def override_form(
    request: Request,
    page: BoardUser,
    session: DbSession,
    day: Short,
    delivers: Annotated[str, Form(pattern="^(yes|no|before)$")] = "yes",
    note: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        try:
            when = date.fromisoformat(day)
        except ValueError:
            raise refuse("day", Reason.not_a_date, value=repr(day)) from None
        body = DateOverrideSet(
            delivers=delivers == "yes", note=note, deliver_before=delivers == "before"
        )
        set_override_and_audit(page.municipality_id, page.actor, when, body, session=session)
    except InvalidInputError as exc:
        session.rollback()
        return _page(request, page, session, refusal(page.t, LABELS, exc))
    return RedirectResponse("/admin/rules", status_code=303)


@router.post("/admin/rules/days/{day}/delete", response_class=HTMLResponse, dependencies=FORM)
def delete_override_form(
    request: Request, day: Day, page: BoardUser, session: DbSession
) -> Response:
    try:
        remove_override_and_audit(page.municipality_id, page.actor, day, session=session)
    except InvalidInputError as exc:
        session.rollback()
        return _page(request, page, session, refusal(page.t, LABELS, exc))
    return RedirectResponse("/admin/rules", status_code=303)


@router.post("/admin/rules/kitchens/{kitchen_id}", response_class=HTMLResponse, dependencies=FORM)
def kitchen_form(
    request: Request,
    kitchen_id: RowId,
    page: BoardUser,
    session: DbSession,
    hot_meal_minutes: Short,
    portions_per_box: Short,
) -> Response:
    mid = page.municipality_id
    row = fleet.get_kitchen(mid, kitchen_id, session=session)
    given = {"hot_meal_minutes": hot_meal_minutes, "portions_per_box": portions_per_box}
    try:
        current = row.model_dump(include=set(KitchenBase.model_fields))
        record = KitchenBase.model_validate({**current, **given})
        fleet.upsert_kitchen(mid, record, session=session)
    except (InvalidInputError, ValidationError) as exc:
        session.rollback()
        return _page(request, page, session, refusal(page.t, LABELS, exc))
    audit(mid, session=session, actor=page.actor, action="update", entity="kitchen",
          entity_id=kitchen_id, detail={"fields": sorted(given)})  # fmt: skip
    return RedirectResponse("/admin/rules", status_code=303)
