"""Fixtures shared by every test: real databases (SQLite and PostgreSQL) and a real Redis, and
the session's date (`--test-date` / PATRONAGE_TEST_DATE, see tests/timetravel.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from scheduler.db import make_engine
from scheduler.migrate import upgrade
from scheduler.settings import reset_settings
from tests import services, timetravel

_TRAVEL = pytest.StashKey[datetime]()  # the instant the session travelled to, if it did


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--test-date",
        default=os.environ.get(timetravel.ENV, ""),
        metavar="YYYY-MM-DD[THH:MM]",
        help=f"run the session as if it were that date and time (UTC unless an offset is "
        f"given); default: ${timetravel.ENV}",
    )


def pytest_configure(config: pytest.Config) -> None:
    text = config.getoption("--test-date", default="")
    if text:
        config.stash[_TRAVEL] = timetravel.start(text)


def pytest_unconfigure(config: pytest.Config) -> None:
    timetravel.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    moment = config.stash.get(_TRAVEL, None)
    return f"test date: {moment.isoformat()} (time-machine, ticking)" if moment else None


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test gets its own var dir and no ambient PATRONAGE_* configuration."""
    for key in (
        "PATRONAGE_DATABASE_URL",
        "PATRONAGE_REDIS_URL",
        "PATRONAGE_OSRM_URL",
        "PATRONAGE_GEOCODER_URL",
    ):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("PATRONAGE_VAR_DIR", str(tmp_path / "var"))
    # Tests use fixed dates and run on any day: the planning window around today is opened
    # wide here; tests of the window itself set it narrow.
    monkeypatch.setenv("PATRONAGE_PLAN_DAYS_BACK", "36500")
    monkeypatch.setenv("PATRONAGE_PLAN_DAYS_AHEAD", "36500")
    reset_settings()
    yield
    reset_settings()


@pytest.fixture(autouse=True, scope="session")
def _catalogs() -> None:
    """The catalogs, as the API, the CLI and the worker install them when they start: texts
    made below the API (sheets, alerts, pushes) speak the reader's language in every test,
    whichever test happened to build an app first."""
    from api.i18n import catalog_of
    from scheduler.wording import use_catalogs

    use_catalogs(catalog_of)


@pytest.fixture(scope="session")
def postgres_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    try:
        ctx = services.postgres_server(tmp_path_factory.mktemp("pg"))
        url = ctx.__enter__()
    except Exception as exc:  # the wheel or the server could not start
        services.unavailable("PostgreSQL", exc)
    try:
        yield url
    finally:
        ctx.__exit__(None, None, None)


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """An empty PostgreSQL database of this test's own."""
    with services.scratch_or_skip(postgres_server_url) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{(tmp_path / 'test.db').as_posix()}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Runs the test once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated database (both backends) and its engine."""
    upgrade(db_url)
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    """A migrated SQLite database, for tests whose subject is not the storage backend."""
    upgrade(sqlite_url)
    eng = make_engine(sqlite_url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    try:
        ctx = services.redis_server(tmp_path_factory.mktemp("redis"))
        url, _server = ctx.__enter__()
    except Exception as exc:
        services.unavailable("Redis", exc)
    try:
        yield url
    finally:
        ctx.__exit__(None, None, None)
