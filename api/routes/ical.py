"""`/ical/{token}.ics`: a caregiver's visits as a calendar feed behind a private link.

Phones' calendars cannot sign in, so the token in the URL is the credential (see
scheduler/reports/caregiver_ical.py); no cookie or bearer token is read here. Unknown, malformed and
revoked tokens all answer the same 404, so the answer says nothing of which part was wrong.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Response

from api.deps import DbSession
from api.problems import PROBLEM_RESPONSES, ProblemError
from scheduler.errors import NotFoundError
from scheduler.reports.caregiver_ical import calendar_feed

router = APIRouter(tags=["calendar"])
# The shape issue_calendar_link makes: the municipality's id, a dash, a urlsafe secret. Checked
# before any query so that a huge number never reaches the database as an id.
TOKEN = re.compile(r"^[1-9]\d{0,9}-[A-Za-z0-9_-]{16,64}$")
ICS: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/calendar": {}}, "description": "An iCalendar document."}
}


@router.get(
    "/ical/{token}.ics",
    response_class=Response,
    responses={404: PROBLEM_RESPONSES[404], **ICS},
)
def calendar(token: str, session: DbSession) -> Response:
    """The caregiver's visits from a week back to two weeks ahead, one event per visit."""
    if not TOKEN.match(token) or int(token.partition("-")[0]) > 2**31 - 1:
        raise ProblemError(404, "Not found", "no such calendar link")
    try:
        body = calendar_feed(token, session=session)
    except NotFoundError:
        raise ProblemError(404, "Not found", "no such calendar link") from None
    # Private data: no shared cache may keep it, and phones fetch it again anyway.
    headers = {"Cache-Control": "private, no-store"}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)
