"""Signed day links: what a driver's or caregiver's phone opens without a password.

A link names the municipality, the service, the date and the route's resource (the van's or
caregiver's external id, which stays the same across re-plans), is signed with the secret key
and expires. Whoever holds it sees that one day's stops and nothing else.

A personal link names a driver or caregiver instead of a day, does not expire and opens their
next working day (a fresh day link). It carries the version of the holder's link row
(scheduler/repositories/personal_links.py), so revoking it there ends every copy at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from scheduler.models import Service
from scheduler.settings import Settings

SALT = "patronage.day-link.v1"
PERSONAL_SALT = "patronage.personal-link.v1"


@dataclass(frozen=True)
class DayLink:
    municipality_id: int
    service: Service
    day: date
    resource: str


@dataclass(frozen=True)
class PersonalLink:
    municipality_id: int
    holder: str  # "driver" or "caregiver"
    holder_id: int
    version: int


class LinkInvalidError(Exception):
    """`municipality_id` is known for an expired (so authentic) link: its page can speak the
    town's language."""

    def __init__(self, expired: bool, municipality_id: int | None = None) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired
        self.municipality_id = municipality_id


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=SALT)


def sign(settings: Settings, link: DayLink) -> str:
    data = [link.municipality_id, link.service, link.day.isoformat(), link.resource]
    return str(_serializer(settings).dumps(data))


def read(settings: Settings, token: str) -> DayLink:
    """The link's content; LinkInvalidError when forged, damaged or expired."""
    try:
        data = _serializer(settings).loads(token, max_age=settings.link_max_age_hours * 3600)
    except SignatureExpired as exc:
        raise LinkInvalidError(expired=True, municipality_id=_town_of(settings, exc)) from exc
    except BadSignature as exc:
        raise LinkInvalidError(expired=False) from exc
    mid, service, day, resource = data
    return DayLink(int(mid), Service(service), date.fromisoformat(day), str(resource))


def url_for(settings: Settings, link: DayLink) -> str:
    return f"/d/{sign(settings, link)}"


def _town_of(settings: Settings, exc: SignatureExpired) -> int | None:
    if not isinstance(exc.payload, bytes):
        return None
    try:
        data = _serializer(settings).load_payload(exc.payload)
        return int(data[0])
    except (BadSignature, TypeError, ValueError, IndexError):
        return None


def _personal(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key, salt=PERSONAL_SALT)


def sign_personal(settings: Settings, link: PersonalLink) -> str:
    data = [link.municipality_id, link.holder, link.holder_id, link.version]
    return str(_personal(settings).dumps(data))


def read_personal(settings: Settings, token: str) -> PersonalLink:
    """The personal link's content; LinkInvalidError when forged or damaged (whether it was
    revoked is the database's to say)."""
    try:
        mid, holder, holder_id, version = _personal(settings).loads(token)
        return PersonalLink(int(mid), str(holder), int(holder_id), int(version))
    except (BadSignature, TypeError, ValueError) as exc:
        raise LinkInvalidError(expired=False) from exc


def personal_url(settings: Settings, link: PersonalLink) -> str:
    """The path of the personal link (under /d/, the phone's scope)."""
    return f"/d/me/{sign_personal(settings, link)}"
