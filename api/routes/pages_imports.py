"""The import page: upload a file, read each row's outcome, then apply or cancel.

The forms call what the REST routes call (api/routes/imports.py), with the same audit rows. A
file that cannot be read redraws the page with 422 and its problems; the preview shows every
row, refused ones first, with the column and the reason in the reader's words.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.csrf import form_token
from api.deps import Caller, DbSession, Now, RowId
from api.i18n import Translator
from api.import_words import reason_text
from api.pages import BoardUser, PageUser
from api.routes.imports import (
    apply_and_audit,
    cancel_and_audit,
    read_limited,
    upload_and_audit,
)
from api.templating import render
from scheduler.errors import FieldProblem, InvalidInputError, NotFoundError
from scheduler.intake.importing import COLUMNS, ImportKind
from scheduler.intake.importing.preview import Outcome, Preview, RowOutcome, StalePreviewError
from scheduler.intake.importing.uploads import Staged, staged_upload
from scheduler.repositories.addresses import clients_to_check
from scheduler.wording import N_

router = APIRouter(include_in_schema=False)
FORM = [Depends(form_token)]
KINDS = {
    ImportKind.kitchens: N_("Kitchens"),
    ImportKind.vehicles: N_("Vans"),
    ImportKind.clients: N_("Clients"),
    ImportKind.caregivers: N_("Caregivers"),
    ImportKind.visits: N_("Visits"),
}
OUTCOMES = {
    Outcome.new: N_("New"),
    Outcome.changed: N_("Changed"),
    Outcome.unchanged: N_("Unchanged"),
    Outcome.refused: N_("Rejected"),
    Outcome.unchecked: N_("Not checked"),
}


@router.get("/imports", response_class=HTMLResponse)
def imports_page(
    request: Request,
    page: BoardUser,
    session: DbSession,
    now: Now,
    upload: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    staged = None
    if upload is not None:
        try:
            staged = staged_upload(page.municipality_id, upload, now=now, session=session)
        except NotFoundError:
            return _page(request, page, notice=page.t.gettext("This upload is gone: applied, "
                         "cancelled or older than a day. Upload the file again."))  # fmt: skip
    return _page(request, page, staged=staged)


@router.post("/imports", response_class=HTMLResponse, dependencies=FORM)
def upload_form(
    request: Request,
    page: BoardUser,
    session: DbSession,
    now: Now,
    kind: Annotated[str, Form(max_length=16)],
    file: Annotated[UploadFile, File()],
) -> Response:
    data = read_limited(file)
    try:
        staged = upload_and_audit(
            page_caller(page), kind, file.filename or "", data, now=now, session=session
        )
    except InvalidInputError as exc:
        session.rollback()
        return _page(request, page, file_problems=exc.problems, kind=kind, status_code=422)
    return RedirectResponse(f"/imports?upload={staged.id}", status_code=303)


@router.post("/imports/{upload_id}/apply", response_class=HTMLResponse, dependencies=FORM)
def apply_form(
    request: Request, upload_id: RowId, page: BoardUser, session: DbSession, now: Now
) -> Response:
    t = page.t
    try:
        staged, done = apply_and_audit(page_caller(page), upload_id, now=now, session=session)
    except StalePreviewError:
        session.commit()  # keep the new preview, which the page shows
        staged = staged_upload(page.municipality_id, upload_id, now=now, session=session)
        notice = t.gettext("The data changed since this preview, so nothing was imported. "
                           "Check the outcomes below and apply again.")  # fmt: skip
        return _page(request, page, staged=staged, notice=notice, status_code=409)
    except InvalidInputError:
        session.rollback()
        staged = staged_upload(page.municipality_id, upload_id, now=now, session=session)
        notice = t.gettext("Refused rows: correct the file and upload it again.")
        return _page(request, page, staged=staged, notice=notice, status_code=422)
    counts = done.counts
    done_words = t.gettext(
        "%(file)s imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged."
    ) % {
        "file": staged.filename,
        "new": counts[Outcome.new],
        "changed": counts[Outcome.changed],
        "unchanged": counts[Outcome.unchanged],
    }
    unplaced = len(clients_to_check(page.municipality_id, session=session))
    return _page(request, page, done=done_words, kind=staged.kind.value, unplaced=unplaced)


@router.post("/imports/{upload_id}/cancel", response_class=HTMLResponse, dependencies=FORM)
def cancel_form(upload_id: RowId, page: BoardUser, session: DbSession, now: Now) -> Response:
    cancel_and_audit(page_caller(page), upload_id, now=now, session=session)
    return RedirectResponse("/imports", status_code=303)


def page_caller(page: PageUser) -> Caller:
    user = page.user
    assert user.id is not None
    return Caller(user.id, user.municipality_id, user.username, user.role, user.locale)


def _page(
    request: Request,
    page: PageUser,
    *,
    staged: Staged | None = None,
    file_problems: list[FieldProblem] | None = None,
    notice: str = "",
    done: str = "",
    kind: str = "",
    unplaced: int = 0,
    status_code: int = 200,
) -> Response:
    t = page.t
    context = {
        "page": page,
        "kinds": [(k.value, t.gettext(word)) for k, word in KINDS.items()],
        "kind": staged.kind.value if staged else kind or ImportKind.clients.value,
        "columns": {k: ",".join(cols) for k, cols in COLUMNS.items()},
        "staged": staged,
        "rows": _rows(staged.preview, t) if staged else [],
        "counts": _counts(staged.preview, t) if staged else [],
        "file_problems": [_problem(p, t) for p in file_problems or []],
        "notice": notice,
        "done": done,
        "unplaced": unplaced,  # clients whose address the geocoder did not settle
    }
    return render(request, "imports.html", t, context, status_code=status_code)


def _rows(preview: Preview, t: Translator) -> list[dict[str, object]]:
    """Every row, refused ones first (what the person has to fix), then in file order."""
    first = sorted(preview.rows, key=lambda r: (r.outcome is not Outcome.refused, r.row))
    return [_row(r, t) for r in first]


def _row(row: RowOutcome, t: Translator) -> dict[str, object]:
    return {
        "row": row.row,
        "external_id": row.external_id,
        "name": row.name,
        "outcome": row.outcome.value,
        "outcome_words": t.gettext(OUTCOMES[row.outcome]),
        "problems": [_problem(p, t) for p in row.problems],
    }


def _problem(problem: FieldProblem, t: Translator) -> dict[str, object]:
    return {"row": problem.row, "field": problem.field, "reason": reason_text(problem, t)}


def _counts(preview: Preview, t: Translator) -> list[tuple[str, str, int]]:
    counts = preview.counts.items()
    return [
        (o.value, t.gettext(OUTCOMES[o]), n) for o, n in counts if n or o is not Outcome.unchecked
    ]
