"""Imports from the screen: a file uploaded, its preview kept, then applied or cancelled.

The upload is stored (the file and the outcomes its preview showed) so that the preview and
"apply" can be two requests, on any server, a while apart; it expires after `UPLOAD_LIFETIME`.
Nothing reaches the domain tables until "apply", which reads the stored file again, checks
every row again and imports it in one savepoint, refused whole when a row's outcome is no
longer what the person saw (the stored preview is then replaced by the new one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from scheduler.intake import addresses
from scheduler.intake.calendar import local_today
from scheduler.intake.importing import COLUMNS, ImportKind
from scheduler.intake.importing.preview import (
    Preview,
    StalePreviewError,
    apply_table,
    file_problems,
    preview_table,
)
from scheduler.intake.importing.readers import Table, read_upload
from scheduler.models import ImportUpload, Municipality
from scheduler.refusals import Reason, refuse
from scheduler.repositories.imports import (
    add_upload,
    get_upload,
    remove_expired_uploads,
    remove_upload,
)
from scheduler.repositories.tenancy import get_municipality

UPLOAD_LIFETIME = timedelta(days=1)


@dataclass(frozen=True)
class Staged:
    """An upload waiting for "apply", with the preview the person sees."""

    id: int
    kind: ImportKind
    filename: str
    uploaded_by: str
    uploaded_at: datetime
    expires_at: datetime
    preview: Preview


def import_kind(kind: str) -> ImportKind:
    try:
        return ImportKind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in ImportKind)
        raise refuse("kind", Reason.unknown_kind, value=repr(kind), choices=choices) from None


def stage_upload(
    municipality_id: int,
    kind: str,
    filename: str,
    data: bytes,
    *,
    actor: str,
    now: datetime,
    session: Session,
) -> Staged:
    """Read and preview the file, then keep it; InvalidInputError when it cannot be read
    (its columns, its encoding, its size), which stores nothing."""
    which = import_kind(kind)
    town = get_municipality(municipality_id, session=session)
    table = read_upload(filename, data, COLUMNS[which], language=town.locale)
    preview = preview_table(
        which, table, municipality_id, session=session, today=local_today(town.timezone, now)
    )
    remove_expired_uploads(municipality_id, now=now, session=session)
    row = ImportUpload(
        municipality_id=municipality_id,
        kind=which.value,
        filename=filename[-255:],
        content=data,
        uploaded_by=actor[:80],
        uploaded_at=now,
        expires_at=now + UPLOAD_LIFETIME,
        preview=preview.to_json(),
    )
    return _staged(add_upload(municipality_id, row, session=session))


def staged_upload(
    municipality_id: int, upload_id: int, *, now: datetime, session: Session
) -> Staged:
    """The upload and its preview; NotFoundError when gone (applied, cancelled, expired)."""
    return _staged(get_upload(municipality_id, upload_id, now=now, session=session))


def apply_upload(
    municipality_id: int, upload_id: int, *, now: datetime, session: Session
) -> tuple[Staged, Preview]:
    """Import the upload's file in one go and remove the upload; the upload and what was done.

    Clients written without coordinates are then looked up, as the CLI import does
    (scheduler/intake/addresses.py): an address the geocoder cannot settle is flagged for the
    dispatcher to place, and a geocoder that is down leaves them pending; neither refuses the
    file, which is in by then.
    InvalidInputError when its preview had refused rows (apply needs a corrected file);
    StalePreviewError when the rows would now do something else: nothing is imported and the
    new preview replaces the stored one (the caller commits before answering, so the person
    sees it).
    """
    row = get_upload(municipality_id, upload_id, now=now, session=session, for_update=True)
    staged = _staged(row)
    if not staged.preview.can_apply:
        raise file_problems(staged.preview)
    town = get_municipality(municipality_id, session=session)
    try:
        done = apply_table(
            staged.kind, _table(row, town), municipality_id, session=session,
            today=local_today(town.timezone, now), expected=staged.preview,
        )  # fmt: skip
    except StalePreviewError as exc:
        row.preview = exc.now.to_json()
        session.add(row)
        session.flush()
        raise
    remove_upload(municipality_id, upload_id, session=session)
    if staged.kind is ImportKind.clients:
        addresses.locate_clients(town, session=session, geocoder=addresses.default_geocoder())
    return staged, done


def cancel_upload(
    municipality_id: int, upload_id: int, *, now: datetime, session: Session
) -> Staged:
    """Forget the upload; nothing was imported from it."""
    staged = staged_upload(municipality_id, upload_id, now=now, session=session)
    remove_upload(municipality_id, upload_id, session=session)
    return staged


def _table(row: ImportUpload, town: Municipality) -> Table:
    return read_upload(row.filename, row.content, COLUMNS[row.kind], language=town.locale)


def _staged(row: ImportUpload) -> Staged:
    assert row.id is not None
    return Staged(
        id=row.id,
        kind=ImportKind(row.kind),
        filename=row.filename,
        uploaded_by=row.uploaded_by,
        uploaded_at=row.uploaded_at,
        expires_at=row.expires_at,
        preview=Preview.from_json(row.preview),
    )
