"""Real local HTTP servers that speak the publishers' protocols, for the tests.

- `GatewayServer`: a municipality's messaging gateway; checks the webhook signature and
  answers with the status codes a test scripts (500 then 200, say).
- `NtfyServer`: ntfy's publish (`POST /<topic>` with Title/Click/Tags/Priority headers) and
  poll (`GET /<topic>/json?poll=1`, one JSON message per line) endpoints.
- `PushService`: a Web Push service (RFC 8030): checks the VAPID authorization (RFC 8292) and
  keeps the encrypted body for the test to decrypt as the phone would.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

from py_vapid import Vapid02

from workers.publishers.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify


@dataclass
class Received:
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass
class ServerState:
    requests: list[Received] = field(default_factory=list)
    script: list[int] = field(default_factory=list)  # status codes to answer, in turn
    secret: str = ""
    gone: set[str] = field(default_factory=set)
    topics: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    accepted: list[Received] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    state: ClassVar[ServerState]

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _received(self) -> Received:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        received = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        self.state.requests.append(received)
        return received

    def _answer(self, code: int, payload: dict[str, Any] | None = None) -> None:
        data = json.dumps(payload or {}).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _scripted(self, default: int) -> int:
        return self.state.script.pop(0) if self.state.script else default


class _Gateway(_Handler):
    def do_POST(self) -> None:
        got = self._received()
        h = got.headers
        ok = verify(
            self.state.secret,
            h.get(TIMESTAMP_HEADER.lower(), ""),
            got.body,
            h.get(SIGNATURE_HEADER.lower(), ""),
            now=time.time(),
        )
        if not ok:
            self._answer(401, {"error": "bad signature"})
            return
        code = self._scripted(200)
        if code == 200:
            seen = {r.headers.get(DELIVERY_HEADER.lower()) for r in self.state.accepted}
            if h.get(DELIVERY_HEADER.lower()) not in seen:  # a gateway drops repeats by delivery id
                self.state.accepted.append(got)
        self._answer(code, {"ok": code == 200})


class _Ntfy(_Handler):
    def do_POST(self) -> None:
        got = self._received()
        if self.state.secret and got.headers.get("authorization") != f"Bearer {self.state.secret}":
            self._answer(403, {"code": 40301, "error": "forbidden"})
            return
        code = self._scripted(200)
        if code != 200:
            self._answer(code, {"error": "scripted"})
            return
        topic = self.path.strip("/")
        message = {
            "id": f"m{len(self.state.requests)}",
            "time": int(time.time()),
            "event": "message",
            "topic": topic,
            "message": got.body.decode(),
            "title": got.headers.get("title", ""),
            "click": got.headers.get("click", ""),
            "tags": got.headers.get("tags", "").split(","),
            "priority": {"high": 4}.get(got.headers.get("priority", ""), 3),
        }
        self.state.topics.setdefault(topic, []).append(message)
        self._answer(200, message)

    def do_GET(self) -> None:  # /<topic>/json?poll=1
        topic = self.path.split("?", 1)[0].strip("/").removesuffix("/json")
        lines = "".join(json.dumps(m) + "\n" for m in self.state.topics.get(topic, []))
        data = lines.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Push(_Handler):
    def do_POST(self) -> None:
        got = self._received()
        auth = got.headers.get("authorization", "")
        try:
            valid = Vapid02.verify(auth)
        except Exception:
            valid = False
        if not valid:
            self._answer(401, {"error": "bad VAPID authorization"})
            return
        if self.path.rsplit("/", 1)[-1] in self.state.gone:
            self._answer(410, {"error": "subscription expired"})
            return
        self.state.accepted.append(got)
        self.send_response(self._scripted(201))
        self.send_header("Location", f"{self.path}/messages/{len(self.state.accepted)}")
        self.send_header("Content-Length", "0")
        self.end_headers()


@dataclass
class LocalServer:
    url: str
    state: ServerState


@contextmanager
def _serve(handler: type[_Handler], state: ServerState) -> Iterator[LocalServer]:
    bound = type(handler.__name__, (handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), bound)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield LocalServer(f"http://127.0.0.1:{server.server_address[1]}", state)
    finally:
        server.shutdown()
        server.server_close()


def gateway(secret: str, script: list[int] | None = None) -> Any:
    return _serve(_Gateway, ServerState(secret=secret, script=list(script or [])))


def ntfy(token: str = "", script: list[int] | None = None) -> Any:
    return _serve(_Ntfy, ServerState(secret=token, script=list(script or [])))


def push_service(gone: set[str] | None = None) -> Any:
    return _serve(_Push, ServerState(gone=set(gone or ())))
