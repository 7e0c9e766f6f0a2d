"""A real server and a real headless Chromium for the page tests.

The server is `uvicorn api.app:create_app --factory` in a subprocess on a free port, over a
SQLite database holding a small synthetic Kazanlak (the demo's own steps). Without a broker the
API relays its outbox in-process and Celery runs the tasks eagerly, so "plan" really plans.
Chromium is Debian's; without it the tests skip (or fail with PATRONAGE_REQUIRE_SERVICES=1).

The day the tests plan is the first one after the town's today on which a van works and
subscriptions give meals, whatever weekday or holiday today is. It is relative to today
because the server re-plans with its own clock (a day in its past counts as driven already)
and subscriptions start on the import's date; with PATRONAGE_TEST_DATE the server travels to
the same instant as the tests (tests/timetravel.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.db import make_engine
from scheduler.intake.calendar import local_today, parse_weekdays
from scheduler.intake.delivery_days import delivery_calendar
from scheduler.intake.subscriptions import takes_meal
from scheduler.lab.demo import DemoRun, run_demo, setup_steps
from scheduler.lab.synthetic import TownSize
from scheduler.models import Municipality, Role, Vehicle
from scheduler.repositories.orders import subscriptions_of_active_clients
from scheduler.repositories.tenancy import get_municipality
from scheduler.repositories.users import create_user
from tests import timetravel
from tests.services import free_port, unavailable

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("PATRONAGE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "dispatch-pass-1"
SECRET = "browser-test-secret"


@dataclass(frozen=True)
class Server:
    url: str
    day: date
    municipality: str


def _seed(url: str, folder: Path) -> date:
    today = local_today(DemoRun.timezone, datetime.now(UTC))  # the session's clock, once
    run = run_demo(
        DemoRun(
            database_url=url,
            folder=folder,
            seed=3,
            size=TownSize(clients=10, vans=2, kitchens=1, caregivers=2, visits=2),
            today=today,
        ),
        # The town only: the dispatcher plans the day in the browser.
        steps=setup_steps(),
    )
    engine = make_engine(url)
    with Session(engine) as session:
        town = get_municipality(run.require_municipality(), session=session)
        assert town.id is not None
        create_user(
            town.id,
            session=session,
            username="disp",
            password=PASSWORD,
            role=Role.dispatcher,
            locale="en",
        )
        session.commit()
        day = _day_with_meals(session, town, today)
    engine.dispose()
    return day


def _day_with_meals(session: Session, town: Municipality, today: date) -> date:
    """The first date after `today` on which a van works and some subscription gives a meal:
    what the board can plan (a Saturday delivers, but no van of the demo works on it)."""
    assert town.id is not None
    calendar = delivery_calendar(session, town)
    for offset in range(1, 32):
        day = today + timedelta(days=offset)
        if calendar.working(day) and any(
            takes_meal(sub, [], calendar, day)
            for sub, _ in subscriptions_of_active_clients(town.id, day, session=session)
        ):
            return day
    raise AssertionError(f"no day with meals in the month after {today}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("browser")
    url = sqlite_url(folder)
    day = _seed(url, folder / "files")
    with running_server(folder, url, day) as running:
        yield running


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{(folder / 'patronage.db').as_posix()}"


@contextmanager
def running_server(
    folder: Path,
    url: str,
    day: date,
    municipality: str = "Kazanlak",
    solve_limit_s: int = 2,
    settings: dict[str, str] | None = None,
    name: str = "server",
    at: datetime | None = None,
) -> Iterator[Server]:
    """`uvicorn` over the database at `url`, travelling with the tests' clock (or from the
    instant `at` on, whatever today is), until the end, with these settings on top
    (`settings`); its log is `name`.log in `folder`."""
    port = free_port()
    env = timetravel.child_env(
        {
            **os.environ,
            "PATRONAGE_DATABASE_URL": url,
            "PATRONAGE_VAR_DIR": str(folder),
            "PATRONAGE_SECRET_KEY": SECRET,
            "PATRONAGE_SOLVE_TIME_LIMIT_S": str(solve_limit_s),
            "PATRONAGE_REDIS_URL": "",
            "PATRONAGE_BASE_URL": f"http://127.0.0.1:{port}",
            **(settings or {}),
        },
        at,
    )
    args = ["api.app:create_app", "--factory", "--host", "127.0.0.1", "--port", str(port)]
    plain = [sys.executable, "-m", "uvicorn", *args]
    command = timetravel.command("uvicorn", args, plain, pinned=at is not None)
    with (folder / f"{name}.log").open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, process)
            yield Server(base, day, municipality)
        finally:
            process.terminate()
            process.wait(timeout=20)


@contextmanager
def seeded_town(
    tmp_path_factory: pytest.TempPathFactory, name: str
) -> Iterator[tuple[Server, Engine]]:
    """The shared seed's town in a folder of its own (`name`), its server, and its database
    (to check what was written)."""
    folder = tmp_path_factory.mktemp(name)
    url = sqlite_url(folder)
    day = _seed(url, folder / "files")
    engine = make_engine(url)
    try:
        with running_server(folder, url, day) as server:
            yield server, engine
    finally:
        engine.dispose()


def working_day(engine: Engine, after: date) -> date:
    """From `after` on, the first day the calendar delivers and an active van works (the shared
    day may have no van, and then no route to work)."""
    with Session(engine) as session:
        vans = session.exec(select(Vehicle).where(col(Vehicle.active).is_(True))).all()
        assert vans
        town = get_municipality(vans[0].municipality_id, session=session)
        calendar = delivery_calendar(session, town)
        works = set().union(*(parse_weekdays(v.weekdays) for v in vans))
    day = after
    while not (calendar.delivers(day) and day.weekday() in works):
        day += timedelta(days=1)
    return day


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited; see server.log")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start within 30 s")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        unavailable("Chromium", f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        unavailable("Playwright", exc)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def sign_in(
    page: Any,
    server: Server,
    username: str = "disp",
    *,
    password: str = PASSWORD,
    lands: str | None = "/board",
) -> None:
    """Sign `username` in to the server's town on its login page, then wait until the page is
    at `lands` (a URL pattern after the server's address) or, None, has loaded what follows."""
    page.goto(f"{server.url}/login")
    page.fill("input[name=municipality]", server.municipality)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    if lands is None:
        page.wait_for_load_state()
    else:
        page.wait_for_url(f"{server.url}{lands}")


def plan_and_publish(board: Any, server: Server) -> str:
    """Plan and publish the server's day on a signed-in board; the first driver's day link."""
    board.goto(f"{server.url}/board?day={server.day.isoformat()}&service=meals")
    board.wait_for_selector("#state[data-state=none]")
    board.click("#plan")
    board.wait_for_selector("#state[data-state=planned]", timeout=90_000)
    board.click("#publish")
    board.wait_for_selector("#state[data-state=published]", timeout=60_000)
    href = board.locator("a.day-link").first.get_attribute("href")
    assert href and href.startswith("/d/")
    return str(href)
