"""A real local HTTP server speaking Nominatim's `/search` protocol, for the tests.

Answers are the shapes Nominatim documents for `format=jsonv2` (docs: api/Output, "JSONv2"):
a JSON list of places, each with `place_id`, `licence`, `osm_type`, `osm_id`, `lat` and `lon`
as strings, `category`, `type`, `place_rank`, `importance`, `addresstype`, `name`,
`display_name` and `boundingbox` (strings: south, north, west, east). A query it does not
know gets the empty list, as Nominatim answers one it cannot find. `script` holds statuses to
answer first (429 with `Retry-After`, 503), then the answers resume.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

LICENCE = "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright"


def place(
    lat: float,
    lon: float,
    name: str,
    display_name: str,
    *,
    importance: float,
    category: str = "building",
    kind: str = "house",
    rank: int = 30,
    place_id: int = 1,
) -> dict[str, Any]:
    """One place as `format=jsonv2` gives it."""
    d = 0.0005
    return {
        "place_id": place_id,
        "licence": LICENCE,
        "osm_type": "way",
        "osm_id": 100000 + place_id,
        "lat": f"{lat:.7f}",
        "lon": f"{lon:.7f}",
        "category": category,
        "type": kind,
        "place_rank": rank,
        "importance": importance,
        "addresstype": "building" if category == "building" else "road",
        "name": name,
        "display_name": display_name,
        "boundingbox": [f"{lat - d:.7f}", f"{lat + d:.7f}", f"{lon - d:.7f}", f"{lon + d:.7f}"],
    }


@dataclass
class Asked:
    params: dict[str, str]
    headers: dict[str, str]  # names in lower case


@dataclass
class NominatimState:
    answers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # q (casefolded) ->
    script: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # status, headers
    asked: list[Asked] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    state: ClassVar[NominatimState]

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.state.asked.append(Asked(params, headers))
        if url.path != "/search":
            return self._send(404, {"error": "unknown endpoint"}, {})
        if self.state.script:
            status, extra = self.state.script.pop(0)
            return self._send(status, {"error": {"code": status}}, extra)
        q = params.get("q", "").casefold()
        return self._send(200, self.state.answers.get(q, []), {})

    def _send(self, status: int, payload: object, headers: dict[str, str]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def nominatim_server() -> Iterator[tuple[str, NominatimState]]:
    """The server's base URL and its state, until the end of the block."""
    state = NominatimState()
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()


class FakeClock:
    """A clock that moves only when slept on: paces are checked without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
