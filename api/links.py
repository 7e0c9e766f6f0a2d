"""Signed day links: what a driver's or caregiver's phone opens without a password.

A link names the municipality, the service, the date and the route's resource (the van's or
caregiver's external id, which stays the same across re-plans), is signed with the secret key
and expires. Whoever holds it sees that one day's stops and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from scheduler.models import Service
from scheduler.settings import Settings

SALT = "patronage.day-link.v1"


@dataclass(frozen=True)
class DayLink:
    municipality_id: int
    service: Service
    day: date
    resource: str


class LinkInvalidError(Exception):
    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


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
        raise LinkInvalidError(expired=True) from exc
    except BadSignature as exc:
        raise LinkInvalidError(expired=False) from exc
    mid, service, day, resource = data
    return DayLink(int(mid), Service(service), date.fromisoformat(day), str(resource))


def url_for(settings: Settings, link: DayLink) -> str:
    return f"/d/{sign(settings, link)}"
