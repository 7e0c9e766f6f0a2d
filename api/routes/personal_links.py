"""`/v1/personal-links`: a driver's or caregiver's long-lived link, made, revoked, sent (ntfy,
e-mail) or shown as a QR code. The dispatcher's board calls these per route; each change is
audited, and each holder is looked up in the caller's municipality only.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import httpx
from fastapi import APIRouter, Response
from sqlmodel import Session

from api import linksend
from api.deps import DbSession, RowId, SettingsDep, Staff
from api.i18n import Translator
from api.pages import translator_for
from api.personal import Issued, issue, qr_svg
from api.problems import PROBLEM_RESPONSES, ProblemError
from api.routes._write import audited
from api.schemas.users import LinkSend, LinkSent, PersonalLinkContact, PersonalLinkPublic
from scheduler.models import PersonalLink
from scheduler.repositories import personal_links as repo
from scheduler.repositories.tenancy import get_municipality
from scheduler.repositories.users import user_of_holder

router = APIRouter(prefix="/v1/personal-links", responses=PROBLEM_RESPONSES, tags=["links"])
SVG: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/svg+xml": {}}, "description": "The link as a QR code."}
}
SEND_TIMEOUT_S = 10.0


class Holder(StrEnum):
    driver = "driver"
    caregiver = "caregiver"


def _public(session: Session, mid: int, row: PersonalLink, issued: Issued) -> PersonalLinkPublic:
    name = repo.check_holder(mid, row.holder, row.holder_id, session=session)
    return PersonalLinkPublic(
        holder=row.holder,
        holder_id=row.holder_id,
        name=name,
        version=row.version,
        url=issued.url,
        ntfy_topic=row.ntfy_topic,
        email=row.email,
        revoked_at=row.revoked_at,
    )


def _current(
    caller: Staff, session: Session, settings: SettingsDep, holder: Holder, holder_id: int
) -> tuple[PersonalLink, Issued]:
    issued = issue(settings, session, caller.municipality_id, holder.value, holder_id)
    row = repo.ensure_link(caller.municipality_id, holder.value, holder_id, session=session)
    return row, issued


@router.post("/{holder}/{holder_id}", response_model=PersonalLinkPublic)
def get_link(
    holder: Holder, holder_id: RowId, caller: Staff, session: DbSession, settings: SettingsDep
) -> PersonalLinkPublic:
    """The holder's personal link (made on first use; the same until revoked)."""
    row, issued = _current(caller, session, settings, holder, holder_id)
    audited(session, caller, "issue", "personal_link", row.id, holder=holder.value)
    return _public(session, caller.municipality_id, row, issued)


@router.patch("/{holder}/{holder_id}", response_model=PersonalLinkPublic)
def set_contact(
    holder: Holder,
    holder_id: RowId,
    body: PersonalLinkContact,
    caller: Staff,
    session: DbSession,
    settings: SettingsDep,
) -> PersonalLinkPublic:
    """Where the board sends the link: the holder's ntfy topic URL and e-mail address."""
    row = repo.set_contact(caller.municipality_id, holder.value, holder_id, session=session,
                           ntfy_topic=body.ntfy_topic, email=body.email)  # fmt: skip
    audited(session, caller, "update", "personal_link", row.id,
            fields=sorted(body.model_fields_set))  # fmt: skip
    _, issued = _current(caller, session, settings, holder, holder_id)
    return _public(session, caller.municipality_id, row, issued)


@router.delete("/{holder}/{holder_id}", response_model=PersonalLinkPublic)
def revoke(
    holder: Holder, holder_id: RowId, caller: Staff, session: DbSession, settings: SettingsDep
) -> PersonalLinkPublic:
    """Every link handed out so far stops working (a lost phone); the answer is the new one."""
    row = repo.revoke_link(caller.municipality_id, holder.value, holder_id, session=session)
    audited(session, caller, "revoke", "personal_link", row.id, holder=holder.value)
    _, issued = _current(caller, session, settings, holder, holder_id)
    return _public(session, caller.municipality_id, row, issued)


@router.post("/{holder}/{holder_id}/send", response_model=LinkSent)
def send(
    holder: Holder,
    holder_id: RowId,
    body: LinkSend,
    caller: Staff,
    session: DbSession,
    settings: SettingsDep,
) -> LinkSent:
    """Send the link to the holder's ntfy topic or e-mail address; 409 says what is missing."""
    row, issued = _current(caller, session, settings, holder, holder_id)
    name = repo.check_holder(caller.municipality_id, holder.value, holder_id, session=session)
    title, text = linksend.words(_holder_language(session, row), name, issued.url)
    try:
        if body.channel == "ntfy":
            with httpx.Client(timeout=SEND_TIMEOUT_S) as client:
                linksend.send_ntfy(row.ntfy_topic, title, text, issued.url, client)
            to = row.ntfy_topic
        else:
            linksend.send_email(settings, row.email, title, text)
            to = row.email
    except linksend.SendError as exc:
        status = 409 if isinstance(exc, linksend.NotConfiguredError) else 502
        raise ProblemError(status, "Not sent", str(exc)) from exc
    audited(session, caller, "send", "personal_link", row.id, channel=body.channel)
    return LinkSent(channel=body.channel, to=to)


@router.get("/{holder}/{holder_id}/qr.svg", response_class=Response, responses=SVG)
def qr(
    holder: Holder, holder_id: RowId, caller: Staff, session: DbSession, settings: SettingsDep
) -> Response:
    """The link as a QR code for the board's screen: the phone's camera opens it."""
    _, issued = _current(caller, session, settings, holder, holder_id)
    headers = {"Cache-Control": "no-store"}
    return Response(qr_svg(issued.url), media_type="image/svg+xml", headers=headers)


def _holder_language(session: Session, row: PersonalLink) -> Translator:
    """The holder's own language (their account's), else the municipality's."""
    by = "driver_id" if row.holder == Holder.driver else "caregiver_id"
    user = user_of_holder(row.municipality_id, session=session, **{by: row.holder_id})
    town = get_municipality(row.municipality_id, session=session)
    return translator_for(town, user)
