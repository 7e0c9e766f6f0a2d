"""Kitchen batches (`/v1/kitchen-batches/{day}`, the kitchen page) and `/v1/statements`.

Kitchen staff see portions, packing lists and labels: names and addresses to put on the boxes,
never phone numbers or notes beyond what a label carries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from api.deps import DbSession, KitchenReader, PageParams, Staff
from api.listing import page_list
from api.pages import KitchenUser
from api.problems import PROBLEM_RESPONSES
from api.routes._write import audited
from api.schemas.common import Page
from api.schemas.kitchen import KitchenDayPublic, StatementPublic
from api.templating import render
from scheduler.errors import InvalidInputError
from scheduler.models.fields import Day
from scheduler.reports.kitchen import kitchen_day
from scheduler.reports.kitchen_sheets import kitchen_csv
from scheduler.reports.milk_kitchen import milk_sheet
from scheduler.reports.statement_sheets import statement_dict
from scheduler.reports.statements import month_statements

router = APIRouter(responses=PROBLEM_RESPONSES)


@router.get("/v1/kitchen-batches/{day}", response_model=KitchenDayPublic, tags=["kitchen"])
def kitchen_batches(day: Day, caller: KitchenReader, session: DbSession) -> KitchenDayPublic:
    sheets = kitchen_day(caller.municipality_id, day, session=session)
    return KitchenDayPublic.model_validate(sheets.to_dict())


@router.get("/v1/statements", response_model=Page[StatementPublic], tags=["statements"])
def statements(
    caller: Staff,
    session: DbSession,
    paging: PageParams,
    month: Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")],
    client_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Page[StatementPublic]:
    """Per client: meals delivered, not at home, refused, cancelled, and the fee."""
    rows = month_statements(caller.municipality_id, month, session=session, client_id=client_id)
    audited(session, caller, "export", "statements", month, clients=len(rows))
    items = [StatementPublic.model_validate(statement_dict(s)) for s in rows]
    return page_list(items, paging, StatementPublic)


@router.get("/kitchen", response_class=HTMLResponse, include_in_schema=False)
def kitchen_page(
    request: Request, page: KitchenUser, session: DbSession, day: Day | None = None
) -> Response:
    day = day or datetime.now(ZoneInfo(page.town.timezone)).date()
    try:
        sheets = kitchen_day(page.municipality_id, day, session=session)
    except InvalidInputError:
        sheets = None
    milk = milk_sheet(page.municipality_id, day, session=session)
    context = {"page": page, "day": day, "sheets": sheets, "milk": milk}
    return render(request, "kitchen.html", page.t, context)


@router.get("/kitchen.csv", include_in_schema=False)
def kitchen_sheet_csv(page: KitchenUser, session: DbSession, day: Day) -> Response:
    sheets = kitchen_day(page.municipality_id, day, session=session)
    headers = {"Content-Disposition": f'attachment; filename="kitchen-{day.isoformat()}.csv"'}
    text = kitchen_csv(sheets, page.t)  # the columns in the reader's words
    return PlainTextResponse(text, media_type="text/csv", headers=headers)
