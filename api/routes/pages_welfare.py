"""The welfare screens: a client's "check on me" and emergency contacts
(dispatcher and admin), the escalation list (admin), and the service worker the board
registers so a dispatcher's browser receives alerts by Web Push.

The pages only draw: api/static/welfare.js reads and writes through the REST endpoints of
api/routes/welfare.py, so a screen and a script change the same rows with the same audit entry.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import DbSession, RowId
from api.pages import BoardUser, PageUser, page_user_for
from api.templating import STATIC, render
from scheduler.models import Role
from scheduler.repositories.clients import get_client
from scheduler.repositories.users import list_users

router = APIRouter(include_in_schema=False)
AdminPage = Annotated[PageUser, Depends(page_user_for((Role.admin,)))]
# The board's push worker controls no page: it only receives pushes and shows them, so the
# board's own requests never pass through the phone's offline cache (the same script).
BOARD_PUSH_SCOPE = "/board/push/"


@router.get("/clients/{client_id}/welfare", response_class=HTMLResponse)
def client_welfare_page(
    request: Request, client_id: RowId, page: BoardUser, session: DbSession
) -> Response:
    """The client's "check on me" and emergency contacts (another town's client: 404)."""
    client = get_client(page.municipality_id, client_id, session=session)
    return render(request, "client_welfare.html", page.t, {"page": page, "client": client})


@router.get("/admin/escalation", response_class=HTMLResponse)
def escalation_page(request: Request, page: AdminPage, session: DbSession) -> Response:
    """Who is asked, in turn, when nobody takes a welfare alert; the active users to choose."""
    users = [u for u in list_users(page.municipality_id, session=session) if u.active]
    return render(request, "admin_escalation.html", page.t, {"page": page, "users": users})


@router.get("/board/sw.js")
def board_service_worker() -> Response:
    """The phone's service worker script (its push handler shows alerts too), under /board/
    so the board may register it."""
    script = (STATIC / "sw.js").read_text(encoding="utf-8")
    headers = {"Cache-Control": "no-cache"}
    return Response(script, media_type="text/javascript", headers=headers)
