"""`patronage bench-welfare`: the time from a driver's "not at home" at the API to the alert
at the dispatcher's ntfy receiver, on SQLite and on PostgreSQL (a private server from the
`pgserver` wheel unless a URL is given). No broker: the API relays and sends in-process, as
the embedded installation does, so the figure is the product's own path without queue hops.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import typer

from api.console import console


def register(app: typer.Typer) -> None:
    app.command("bench-welfare")(bench_welfare)


def bench_welfare(
    stops: int = typer.Option(20, help="Taps (one check-on-me client each) per database."),
    postgres_url: str = typer.Option(
        "", help="An empty PostgreSQL database; default: a private server from pgserver."
    ),
    sqlite: bool = typer.Option(True, help="Measure on SQLite."),
    postgres: bool = typer.Option(True, help="Measure on PostgreSQL."),
) -> None:
    """Median of `stops` taps: the API call to the dispatcher's receiver having the alert."""
    with tempfile.TemporaryDirectory(prefix="bench-welfare-") as tmp, ExitStack() as stack:
        urls = []
        if sqlite:
            urls.append(("sqlite", f"sqlite:///{Path(tmp, 'bench.db').as_posix()}"))
        if postgres:
            url = postgres_url or stack.enter_context(_private_postgres(Path(tmp)))
            urls.append(("postgresql", url))
        for name, url in urls:
            figures = run_one(url, stops)
            console().print(f"{name:>10}: {figures}")


def run_one(database_url: str, stops: int) -> dict[str, float]:
    from fastapi.testclient import TestClient

    from api import links
    from api.app import create_app
    from scheduler.db import make_engine
    from scheduler.migrate import upgrade
    from scheduler.models import Service
    from scheduler.settings import Settings, reset_settings
    from workers.lab.bench_welfare import DAY, measure, receiver, seed_town, summary

    os.environ["PATRONAGE_DATABASE_URL"] = database_url  # what the tasks open (in-process)
    os.environ["PATRONAGE_REDIS_URL"] = ""
    reset_settings()
    upgrade(database_url)
    engine = make_engine(database_url)
    with receiver() as (server, arrivals):
        town = seed_town(
            engine, dispatcher_ntfy=f"{server}/desk", head_ntfy=f"{server}/head", stops=stops
        )
        settings = Settings(database_url=database_url, secret_key="bench", redis_url="")
        app = create_app(settings)
        token = links.sign(
            settings, links.DayLink(town.municipality_id, Service.meals, DAY, "VAN-1")
        )
        with TestClient(app) as phone:

            def tap(stop_id: int, event_id: str) -> None:
                body = {"stop_id": stop_id, "status": "not_home", "client_event_id": event_id,
                        "at": datetime.now(UTC).isoformat()}  # fmt: skip
                response = phone.post(f"/d/{token}/reports", json=body)
                response.raise_for_status()

            seconds = measure(town, arrivals, "desk", tap)
    engine.dispose()
    return summary(seconds)


@contextmanager
def _private_postgres(workdir: Path) -> Iterator[str]:
    """A scratch database on a private PostgreSQL server, stopped afterwards."""
    import pgserver
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    # pgserver re-exports get_server without declaring it (no __all__)
    pg = pgserver.get_server(str(workdir / "pg"), cleanup_mode="stop")  # type: ignore[attr-defined]
    try:
        base = pg.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
        name = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        pg.cleanup()
