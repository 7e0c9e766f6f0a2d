"""What the office's forms share: how a refusal reads, the fields it names, and a form saved
or its page redrawn.

A form posts text; the same pydantic models and scheduler functions as REST check it, and a
refusal (InvalidInputError from the domain, ValidationError from the models) becomes one
sentence naming the form's own labels in the reader's language, shown on the redrawn page.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import date

from fastapi import BackgroundTasks, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from api.eager import relay_if_eager
from api.i18n import Translator
from scheduler.errors import InvalidInputError
from scheduler.intake.calendar import parse_weekdays
from scheduler.refusals import Reason, ReasonError, refuse

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# RequestValidationError: a change merged into a stored record that no longer fits (`merged`).
Refusal = InvalidInputError | ValidationError | RequestValidationError
REFUSALS = (InvalidInputError, ValidationError, RequestValidationError)


def fields_of(exc: Refusal) -> list[str]:
    """The fields a refusal names, as the models call them."""
    if isinstance(exc, InvalidInputError):
        return [p.field for p in exc.problems]
    places = [[str(part) for part in e.get("loc", ()) if part != "body"] for e in exc.errors()]
    return [place[0] if place else "" for place in places]


def refusal(t: Translator, labels: Mapping[str, str], exc: Refusal) -> str:
    """ "Not saved: check Name, Longitude." in the reader's words, each label once."""
    names = dict.fromkeys(t.gettext(labels.get(f, f)) for f in fields_of(exc))
    return t.gettext("Not saved: check %(fields)s.") % {"fields": ", ".join(names)}


def refusal_words(t: Translator, exc: Exception) -> str:
    """Why a change was refused, in the reader's words: each field an InvalidInputError names
    with its reason, a parser's coded ValueError; any other error as it says itself."""
    if isinstance(exc, InvalidInputError):
        return "; ".join(f"{p.field}: {p.words(t)}" for p in exc.problems)
    if isinstance(exc, ReasonError):
        return exc.problem("").words(t)
    return str(exc)


def reference(given: Mapping[str, str], prefix: str) -> str:
    """The reference number typed, or one made up (`K-1A2B3C4D`) for a new row the office gave
    none: imports match rows on it."""
    return given.get("external_id", "").strip() or f"{prefix}-{secrets.token_hex(4).upper()}"


def weekdays_of(ticked: list[str]) -> str:
    """Ticked weekday boxes ("Mon", "Wed") as a weekdays field says them: "Mon,Wed"."""
    return ",".join(ticked)


def ticked_weekdays(weekdays: str) -> set[str]:
    """The weekday boxes to tick for a stored weekdays field ("Mon-Wed": Mon, Tue, Wed)."""
    try:
        return {WEEKDAYS[i] for i in parse_weekdays(weekdays)}
    except ValueError:
        return set()


def day_or_none(text: str, field: str) -> date | None:
    """A date field a form may leave empty."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise refuse(field, Reason.not_a_date, value=repr(text)) from None


def blank_to_none(values: Mapping[str, str]) -> dict[str, str | None]:
    """Empty inputs as "not given", so a model's default or its "required" applies."""
    return {k: (v.strip() or None) for k, v in values.items()}


async def posted(request: Request) -> dict[str, str]:
    """A form's fields as text, without its CSRF token (an unticked box is absent)."""
    form = await request.form()
    return {k: v[:1000] for k, v in form.items() if isinstance(v, str) and k != "csrf"}


async def saved(
    request: Request,
    session: Session,
    t: Translator,
    labels: Mapping[str, str],
    write: Callable[[dict[str, str]], object],
    redraw: Callable[[str, dict[str, str]], Response],
    done: str,
    later: BackgroundTasks | None = None,
) -> Response:
    """The posted form given to `write`, then the browser sent on to `done` (303), relaying
    the change's events at once without a broker when `later` is given. A refusal undoes what
    was written and `redraw`s the page (422) with it in the reader's words and the form as
    typed."""
    given = await posted(request)
    try:
        write(given)
    except REFUSALS as exc:
        session.rollback()
        return redraw(refusal(t, labels, exc), given)
    if later is not None:
        relay_if_eager(later, request)
    return RedirectResponse(done, status_code=303)
