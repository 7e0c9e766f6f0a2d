"""What every publisher shares: the messages a phone receives, the result, and the errors.

A publisher sends one `Message` (a `RouteMessage`, or an `AlertMessage` for a dispatcher) to
one place (a phone's Web Push subscription, an ntfy
topic, a municipality's messaging gateway) over an `httpx.Client` it is given, so tests talk
to real local servers and production shares one connection pool per process.

The message says *that* a route is new or changed (its version and a link), never who is on
it: the page behind the link fetches the stops with the phone's own token, so a leaked push
or gateway log holds no client's name or address.

Errors (one hierarchy; the publication service decides what happens next):

- `PublishError`: the base; the message was not delivered.
- `TransientPublishError`: worth trying again later (network error, timeout, 5xx, 429).
- `PermanentPublishError`: trying again will not help (4xx other than 404/410/429, bad keys).
- `TargetGoneError`: the subscription or topic no longer exists (404/410); stop using it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import httpx

from scheduler.models import JsonObject, Service


@dataclass(frozen=True)
class RouteMessage:
    """A route was published: which one, which version, and where the phone reads it."""

    delivery_id: str  # stable across retries, so a gateway can drop a repeat
    municipality_id: int
    day: str
    service: Service
    plan_version: int
    route_id: int
    resource: str
    url: str
    title: str
    body: str

    def as_dict(self) -> JsonObject:
        return {"type": "route.published", **asdict(self)}

    def as_json(self) -> bytes:
        """Canonical JSON: the bytes a signature covers must be the bytes sent."""
        return _canonical(self.as_dict())

    @property
    def tags(self) -> str:
        return f"{self.service},v{self.plan_version}"

    @property
    def priority(self) -> str:
        return "high"

    @property
    def topic_name(self) -> str:
        """What a newer message replaces an undelivered older one for: the route."""
        return f"{self.municipality_id}:{self.day}:{self.service}:{self.resource}"


@dataclass(frozen=True)
class AlertMessage:
    """An alert for a dispatcher: which one, at which escalation step, and where to read it.

    Like a route message it names no client: the board behind the link shows the person,
    the address and whom to call to the signed-in dispatcher."""

    delivery_id: str
    municipality_id: int
    alert_id: int
    step: int
    kind: str
    severity: str
    url: str
    title: str
    body: str

    def as_dict(self) -> dict[str, Any]:
        return {"type": "alert", **asdict(self)}

    def as_json(self) -> bytes:
        return _canonical(self.as_dict())

    @property
    def tags(self) -> str:
        return f"rotating_light,{self.kind},step{self.step}"

    @property
    def priority(self) -> str:
        return "urgent" if self.severity == "critical" else "high"

    @property
    def topic_name(self) -> str:
        return f"{self.municipality_id}:alert:{self.alert_id}"


@dataclass(frozen=True)
class ProbeMessage:
    """What the admin's "send a test" POSTs: signed like a route, naming no route or person."""

    delivery_id: str
    municipality_id: int
    sent_at: str
    url: str
    title: str
    body: str

    def as_dict(self) -> dict[str, Any]:
        return {"type": "webhook.test", **asdict(self)}

    def as_json(self) -> bytes:
        return _canonical(self.as_dict())

    @property
    def tags(self) -> str:
        return "test"

    @property
    def priority(self) -> str:
        return "default"

    @property
    def topic_name(self) -> str:
        return f"{self.municipality_id}:test"


class Message(Protocol):
    """What a publisher sends: a title, a text, a link, and the same bytes for signing."""

    @property
    def delivery_id(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def tags(self) -> str: ...
    @property
    def priority(self) -> str: ...
    @property
    def topic_name(self) -> str: ...
    def as_json(self) -> bytes: ...


def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True)
class PublishResult:
    status_code: int
    detail: str = ""


class Publisher(Protocol):
    channel: str

    def publish(self, message: Message) -> PublishResult: ...


class PublishError(Exception):
    """The message was not delivered; `status_code` is the HTTP answer when one came."""

    def __init__(self, detail: str, status_code: int | None = None) -> None:
        super().__init__(detail)
        self.status_code = status_code


class TransientPublishError(PublishError):
    """Try again later."""


class PermanentPublishError(PublishError):
    """Trying again will not help."""


class TargetGoneError(PermanentPublishError):
    """The subscription or topic is gone; the target should be switched off."""


def post(client: httpx.Client, url: str, **kwargs: Any) -> httpx.Response:
    """POST, with network trouble reported as a transient error."""
    try:
        return client.post(url, **kwargs)
    except httpx.TransportError as exc:
        raise TransientPublishError(f"{type(exc).__name__}: {exc}") from exc


def check_response(response: httpx.Response) -> PublishResult:
    """The result of a 2xx answer; otherwise the error its status code stands for."""
    code = response.status_code
    if 200 <= code < 300:
        return PublishResult(code, response.text[:200])
    detail = f"HTTP {code}: {response.text[:200]}"
    if code in (404, 410):
        raise TargetGoneError(detail, code)
    if code == 429 or code >= 500 or code == 408:
        raise TransientPublishError(detail, code)
    raise PermanentPublishError(detail, code)
