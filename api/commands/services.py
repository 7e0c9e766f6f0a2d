"""`patronage worker` and `patronage clock`: the processes of the event pipeline.

Both read PATRONAGE_DATABASE_URL and PATRONAGE_REDIS_URL. Start as many workers as the work
needs, on as many machines, each with its own `--name`; start one clock (it also relays the
outbox to the queue). Nothing from `workers` is imported before a command runs, so the
metrics folder can be set up first.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import typer

from api.console import console
from scheduler.settings import get_settings


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
    app.command("clock")(clock)
    app.command("bench-events")(bench_events)


def worker(
    name: str = typer.Option(
        "worker@%h", "--name", "-n", help="Node name, unique per process (%h: host name)."
    ),
    concurrency: int = typer.Option(1, "--concurrency", "-c", min=1, help="Processes."),
    pool: str = typer.Option("prefork", help="prefork (hard time limits work) or solo."),
    metrics_port: int = typer.Option(0, help="Serve Prometheus metrics here (0: off)."),
    loglevel: str = typer.Option("INFO", help="Log level."),
) -> None:
    """Run a Celery worker taking tasks from the shared Redis queue."""
    if metrics_port:
        _metrics_dir(name)
    if not get_settings().redis_url:
        console().print("[red]PATRONAGE_REDIS_URL is not set; a worker needs Redis.[/red]")
        raise typer.Exit(2)
    from api.i18n import catalog_of
    from scheduler.wording import use_catalogs
    from workers.celery_app import QUEUE, get_app

    use_catalogs(catalog_of)  # alerts and pushes go out in each reader's language
    if metrics_port:
        _serve_metrics(metrics_port)
    argv = [
        "worker",
        f"--hostname={name}",
        f"--concurrency={concurrency}",
        f"--pool={pool}",
        f"--queues={QUEUE}",
        f"--loglevel={loglevel}",
        "--without-mingle",  # nothing to sync at start; mingle only delays it
        "--without-gossip",
    ]
    get_app().worker_main(argv)


def clock(
    relay: bool = typer.Option(True, help="Also move outbox rows to the queue."),
    metrics_port: int = typer.Option(0, help="Serve Prometheus metrics here (0: off)."),
) -> None:
    """Run the clock (cut-offs, morning plans, publishing) and the outbox relay."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if metrics_port:
        _serve_metrics(metrics_port)
    from workers.clock import run_clock

    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        logging.getLogger(__name__).info("signal %s: stopping the clock", signum)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    console().print("[green]Clock running[/green]; Ctrl+C stops it.")
    run_clock(stop, with_relay=relay)


def bench_events(
    events: int = typer.Option(2000, help="Events to write."),
    rate: float = typer.Option(20.0, help="Events per second of the steady (latency) run."),
    clients: int = typer.Option(340, help="Meal clients of the late-cancellation day."),
    vans: int = typer.Option(10, help="Vans of the late-cancellation day."),
    repeats: int = typer.Option(3, help="Late cancellations to time."),
    late: bool = typer.Option(True, help="Also time late cancellation to re-published route."),
    database_url: str = typer.Option(
        "", help="An empty scratch database to use instead of a new SQLite file."
    ),
    out: Path | None = typer.Option(None, help="Write the figures here as JSON."),
) -> None:
    """Events per second from the write to the queued task and through one worker, and the
    time from a late cancellation to the re-published route (scratch database and Redis)."""
    from workers.lab.bench_events import run_bench

    figures = run_bench(
        events,
        clients=clients,
        vans=vans,
        repeats=repeats,
        paced_rate=rate,
        late_cancellation=late,
        database_url=database_url,
    )
    for key, value in figures.items():
        console().print(f"{key:>32}: {value}")
    if out is not None:
        import json

        out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


def _metrics_dir(name: str) -> None:
    """A fresh folder for this process family's metrics, set before any metric exists.

    PROMETHEUS_MULTIPROC_DIR from the service manager wins (one folder per service); without
    it, a folder under the var dir named after the node.
    """
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    folder = Path(given) if given else get_settings().var_dir / "metrics" / safe
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.db"):  # numbers of an earlier run's processes
        old.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    values = sys.modules.get("prometheus_client.values")
    if values is not None:  # imported before the variable was set: choose again
        values.ValueClass = values.get_value_class()  # type: ignore[attr-defined]


def _serve_metrics(port: int) -> None:
    from prometheus_client import start_http_server

    from workers.metrics import registry

    start_http_server(port, registry=registry())
