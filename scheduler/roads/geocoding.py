"""Addresses to coordinates through a geocoder speaking Nominatim's `/search` protocol.

The `httpx.Client` is injected (base URL, timeouts and transport are the caller's), so tests run
against a real local HTTP server that speaks the protocol. What Nominatim's usage policy asks of
every client, this one does:
- an identifying `User-Agent` with a contact (`PATRONAGE_GEOCODER_USER_AGENT`; by default the
  product's name and the installation's public URL);
- at most one request a second: a `Pace` shared by every geocoder of the process (one process
  asks one at a time; several processes each keep to it, which a private server allows and the
  public one does not see, since the import and the forms run in one process at a time);
- no repeated questions: the caller caches every answer (scheduler/intake/addresses.py);
- HTTP 429 and 5xx are retried after a pause that doubles (429's `Retry-After` if longer).

Errors, one family for this layer:
- `GeocoderError`: the base class.
- `GeocoderUnavailableError`: unreachable, timed out, 429 or 5xx, after the retries.
- `GeocoderBadResponseError`: an answer that is not a list of places (not retried).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import httpx

from scheduler.settings import Settings

HTTP_TIMEOUT_S = 10.0
MIN_INTERVAL_S = 1.0  # Nominatim's usage policy: an absolute maximum of 1 request per second
MAX_RETRY_AFTER_S = 60.0  # a longer Retry-After is not waited for inside a request


class GeocoderError(Exception):
    """Something went wrong asking the geocoder."""


class GeocoderUnavailableError(GeocoderError):
    """The geocoder could not be reached, refused for now (429) or failed (5xx)."""


class GeocoderBadResponseError(GeocoderError):
    """The geocoder answered, but not with a list of places."""


@dataclass(frozen=True)
class Place:
    """One search result: its centroid, Nominatim's name for it and its importance (0-1)."""

    lat: float
    lon: float
    display_name: str
    importance: float
    place_rank: int
    kind: str  # "class/type", as "building/house" or "highway/residential"


class Pace:
    """Keeps requests at least `interval_s` apart, across threads and geocoder instances."""

    def __init__(
        self,
        interval_s: float = MIN_INTERVAL_S,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval_s = interval_s
        self.clock = clock
        self.sleep = sleep
        self._last: float | None = None
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Return when the next request may go; it counts as sent from then."""
        with self._lock:
            if self._last is not None:
                left = self._last + self.interval_s - self.clock()
                if left > 0:
                    self.sleep(left)
            self._last = self.clock()


SHARED_PACE = Pace()


class Nominatim:
    """`search(q)`: up to `limit` places for a free-form query, best first."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        user_agent: str,
        pace: Pace = SHARED_PACE,
        retries: int = 2,
        backoff_s: float = 1.0,
    ) -> None:
        if not user_agent.strip():
            raise ValueError("user_agent: Expected an identifying User-Agent, got nothing")
        self.client = client
        self.user_agent = user_agent
        self.pace = pace
        self.retries = retries
        self.backoff_s = backoff_s

    def search(
        self, query: str, *, countries: Sequence[str], language: str, limit: int = 5
    ) -> list[Place]:
        params = {
            "q": query,
            "format": "jsonv2",
            "limit": str(limit),
            "countrycodes": ",".join(c.lower() for c in countries),
            "accept-language": language,
        }
        return _places(self._get("/search", params))

    def _get(self, path: str, params: dict[str, str]) -> object:
        last = ""
        for attempt in range(self.retries + 1):
            self.pace.wait()
            try:
                response = self.client.get(
                    path, params=params, headers={"User-Agent": self.user_agent}
                )
            except httpx.TransportError as exc:  # refused, timed out, reset
                last = f"{type(exc).__name__}: {exc}"
                self._pause(attempt, 0.0)
                continue
            if response.status_code == 429 or response.status_code >= 500:
                last = f"HTTP {response.status_code}"
                self._pause(attempt, _retry_after(response))
                continue
            if response.status_code >= 400:
                raise GeocoderBadResponseError(f"geocoder answered HTTP {response.status_code}")
            try:
                return response.json()
            except ValueError:
                raise GeocoderBadResponseError("geocoder answered, not with JSON") from None
        tries = self.retries + 1
        raise GeocoderUnavailableError(f"geocoder unavailable after {tries} tries: {last}")

    def _pause(self, attempt: int, asked_s: float) -> None:
        if attempt < self.retries:  # no pause after the last try: nothing follows it
            self.pace.sleep(max(self.backoff_s * 2**attempt, asked_s))


def _retry_after(response: httpx.Response) -> float:
    """Retry-After in seconds (the delay form; a date form is treated as absent), capped."""
    try:
        return min(max(float(response.headers.get("Retry-After", "0")), 0.0), MAX_RETRY_AFTER_S)
    except ValueError:
        return 0.0


def _places(body: object) -> list[Place]:
    if not isinstance(body, list):
        raise GeocoderBadResponseError("geocoder answered JSON that is not a list")
    places = []
    for item in body:
        try:
            places.append(
                Place(
                    lat=float(item["lat"]),
                    lon=float(item["lon"]),
                    display_name=str(item.get("display_name", "")),
                    importance=float(item.get("importance") or 0.0),
                    place_rank=int(item.get("place_rank") or 30),
                    kind=f"{item.get('category', item.get('class', ''))}/{item.get('type', '')}",
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise GeocoderBadResponseError("a place without lat and lon") from None
    return places


def user_agent(settings: Settings) -> str:
    """The setting, else the product and the installation's public URL (a contact)."""
    return settings.geocoder_user_agent or f"Patronage/1 (+{settings.base_url})"


@lru_cache(maxsize=4)
def _served(url: str, agent: str) -> Nominatim:
    return Nominatim(httpx.Client(base_url=url, timeout=HTTP_TIMEOUT_S), user_agent=agent)


def configured_geocoder(settings: Settings) -> Nominatim | None:
    """The geocoder the settings name (one per URL, kept), or None when none is set."""
    if not settings.geocoder_url:
        return None
    return _served(settings.geocoder_url, user_agent(settings))
