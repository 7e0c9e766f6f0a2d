"""What the caregivers' and the drivers' absences share at the door: how long a listed span
may be (REST), and the office's screen of them, from a date through the year after.

Each keeps its own routes, fields, template and audit rows (api/routes/care_day.py and
pages_care.py, driver_absences.py and pages_driver_absences.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta

from fastapi import Request
from fastapi.responses import Response

from api.deps import now
from api.pages import PageUser
from api.templating import render
from scheduler.intake.calendar import local_today
from scheduler.models import AbsenceKind
from scheduler.refusals import Reason, refuse

MAX_LISTED_DAYS = 400  # an absence list longer than a year is a typo in a date
LISTED_DAYS = 365  # the screen shows the absences touching the coming year


def check_listed(date_from: date, date_to: date) -> None:
    """Refuse (naming `to`) a span that ends before it starts or is longer than a list needs."""
    if date_to < date_from or (date_to - date_from).days > MAX_LISTED_DAYS:
        raise refuse("to", Reason.range_too_long, n=MAX_LISTED_DAYS)


def absences_screen(
    request: Request,
    page: PageUser,
    template: str,
    listed: Callable[[date, date], Sequence[object]],
    names: Mapping[int | None, str],
    first: date | None,
    problem: str,
    given: dict[str, str] | None,
    **more: object,
) -> Response:
    """The absences `listed` from `first` (today) through the year after, with the people's
    `names` and the form to add one (after a refusal, 422 and the form as typed)."""
    today = first or local_today(page.town.timezone, now(request))
    context = {
        "page": page,
        "absences": listed(today, today + timedelta(days=LISTED_DAYS)),
        "first": today,
        "names": names,
        "kinds": list(AbsenceKind),
        "problem": problem,
        "given": given or {},
        **more,
    }
    code = 422 if problem else 200
    return render(request, template, page.t, context, status_code=code)
