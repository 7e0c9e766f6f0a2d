"""Errors as `application/problem+json` (RFC 9457), with the offending fields named.

Every failure a client can see goes through here: validation errors name each field, domain
errors map to their status, and anything unexpected becomes a bare 500 whose details stay in
the server log. No stack trace ever reaches a client. A refused input names each field with a
stable `reason` code for programs, and says why in the caller's language: their own if they
are signed in and chose one, else the one their `Accept-Language` asks for.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.i18n import Translator, accept_language
from scheduler.errors import (
    CutoffPassedError,
    DomainError,
    FieldProblem,
    InvalidInputError,
    NotFoundError,
)
from scheduler.refusals import checked_problem
from scheduler.wording import N_

log = logging.getLogger("patronage.api")
PROBLEM_JSON = "application/problem+json"


class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the field, e.g. `body.jobs.0.service`.")
    message: str = Field(description="Why, in the caller's language.")
    reason: str = Field(
        default="invalid",
        description="Why, as a stable code for programs (e.g. `empty`, `unknown_day`, "
        "`end_before_start`; pydantic's error type for a malformed body).",
    )


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[FieldError] = Field(default_factory=list)


# For `responses=` in route declarations, so the OpenAPI document shows the error shape.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": text}
    for code, text in {
        401: "Not signed in",
        403: "Role not allowed",
        404: "Not found in your municipality",
        422: "Invalid input",
    }.items()
}


class ProblemError(Exception):
    """Raise in a route to answer with a problem of this status (the API's own errors)."""

    def __init__(
        self, status: int, title: str, detail: str = "", errors: list[FieldError] | None = None
    ) -> None:
        super().__init__(detail or title)
        self.problem = Problem(title=title, status=status, detail=detail, errors=errors or [])
        self.headers: dict[str, str] = {}


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(), status_code=problem.status, media_type=PROBLEM_JSON, headers=headers
    )


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def reader(request: Request) -> Translator:
    """The caller's words: their own language when signed in with one (`current_caller` notes
    it), else their browser's; never the municipality's, which may not be the caller's."""
    own = getattr(request.state, "locale", None)
    return Translator(own or accept_language(request.headers.get("accept-language")), "UTC")


def field_errors(problems: list[FieldProblem], t: Translator) -> list[FieldError]:
    return [FieldError(field=p.field, message=p.words(t), reason=p.reason) for p in problems]


def invalid_input(problems: list[FieldProblem], t: Translator) -> Problem:
    """A 422 naming each field, with its reason, in `t`'s language."""
    errors = field_errors(problems, t)
    detail = "; ".join(
        _where(p.row, t) + f"{e.field}: {e.message}" for p, e in zip(problems, errors, strict=True)
    )
    return Problem(title=t.gettext("Invalid input"), status=422, detail=detail, errors=errors)


CLOSED = N_(
    "Orders for %(day)s closed at %(cutoff)s; the earliest date this change can apply to is "
    "%(next)s."
)


def cutoff_words(exc: CutoffPassedError, t: Translator) -> str:
    """A passed cut-off in `t`'s language, its time in the municipality's zone (the cut-off's)."""
    zone = getattr(exc.cutoff.tzinfo, "key", "UTC")
    local = Translator(t.language, zone)
    return local.gettext(CLOSED) % {
        "day": local.short_day(exc.day),
        "cutoff": local.moment(exc.cutoff),
        "next": local.short_day(exc.next_day),
    }


def _where(row: int | None, t: Translator) -> str:
    return "" if row is None else t.gettext("row %(row)s") % {"row": row} + ", "


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    t = reader(request)
    problems = [  # English: pydantic's message as it is; other languages: its reason's words
        replace(checked_problem(_field(e.get("loc", ())), e), message=str(e.get("msg", "")))
        for e in exc.errors()
    ]
    errors = field_errors(problems, t)
    names = ", ".join(e.field for e in errors[:5])
    detail = t.gettext("check: %(fields)s") % {"fields": names}
    return problem_response(
        Problem(title=t.gettext("Invalid input"), status=422, detail=detail, errors=errors)
    )


async def _on_http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    title = str(exc.detail) if exc.detail else "Error"
    return problem_response(Problem(title=title, status=exc.status_code), dict(exc.headers or {}))


async def _on_problem(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(exc.problem, exc.headers)


async def _on_domain(request: Request, exc: Exception) -> JSONResponse:
    t = reader(request)
    if isinstance(exc, InvalidInputError):
        problem = invalid_input(exc.problems, t)
    elif isinstance(exc, NotFoundError):
        problem = Problem(title="Not found", status=404, detail=f"no such {exc.entity}")
    elif isinstance(exc, CutoffPassedError):
        problem = Problem(title="Cut-off passed", status=409, detail=cutoff_words(exc, t))
    else:
        problem = Problem(title="Refused", status=409, detail=str(exc))
    return problem_response(problem)


async def _on_out_of_range(_request: Request, exc: Exception) -> JSONResponse:
    """A number the database cannot hold: the input's fault, not the server's."""
    log.info("value out of range: %s", exc)
    return problem_response(
        Problem(title="Invalid input", status=422, detail="a number is out of range")
    )


async def _on_crash(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(Problem(title="Internal error", status=500))


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(DomainError, _on_domain)
    app.add_exception_handler(OverflowError, _on_out_of_range)
    app.add_exception_handler(DataError, _on_out_of_range)
    app.add_exception_handler(Exception, _on_crash)
