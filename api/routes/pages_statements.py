"""The dispatcher's statements page: the month's clients and amounts, the downloads per client
and for the month, and, before anything is billed, the prices that are missing.

The page never fails for a missing price (it lists them instead); the CSV downloads do refuse
(422 naming `price`), so a month is never billed with a meal charged as nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from api.deps import DbSession
from api.pages import BoardUser
from api.templating import render
from scheduler.audit import audit
from scheduler.reports.statement_sheets import statements_csv
from scheduler.reports.statements import month_bounds, month_statements, statement_counts
from scheduler.repositories.clients import clients_by_external_id

router = APIRouter(include_in_schema=False)
MonthText = Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
ClientQuery = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


@router.get("/statements", response_class=HTMLResponse)
def statements_page(
    request: Request, page: BoardUser, session: DbSession, month: MonthText = None
) -> Response:
    today = datetime.now(ZoneInfo(page.town.timezone)).date()
    month = month or f"{today:%Y-%m}"
    month_bounds(month)
    rows = month_statements(page.municipality_id, month, session=session, strict=False)
    known = clients_by_external_id(page.municipality_id, session=session)
    ids = {external: c.id for external, c in known.items()}
    missing = sorted({w for s in rows for w in s.warnings})
    context = {
        "page": page,
        "month": month,
        "statements": rows,
        "ids": ids,
        "missing": missing,
        "totals": statement_counts(rows),
    }
    return render(request, "statements.html", page.t, context)


@router.get("/statements.csv")
def statements_download(
    page: BoardUser, session: DbSession, month: MonthText = None, client_id: ClientQuery = None
) -> Response:
    """The month's statements as CSV (one client's with `client_id`), in the reader's words."""
    month = month or ""
    rows = month_statements(page.municipality_id, month, session=session, client_id=client_id)
    detail: dict[str, object] = {"clients": len(rows), "sheet": "csv", "client_id": client_id}
    audit(page.municipality_id, session=session, actor=page.actor, action="export",
          entity="statements", entity_id=month, detail=detail)  # fmt: skip
    suffix = f"-{rows[0].client_id}" if client_id is not None and rows else ""
    name = f"statements-{month}{suffix}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return PlainTextResponse(statements_csv(rows, page.t), media_type="text/csv", headers=headers)
