"""Imports from the screen over REST: upload a file for its preview, then apply or cancel.

`POST /v1/imports/{kind}` stores the file and answers each row's outcome; nothing is written
to the domain until `POST /v1/imports/{id}/apply`, which imports the whole file or nothing and
refuses (409, the rows that differ named) when the outcomes are no longer the preview's. The
import page calls the same functions (`upload_and_audit`, `apply_and_audit`, `cancel_and_audit`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Response, UploadFile, status
from sqlmodel import Session

from api.deps import Caller, DbSession, Now, RowId, Staff
from api.i18n import Translator
from api.import_words import reason_text
from api.problems import PROBLEM_JSON, PROBLEM_RESPONSES, FieldError, Problem, ProblemError
from api.routes._write import audited
from api.schemas.imports import (
    ImportAppliedPublic,
    ImportPreviewPublic,
    ImportRowPublic,
    RowProblemPublic,
)
from scheduler.errors import FieldProblem
from scheduler.intake.importing import ImportKind
from scheduler.intake.importing.preview import Preview, StalePreviewError
from scheduler.intake.importing.uploads import (
    Staged,
    apply_upload,
    cancel_upload,
    stage_upload,
    staged_upload,
)
from scheduler.repositories.tenancy import get_municipality
from scheduler.settings import get_settings

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["imports"])
STALE: dict[int | str, dict[str, Any]] = {
    409: {
        "model": Problem,
        "content": {PROBLEM_JSON: {}},
        "description": "The data changed since the preview; nothing was imported",
    }
}


@router.post(
    "/imports/{kind}", response_model=ImportPreviewPublic, status_code=status.HTTP_201_CREATED
)
def upload(
    kind: ImportKind,
    file: Annotated[UploadFile, File(description="A .csv (UTF-8, Windows-1251/1250) or .xlsx")],
    caller: Staff,
    session: DbSession,
    now: Now,
) -> ImportPreviewPublic:
    """Preview a file of the kind (columns as in IMPORT.md); nothing is imported yet."""
    data = read_limited(file)
    staged = upload_and_audit(caller, kind, file.filename or "", data, now=now, session=session)
    return preview_public(staged, _words(caller, session))


@router.get("/imports/{upload_id}", response_model=ImportPreviewPublic)
def show(upload_id: RowId, caller: Staff, session: DbSession, now: Now) -> ImportPreviewPublic:
    staged = staged_upload(caller.municipality_id, upload_id, now=now, session=session)
    return preview_public(staged, _words(caller, session))


@router.post("/imports/{upload_id}/apply", response_model=ImportAppliedPublic, responses=STALE)
def apply(upload_id: RowId, caller: Staff, session: DbSession, now: Now) -> ImportAppliedPublic:
    """Import the previewed file: every row or none (422 naming the fields of refused rows)."""
    try:
        staged, done = apply_and_audit(caller, upload_id, now=now, session=session)
    except StalePreviewError as exc:
        session.commit()  # the new preview stays for the next look; the import did not
        raise stale_problem(exc) from None
    return ImportAppliedPublic(
        id=staged.id, kind=staged.kind.value, filename=staged.filename, counts=_counts(done)
    )


@router.delete("/imports/{upload_id}", status_code=status.HTTP_204_NO_CONTENT)
def cancel(upload_id: RowId, caller: Staff, session: DbSession, now: Now) -> Response:
    cancel_and_audit(caller, upload_id, now=now, session=session)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def read_limited(file: UploadFile) -> bytes:
    """The upload's bytes, one past the import's size limit at most (the reader refuses it)."""
    return file.file.read(get_settings().import_max_bytes + 1)


def upload_and_audit(
    caller: Caller, kind: str, filename: str, data: bytes, *, now: datetime, session: Session
) -> Staged:
    staged = stage_upload(
        caller.municipality_id, kind, filename, data, actor=caller.actor, now=now, session=session
    )
    audited(session, caller, "preview", "import", staged.id, kind=staged.kind.value,
            filename=staged.filename, **_counts(staged.preview))  # fmt: skip
    return staged


def apply_and_audit(
    caller: Caller, upload_id: int, *, now: datetime, session: Session
) -> tuple[Staged, Preview]:
    staged, done = apply_upload(caller.municipality_id, upload_id, now=now, session=session)
    audited(session, caller, "apply", "import", upload_id, kind=staged.kind.value,
            filename=staged.filename, **_counts(done))  # fmt: skip
    return staged, done


def cancel_and_audit(caller: Caller, upload_id: int, *, now: datetime, session: Session) -> Staged:
    staged = cancel_upload(caller.municipality_id, upload_id, now=now, session=session)
    audited(session, caller, "cancel", "import", upload_id, kind=staged.kind.value,
            filename=staged.filename)  # fmt: skip
    return staged


def stale_problem(exc: StalePreviewError) -> ProblemError:
    errors = [
        FieldError(
            field=f"rows.{row.row}",
            message=f"was {was or 'not there'}, now {row.outcome}",
            reason="outcome_changed",
        )
        for row, was in exc.differences
    ]
    return ProblemError(409, "Preview out of date", str(exc), errors)


def preview_public(staged: Staged, t: Translator) -> ImportPreviewPublic:
    preview = staged.preview
    rows = [
        ImportRowPublic(
            row=r.row,
            external_id=r.external_id,
            name=r.name,
            outcome=r.outcome.value,
            problems=[_problem_public(p, t) for p in r.problems],
        )
        for r in preview.rows
    ]
    return ImportPreviewPublic(
        id=staged.id, kind=staged.kind.value, filename=staged.filename,
        uploaded_by=staged.uploaded_by, uploaded_at=staged.uploaded_at,
        expires_at=staged.expires_at, counts=_counts(preview), can_apply=preview.can_apply,
        more_problems=preview.more_problems, rows=rows,
    )  # fmt: skip


def _problem_public(problem: FieldProblem, t: Translator) -> RowProblemPublic:
    reason = reason_text(problem, t)
    return RowProblemPublic(
        field=problem.field, message=problem.message, reason=reason, code=problem.reason
    )


def _counts(preview: Preview) -> dict[str, int]:
    return {outcome.value: n for outcome, n in preview.counts.items()}


def _words(caller: Caller, session: Session) -> Translator:
    """The caller's language (their own, else the town's), for the reasons."""
    town = get_municipality(caller.municipality_id, session=session)
    return Translator(caller.locale or town.locale, town.timezone)
