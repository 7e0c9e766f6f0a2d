"""A driver's day of 30+ stops in two trips on a phone (390x844), worked with one hand.

The van takes fewer portions than the day's clients eat, so the solver sends it out twice: the
page shows each trip under a header saying what to load (portions and boxes, as the kitchen
packs them). The driver reports the next stop: the count at the top goes up, the stop folds to
one line, and its report carries where the phone was (the test grants the permission). Undo,
within the minute, sends a correcting report: the stop is open again and the server holds both
reports. The whole page stays a few screens tall where it used to be sixteen thousand pixels.

The day is chosen here (the first from tomorrow on which the calendar delivers and a van
works): the shared fixture's day may have no van, and then no route to work.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.db import make_engine
from scheduler.intake.calendar import local_today
from scheduler.lab.demo import DemoRun, run_demo, setup_steps
from scheduler.lab.synthetic import TownSize
from scheduler.models import Event, Kitchen, MealOrder, Role, Stop, StopStatus, Vehicle
from scheduler.repositories.tenancy import get_municipality
from scheduler.repositories.users import create_user
from tests.api.browser.conftest import (
    ARTIFACTS,
    PASSWORD,
    Server,
    plan_and_publish,
    running_server,
    sign_in,
    sqlite_url,
    working_day,
)
from tests.api.browser.test_replan_field import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.slow]
MAX_HEIGHT = 6000  # CSS pixels: the page before folding was about 16,000 for 33 stops


def _seed(url: str, folder: Path) -> date:
    """A town with one van that must go out twice: ~35 clients, 20 portions a trip."""
    run = run_demo(
        DemoRun(
            database_url=url,
            folder=folder,
            seed=5,
            size=TownSize(clients=45, vans=1, kitchens=1, caregivers=2, visits=2),
        ),
        steps=setup_steps(),
    )
    engine = make_engine(url)
    with Session(engine) as session:
        town = get_municipality(run.require_municipality(), session=session)
        assert town.id is not None
        create_user(
            town.id, session=session, username="disp", password=PASSWORD, role=Role.dispatcher
        )
        for van in session.exec(select(Vehicle)).all():
            van.capacity_portions, van.capacity_boxes, van.max_trips = 24, 8, 3
            session.add(van)
        session.commit()
        tomorrow = local_today(town.timezone) + timedelta(days=1)
    day = working_day(engine, tomorrow)
    engine.dispose()
    return day


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Engine]]:
    folder = tmp_path_factory.mktemp("onehand")
    url = sqlite_url(folder)
    day = _seed(url, folder / "files")
    engine = make_engine(url)
    try:
        with running_server(folder, url, day, solve_limit_s=3) as server:
            yield server, engine
    finally:
        engine.dispose()


def _png_height(path: Path) -> int:
    """The height in pixels of a PNG (its IHDR), without an image library."""
    with path.open("rb") as fh:
        head = fh.read(24)
    return int(struct.unpack(">I", head[20:24])[0])


def _stop_of(engine: Engine, key: str, version_stop: int) -> Stop:
    with Session(engine) as session:
        stop = session.get(Stop, version_stop)
        assert stop is not None, key
        return stop


def test_a_day_of_two_trips_fits_one_hand(town: tuple[Server, Engine], browser: Any) -> None:
    server, engine = town
    desk = browser.new_context(viewport={"width": 1400, "height": 1000})
    board = desk.new_page()
    sign_in(board, server)
    href = plan_and_publish(board, server)

    here = {"latitude": 42.62, "longitude": 25.39, "accuracy": 12}
    phone = browser.new_context(**PHONE, permissions=["geolocation"], geolocation=here)
    driver = phone.new_page()
    driver.goto(server.url + href)
    driver.wait_for_selector("body[data-offline-ready='1']", timeout=20_000)
    day = httpx.get(f"{server.url}{href}/day.json").json()
    total = len(day["stops"])
    assert total >= 30 and len(day["trips"]) >= 2, (total, day["trips"])

    # Each trip under its header: what to load, in the town's language.
    second = driver.locator(".trip[data-trip='2'] .trip-head")
    trip = day["trips"][1]
    assert (second.get_attribute("data-portions"), second.get_attribute("data-boxes")) == (
        str(trip["portions"]),
        str(trip["boxes"]),
    )
    words = second.inner_text()
    assert "Обратно в кухнята" in words and f"{trip['portions']} порции" in words
    assert day["name"] in driver.locator(".phone-bar").inner_text()

    shot = ARTIFACTS / "phone-one-hand.png"
    driver.screenshot(path=str(shot), full_page=True)
    height = _png_height(shot) // PHONE["device_scale_factor"]
    print(f"\nphone page: {total} stops in {len(day['trips'])} trips, {height} px tall")
    assert height < MAX_HEIGHT

    # Report the next stop: the count goes up, it folds, the following one is next.
    count = driver.locator("#progress [data-count]")
    assert count.inner_text().startswith(f"0 / {total}")
    first = driver.locator("li.stop.next")
    key = str(first.get_attribute("data-key"))
    row_id = int(first.get_attribute("data-stop") or 0)
    first.locator("button[data-report=delivered]").click()
    assert count.inner_text().startswith(f"1 / {total}")
    item = driver.locator(f"li.stop[data-key='{key}']")
    assert "folded" in (item.get_attribute("class") or "")
    assert driver.locator("li.stop.next").get_attribute("data-key") != key
    driver.wait_for_selector("#queue:empty", state="attached", timeout=30_000)
    stored = _stop_of(engine, key, row_id)
    assert stored.status == StopStatus.delivered
    assert (stored.report_lat, stored.report_lon, stored.report_accuracy_m) == (42.62, 25.39, 12)
    driver.screenshot(path=str(ARTIFACTS / "phone-one-hand-reported.png"), full_page=True)

    # Undo within the minute: a correcting report; the stop is the next one again.
    driver.click("#undo-button")
    assert count.inner_text().startswith(f"0 / {total}")
    assert driver.locator("li.stop.next").get_attribute("data-key") == key
    driver.wait_for_selector("#queue:empty", state="attached", timeout=30_000)
    driver.wait_for_function(
        "k => !document.querySelector(`li.stop[data-key='${k}'] .pending`)", arg=key
    )
    stored = _stop_of(engine, key, row_id)
    assert (stored.status, stored.confirmed_at) == (StopStatus.planned, None)
    with Session(engine) as session:
        reports = session.exec(
            select(Event).where(Event.kind == "stop_reported").order_by(col(Event.id))
        ).all()
        order = session.get(MealOrder, int(key.split(":")[1]))
        per_box = session.exec(select(Kitchen.portions_per_box)).first()
    assert [r.payload["status"] for r in reports] == ["delivered", "planned"]
    assert order is not None and order.status == "ordered"
    assert per_box and trip["boxes"] == -(-trip["portions"] // per_box)
    board.goto(f"{server.url}/board?day={server.day.isoformat()}&service=meals")
    board.wait_for_selector(".route .route-name")
    assert day["name"] in board.locator(".route .route-name").first.inner_text()
    board.screenshot(path=str(ARTIFACTS / "board-route-names.png"), full_page=True)
    phone.close()
    desk.close()
