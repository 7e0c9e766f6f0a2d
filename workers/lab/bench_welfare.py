"""Welfare alert latency: from a driver's "not at home" at the API to the dispatcher's ntfy.

`seed_town` writes a small published day (one van, a driver, a dispatcher with an ntfy
target, a second person on the escalation list, `stops` check-on-me clients with contacts);
`Receiver` is an ntfy-like local server that notes when each message arrived; `measure` taps
"not at home" on each stop through a `tap` the caller gives (the CLI gives one that posts to
the API in-process, as a phone would) and returns the seconds from the call to the arrival.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlalchemy.engine import Engine

from scheduler.db import session_scope
from scheduler.models import (
    Client,
    Driver,
    EmergencyContact,
    Kitchen,
    MealOrder,
    Municipality,
    Plan,
    PlanVersion,
    Role,
    Route,
    Service,
    Stop,
    StopKind,
    User,
    Vehicle,
)
from scheduler.repositories.welfare import set_escalation
from workers.targets import save_target

DAY = date(2026, 3, 4)  # any day: the report carries its own time, the link its own day


@dataclass
class Town:
    municipality_id: int
    route_id: int
    stop_ids: list[int]
    dispatcher_id: int
    head_id: int  # the first person on the escalation list
    resource: str = "VAN-1"


def seed_town(
    engine: Engine, *, dispatcher_ntfy: str, head_ntfy: str, stops: int = 1, name: str = "Varna"
) -> Town:
    """A published day with `stops` check-on-me clients on one van (see the module doc)."""
    with session_scope(engine) as s:
        town = Municipality(name=name, timezone="Europe/Sofia", locale="bg")
        s.add(town)
        s.flush()
        mid = _id(town)
        kitchen = Kitchen(municipality_id=mid, external_id="K1", name="Kitchen", lon=27.9, lat=43.2)
        s.add(kitchen)
        s.flush()
        van = Vehicle(municipality_id=mid, kitchen_id=_id(kitchen), external_id="VAN-1",
                      name="Van 1", capacity_portions=40, capacity_boxes=5)  # fmt: skip
        s.add(van)
        s.flush()
        driver = Driver(municipality_id=mid, external_id="D1", name="Petar Ivanov",
                        vehicle_id=van.id)  # fmt: skip
        s.add(driver)
        s.flush()
        users = [
            User(municipality_id=mid, username=u, password_hash="-", role=r, driver_id=d)
            for u, r, d in (("driver", Role.driver, driver.id),
                            ("dispatcher", Role.dispatcher, None),
                            ("head", Role.admin, None))
        ]  # fmt: skip
        s.add_all(users)
        s.flush()
        _, dispatcher, head = users
        save_target(s, mid, channel="ntfy", address=dispatcher_ntfy, user_id=_id(dispatcher))
        save_target(s, mid, channel="ntfy", address=head_ntfy, user_id=_id(head))
        set_escalation(mid, [_id(head)], 10, session=s)
        route_id, stop_ids = _day(s, mid, _id(van), stops)
    return Town(mid, route_id, stop_ids, _id(dispatcher), _id(head))


def _day(s: Any, mid: int, van_id: int, stops: int) -> tuple[int, list[int]]:
    plan = Plan(municipality_id=mid, day=DAY, service=Service.meals, current_version=1,
                published_version=1)  # fmt: skip
    s.add(plan)
    s.flush()
    version = PlanVersion(municipality_id=mid, plan_id=_id(plan), version=1)
    s.add(version)
    s.flush()
    route = Route(municipality_id=mid, plan_version_id=_id(version), resource="VAN-1",
                  vehicle_id=van_id)  # fmt: skip
    s.add(route)
    s.flush()
    ids = []
    for n in range(1, stops + 1):
        client = Client(municipality_id=mid, external_id=f"C{n}", name=f"Client {n}",
                        address=f"ul. Roza {n}", phone=f"+35988800{n:04d}", lon=27.9,
                        lat=43.2, lives_alone=True, check_on_me=True)  # fmt: skip
        s.add(client)
        s.flush()
        s.add(EmergencyContact(municipality_id=mid, client_id=_id(client), name=f"Maria {n}",
                               relation="daughter", phone=f"+35988811{n:04d}"))  # fmt: skip
        order = MealOrder(municipality_id=mid, client_id=_id(client), day=DAY)
        s.add(order)
        s.flush()
        stop = Stop(municipality_id=mid, route_id=_id(route), seq=n, kind=StopKind.job,
                    job_id=f"C{n}", client_id=client.id, order_id=order.id,
                    arrival_s=11 * 3600)  # fmt: skip
        s.add(stop)
        s.flush()
        ids.append(_id(stop))
    return _id(route), ids


def _id(row: Any) -> int:
    assert row.id is not None
    return int(row.id)


# --- a receiver that notes arrival times ---------------------------------------------------------


@dataclass
class Arrivals:
    at: dict[str, list[float]] = field(default_factory=dict)  # topic -> perf_counter times
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, topic: str) -> int:
        with self.lock:
            return len(self.at.get(topic, []))


@contextmanager
def receiver() -> Iterator[tuple[str, Arrivals]]:
    """An ntfy-like server on a free port: (its URL, the arrivals per topic)."""
    arrivals = Arrivals()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            now = time.perf_counter()
            with arrivals.lock:
                arrivals.at.setdefault(self.path.strip("/"), []).append(now)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", arrivals
    finally:
        server.shutdown()
        server.server_close()


Tap = Callable[[int, str], None]  # (stop id, the phone's event id): report "not at home"


def measure(
    town: Town, arrivals: Arrivals, topic: str, tap: Tap, *, timeout_s: float = 10.0
) -> list[float]:
    """Seconds from each tap to its arrival at the dispatcher's topic, one per stop."""
    seconds = []
    for n, stop_id in enumerate(town.stop_ids):
        before = arrivals.count(topic)
        start = time.perf_counter()
        tap(stop_id, f"bench-{stop_id}")
        deadline = start + timeout_s
        while arrivals.count(topic) <= before:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"stop {n + 1}: no alert reached the receiver in {timeout_s} s")
            time.sleep(0.0005)
        with arrivals.lock:
            seconds.append(arrivals.at[topic][before] - start)
    return seconds


def summary(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 1),
        "min_ms": round(ms[0], 1),
        "max_ms": round(ms[-1], 1),
    }
