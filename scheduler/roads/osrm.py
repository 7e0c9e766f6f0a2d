"""Road travel times from an OSRM server (`/table` service), for municipalities that run one.

The `httpx.Client` is injected (base URL, timeouts and transport are the caller's), so tests
run against a real local HTTP server that speaks OSRM's table protocol.

Errors, one family for this layer:
- `OsrmError`: the base class.
- `OsrmUnavailableError`: the server could not be reached or answered 5xx, after the retries.
- `OsrmBadResponseError`: the server answered, but not with a table (4xx, a code other than "Ok",
  or the wrong shape). Not retried: asking again gets the same answer.

Large matrices are fetched in blocks of at most `batch` sources by `batch` destinations, which
keeps every request under OSRM's default `--max-table-size` of 100. A pair OSRM cannot route
(`null`) gets `UNREACHABLE_S`/`UNREACHABLE_M`, so that such a job is reported with a reason
instead of failing the plan.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence

import httpx

from routing.problem import Location, Matrices
from routing.travel import to_int
from scheduler.models import JsonObject

UNREACHABLE_S = 10_000_000  # about 116 days: never inside a shift
UNREACHABLE_M = 100_000_000

# OSRM's own profile names; one server usually serves one profile, whatever the URL says.
DEFAULT_PROFILES: Mapping[str, str] = {"car": "driving", "foot": "foot", "bus": "driving"}


class OsrmError(Exception):
    """Something went wrong asking OSRM for travel times."""


class OsrmUnavailableError(OsrmError):
    """OSRM could not be reached, timed out or failed (5xx), after retries."""


class OsrmBadResponseError(OsrmError):
    """OSRM answered, but not with a usable table."""


class Osrm:
    """A travel provider backed by OSRM's `/table/v1/{profile}/{coordinates}`."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        profiles: Mapping[str, str] | None = None,
        batch: int = 100,
        retries: int = 2,
        backoff_s: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        cache_size: int = 16,
    ) -> None:
        if batch < 1:
            raise ValueError(f"batch: Expected at least 1, got {batch}")
        self.client = client
        self.profiles = dict(profiles or DEFAULT_PROFILES)
        self.batch = batch
        self.retries = retries
        self.backoff_s = backoff_s
        self.sleep = sleep
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[tuple[Location, ...], str], Matrices] = OrderedDict()

    def matrices(self, points: Sequence[Location], profile: str) -> Matrices:
        key = (tuple(points), profile)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        result = self._fetch(key[0], profile)
        self._cache[key] = result
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return result

    def _fetch(self, points: tuple[Location, ...], profile: str) -> Matrices:
        n = len(points)
        durations = [[0] * n for _ in range(n)]
        distances = [[0] * n for _ in range(n)]
        blocks = [list(range(i, min(i + self.batch, n))) for i in range(0, n, self.batch)]
        for sources in blocks:
            for targets in blocks:
                table = self._table(points, sources, targets, profile)
                for a, row_d, row_m in zip(
                    sources, table["durations"], table["distances"], strict=True
                ):
                    for b, d, m in zip(targets, row_d, row_m, strict=True):
                        durations[a][b] = UNREACHABLE_S if d is None else to_int(d)
                        distances[a][b] = UNREACHABLE_M if m is None else to_int(m)
        for i in range(n):  # OSRM may snap a point off-road; staying put costs nothing
            durations[i][i] = distances[i][i] = 0
        return Matrices(
            durations=tuple(map(tuple, durations)), distances=tuple(map(tuple, distances))
        )

    def _table(
        self, points: Sequence[Location], sources: list[int], targets: list[int], profile: str
    ) -> JsonObject:
        """One `/table` request over the union of these sources and targets."""
        used = sorted(set(sources) | set(targets))
        at = {p: i for i, p in enumerate(used)}
        coords = ";".join(f"{points[p][0]:.6f},{points[p][1]:.6f}" for p in used)
        path = f"/table/v1/{self.profiles.get(profile, profile)}/{coords}"
        params = {
            "sources": ";".join(str(at[p]) for p in sources),
            "destinations": ";".join(str(at[p]) for p in targets),
            "annotations": "duration,distance",
        }
        body = self._get(path, params)
        if body.get("code") != "Ok":
            code, message = body.get("code"), body.get("message", "")
            raise OsrmBadResponseError(f"OSRM answered {code}: {message}")
        table = {k: body.get(k) for k in ("durations", "distances")}
        for name, rows in table.items():
            if (
                not isinstance(rows, list)
                or len(rows) != len(sources)
                or any(not isinstance(r, list) or len(r) != len(targets) for r in rows)
            ):
                raise OsrmBadResponseError(f"OSRM's {name} is not {len(sources)} x {len(targets)}")
        return table

    def _get(self, path: str, params: dict[str, str]) -> JsonObject:
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                response = self.client.get(path, params=params)
            except httpx.TransportError as exc:  # connection refused, timeouts, resets
                last = exc
                continue
            if response.status_code >= 500:
                last = OsrmUnavailableError(f"OSRM answered HTTP {response.status_code}")
                continue
            return _json(response)
        raise OsrmUnavailableError(f"OSRM unavailable after {self.retries + 1} attempts: {last}")


def _json(response: httpx.Response) -> JsonObject:
    try:
        body = response.json()
    except ValueError:
        raise OsrmBadResponseError(f"OSRM answered HTTP {response.status_code}, not JSON") from None
    if not isinstance(body, dict):
        raise OsrmBadResponseError("OSRM answered JSON that is not an object")
    if response.status_code >= 400 and body.get("code") == "Ok":
        raise OsrmBadResponseError(f"OSRM answered HTTP {response.status_code}")
    return body
