"""A driver gets onto their day: the dispatcher signs in writing the town in Cyrillic
("казанлък"), publishes a day and shows the driver's personal link as a QR code on the board;
the driver's phone opens the link and lands on their next working day; signed in (again as
"казанлък") their `/my-day` opens the same day.

The day is chosen here (the first from tomorrow on which the calendar delivers and a van
works), as in test_replan_field.py: the shared fixture's day may have no van.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api import links
from scheduler.db import make_engine
from scheduler.intake.calendar import parse_weekdays
from scheduler.intake.delivery_days import delivery_calendar
from scheduler.models import Driver, Plan, PlanVersion, Role, Route, Vehicle
from scheduler.repositories.tenancy import get_municipality
from scheduler.repositories.users import create_user
from scheduler.settings import Settings
from tests.api.browser.conftest import (
    ARTIFACTS,
    PASSWORD,
    ROOT,
    Server,
    _seed,
    _wait_until_up,
    plan_and_publish,
)
from tests.services import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SECRET = "browser-test-secret"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _working_day(engine: Engine, after: date) -> date:
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


@pytest.fixture(scope="module")
def field(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Engine]]:
    folder = tmp_path_factory.mktemp("myday")
    url = f"sqlite:///{(folder / 'patronage.db').as_posix()}"
    engine = make_engine(url)
    day = _working_day(engine, _seed(url, folder / "files"))
    port = free_port()
    env = {
        **os.environ,
        "PATRONAGE_DATABASE_URL": url,
        "PATRONAGE_VAR_DIR": str(folder),
        "PATRONAGE_SECRET_KEY": SECRET,
        "PATRONAGE_SOLVE_TIME_LIMIT_S": "2",
        "PATRONAGE_REDIS_URL": "",
        "PATRONAGE_BASE_URL": f"http://127.0.0.1:{port}",
    }
    command = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with (folder / "server.log").open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, process)
            yield Server(base, day, "казанлък"), engine
        finally:
            process.terminate()
            process.wait(timeout=20)
            engine.dispose()


def _driver_of_first_route(engine: Engine, day: date) -> int:
    """A driver (with an account, "petar") on the van of the published day's first route."""
    with Session(engine) as session:
        plan = session.exec(select(Plan).where(Plan.day == day, Plan.service == "meals")).one()
        version = session.exec(
            select(PlanVersion).where(
                PlanVersion.plan_id == plan.id, PlanVersion.version == plan.published_version
            )
        ).one()
        route = session.exec(
            select(Route).where(Route.plan_version_id == version.id).order_by(col(Route.resource))
        ).first()
        assert route is not None and route.vehicle_id is not None
        driver = Driver(municipality_id=plan.municipality_id, external_id="D-BR", name="Petar",
                        vehicle_id=route.vehicle_id)  # fmt: skip
        session.add(driver)
        session.flush()
        create_user(plan.municipality_id, session=session, username="petar", password=PASSWORD,
                    role=Role.driver, driver_id=driver.id)  # fmt: skip
        session.commit()
        assert driver.id is not None
        return driver.id


def _sign_in(page: Any, server: Server, username: str) -> None:
    page.goto(f"{server.url}/login")
    page.fill("input[name=municipality]", server.municipality)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def _opened_day(url: str) -> date:
    token = url.split("/d/", 1)[1].split("?")[0].split("#")[0]
    return links.read(Settings(secret_key=SECRET), token).day


def test_the_personal_link_and_my_day_open_the_next_working_day(
    field: tuple[Server, Engine], browser: Any
) -> None:
    server, engine = field
    desk = browser.new_context(viewport={"width": 1400, "height": 1000})
    board = desk.new_page()
    _sign_in(board, server, "disp")  # the town written in Cyrillic, lower case
    board.wait_for_url(f"{server.url}/board")
    plan_and_publish(board, server)
    driver_id = _driver_of_first_route(engine, server.day)

    board.reload()
    sender = board.locator(f".link-sender[data-holder='driver:{driver_id}']")
    sender.wait_for(timeout=20_000)
    sender.locator("button.show-qr").click()
    qr = sender.locator("img.qr")
    qr.wait_for(state="visible")
    board.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    board.screenshot(path=str(ARTIFACTS / "board-send-link.png"), full_page=True)
    csrf = board.locator("meta[name=csrf-token]").get_attribute("content")
    issued = board.request.post(
        f"{server.url}/v1/personal-links/driver/{driver_id}", headers={"X-CSRF-Token": csrf}
    ).json()

    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    page.goto(issued["url"])
    page.wait_for_selector("li.stop", timeout=20_000)
    assert "/d/me/" not in page.url and _opened_day(page.url) == server.day
    page.screenshot(path=str(ARTIFACTS / "phone-personal-link.png"))

    signed = browser.new_context(**PHONE).new_page()
    _sign_in(signed, server, "petar")
    signed.wait_for_selector("li.stop", timeout=20_000)
    assert _opened_day(signed.url) == server.day
    signed.goto(f"{server.url}/my-day/days")
    assert signed.locator(f"a[data-day='{server.day.isoformat()}']").count() == 1
    phone.close()
    desk.close()
