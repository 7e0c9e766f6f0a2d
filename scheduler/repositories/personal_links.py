"""Personal links of drivers and caregivers: the row that makes them revocable, and where the
board sends them (the holder's ntfy topic and e-mail address).

The link itself is signed by the API (api/links.py) with the row's version; a link is good
while its version is the row's. Revoking adds one, so every link handed out before stops
working at once and the next one made is a new one.
"""

from __future__ import annotations

from sqlmodel import Session, select

from scheduler.errors import NotFoundError
from scheduler.models import Caregiver, Driver, PersonalLink
from scheduler.models.base import utcnow
from scheduler.refusals import Reason, refuse
from scheduler.views.my_days import CAREGIVER, DRIVER, HOLDERS


def check_holder(municipality_id: int, holder: str, holder_id: int, *, session: Session) -> str:
    """The holder's name; NotFoundError when no such driver or caregiver is in the town."""
    if holder not in HOLDERS:
        raise refuse("holder", Reason.one_of_two, first=DRIVER, second=CAREGIVER)
    row = session.get(Driver if holder == DRIVER else Caregiver, holder_id)
    if not isinstance(row, Driver | Caregiver) or row.municipality_id != municipality_id:
        raise NotFoundError(holder, holder_id)
    return row.name


def find_link(
    municipality_id: int, holder: str, holder_id: int, *, session: Session
) -> PersonalLink | None:
    return session.exec(
        select(PersonalLink).where(
            PersonalLink.municipality_id == municipality_id,
            PersonalLink.holder == holder,
            PersonalLink.holder_id == holder_id,
        )
    ).first()


def ensure_link(
    municipality_id: int, holder: str, holder_id: int, *, session: Session
) -> PersonalLink:
    """The holder's link row, made on first use (version 1)."""
    check_holder(municipality_id, holder, holder_id, session=session)
    row = find_link(municipality_id, holder, holder_id, session=session)
    if row is None:
        row = PersonalLink(municipality_id=municipality_id, holder=holder, holder_id=holder_id)
        session.add(row)
        session.flush()
    return row


def is_current(
    municipality_id: int, holder: str, holder_id: int, version: int, *, session: Session
) -> bool:
    """Whether a link of this version is still good (the row exists and was not revoked since)."""
    row = find_link(municipality_id, holder, holder_id, session=session)
    return row is not None and row.version == version


def revoke_link(
    municipality_id: int, holder: str, holder_id: int, *, session: Session
) -> PersonalLink:
    """Every personal link of the holder handed out so far stops working."""
    row = ensure_link(municipality_id, holder, holder_id, session=session)
    row.version += 1
    row.revoked_at = row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


def set_contact(
    municipality_id: int,
    holder: str,
    holder_id: int,
    *,
    session: Session,
    ntfy_topic: str | None = None,
    email: str | None = None,
) -> PersonalLink:
    """Where the board sends the holder's link; None leaves a field as it is, "" clears it."""
    row = ensure_link(municipality_id, holder, holder_id, session=session)
    if ntfy_topic is not None:
        topic = ntfy_topic.strip()
        if topic and not topic.startswith(("https://", "http://")):
            raise refuse("ntfy_topic", Reason.not_a_topic)
        row.ntfy_topic = topic
    if email is not None:
        address = email.strip()
        if address and ("@" not in address or " " in address or "\n" in address):
            raise refuse("email", Reason.not_an_email)
        row.email = address
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row
