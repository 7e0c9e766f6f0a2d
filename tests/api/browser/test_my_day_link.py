"""A driver gets onto their day: the dispatcher signs in writing the town in Cyrillic
("казанлък"), publishes a day and shows the driver's personal link as a QR code on the board;
the driver's phone opens the link and lands on their next working day; signed in (again as
"казанлък") their `/my-day` opens the same day.

The day is chosen here (the first from tomorrow on which the calendar delivers and a van
works), as in test_replan_field.py: the shared fixture's day may have no van.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api import links
from scheduler.db import make_engine
from scheduler.models import Driver, Plan, PlanVersion, Role, Route
from scheduler.repositories.users import create_user
from scheduler.settings import Settings
from tests.api.browser.conftest import (
    ARTIFACTS,
    PASSWORD,
    SECRET,
    Server,
    _seed,
    plan_and_publish,
    running_server,
    sign_in,
    sqlite_url,
    working_day,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def field(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Engine]]:
    folder = tmp_path_factory.mktemp("myday")
    url = sqlite_url(folder)
    engine = make_engine(url)
    day = working_day(engine, _seed(url, folder / "files"))
    try:
        with running_server(folder, url, day, municipality="казанлък") as server:
            yield server, engine
    finally:
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


def _opened_day(url: str) -> date:
    token = url.split("/d/", 1)[1].split("?")[0].split("#")[0]
    return links.read(Settings(secret_key=SECRET), token).day


def test_the_personal_link_and_my_day_open_the_next_working_day(
    field: tuple[Server, Engine], browser: Any
) -> None:
    server, engine = field
    desk = browser.new_context(viewport={"width": 1400, "height": 1000})
    board = desk.new_page()
    sign_in(board, server)  # the town written in Cyrillic, lower case
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
    sign_in(signed, server, "petar", lands=None)
    signed.wait_for_selector("li.stop", timeout=20_000)
    assert _opened_day(signed.url) == server.day
    signed.goto(f"{server.url}/my-day/days")
    assert signed.locator(f"a[data-day='{server.day.isoformat()}']").count() == 1
    phone.close()
    desk.close()
