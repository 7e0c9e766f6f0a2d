"""The counter page on a real server in headless Chromium: the dispatcher (English) checks in a
canteen client with one tap; a kitchen worker (Bulgarian) finds a child by the guardian's name
typed in Latin letters and records the collection on the milk-kitchen tab. Both taps are
checked in the database, and a reload still shows them collected."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.db import make_engine
from scheduler.intake.calendar import format_weekdays, local_today
from scheduler.models import (
    CanteenCheckIn,
    Client,
    DateOverride,
    Diet,
    MealOrder,
    MilkChild,
    MilkCollection,
    PickupPoint,
    Role,
    User,
)
from scheduler.repositories.tenancy import get_municipality
from scheduler.repositories.users import create_user
from tests import timetravel
from tests.api.browser.conftest import (
    ARTIFACTS,
    PASSWORD,
    ROOT,
    Server,
    _seed,
    _wait_until_up,
    sign_in,
)
from tests.services import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}


def _counter_rows(engine: Engine) -> date:
    """Today in the town (what the counter records: nothing ahead of its date), made a
    delivery day whatever the calendar says; a diner with a meal today at P1, P1 open for the
    milk kitchen today's weekday, a child of 200 days (6-12 months), and a kitchen worker who
    reads Bulgarian."""
    with Session(engine) as session:
        disp = session.exec(select(User).where(User.username == "disp")).one()
        mid = disp.municipality_id
        day = local_today(get_municipality(mid, session=session).timezone, datetime.now(UTC))
        session.add(DateOverride(municipality_id=mid, day=day, delivers=True))
        point = session.exec(select(PickupPoint).where(PickupPoint.municipality_id == mid)).one()
        point.milk_weekdays = format_weekdays({day.weekday()})
        assert point.id is not None
        diner = Client(
            municipality_id=mid,
            external_id="CANTEEN-1",
            name="Стоян Колев",
            lon=25.39,
            lat=42.62,
            diet=Diet.soft,
            pickup_point_id=point.id,
        )
        session.add_all([point, diner])
        session.flush()
        assert diner.id is not None
        session.add(MealOrder(municipality_id=mid, client_id=diner.id, day=day, diet=Diet.soft))
        session.add(
            MilkChild(
                municipality_id=mid,
                external_id="MK-1",
                name="Ана Георгиева",
                birth_date=day - timedelta(days=200),
                referral_number="17/2026",
                referral_date=day - timedelta(days=150),
                guardian_name="Елена Георгиева",
                pickup_point_id=point.id,
            )
        )
        create_user(mid, session=session, username="kuhnya", password=PASSWORD,
                    role=Role.kitchen, locale="bg")  # fmt: skip
        session.commit()
    return day


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Engine]]:
    folder = tmp_path_factory.mktemp("counter")
    url = f"sqlite:///{(folder / 'patronage.db').as_posix()}"
    _seed(url, folder / "files")
    engine = make_engine(url)
    day = _counter_rows(engine)
    port = free_port()
    env = timetravel.child_env(
        {
            **os.environ,
            "PATRONAGE_DATABASE_URL": url,
            "PATRONAGE_VAR_DIR": str(folder),
            "PATRONAGE_SECRET_KEY": "browser-test-secret",
            "PATRONAGE_REDIS_URL": "",
            "PATRONAGE_BASE_URL": f"http://127.0.0.1:{port}",
        }
    )
    args = ["api.app:create_app", "--factory", "--host", "127.0.0.1", "--port", str(port)]
    command = timetravel.command("uvicorn", args, [sys.executable, "-m", "uvicorn", *args])
    with (folder / "server.log").open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, process)
            yield Server(base, day, "Kazanlak"), engine
        finally:
            process.terminate()
            process.wait(timeout=20)
            engine.dispose()


def _tap_first(page: Any) -> None:
    row = page.locator("li.counter-row").first
    row.locator("button.tap").tap()
    page.wait_for_selector("li.counter-row.done")


def test_a_canteen_client_is_checked_in_with_one_tap(
    browser: Any, town: tuple[Server, Engine]
) -> None:
    server, engine = town
    context = browser.new_context(**TABLET)
    page = context.new_page()
    try:
        sign_in(page, server)
        page.goto(f"{server.url}/counter")  # today's, the first point's
        page.fill("input[name=q]", "stoyan")  # Latin letters find "Стоян Колев"
        page.click("form.counter-bar button[type=submit]")
        rows = page.locator("li.counter-row")
        assert rows.count() == 1 and "Стоян Колев" in rows.first.inner_text()
        button = rows.first.locator("button.tap")
        assert button.inner_text() == "Mark collected"
        assert button.bounding_box()["height"] >= 56  # a touch target, not a link
        _tap_first(page)
        assert button.inner_text().startswith("Collected")
        page.reload()
        done = page.locator("li.counter-row.done button.tap")
        assert done.is_disabled()
        assert re.fullmatch(r"Collected \d{1,2}:\d{2}\s?[AP]M", done.inner_text().strip())
        page.screenshot(path=str(ARTIFACTS / "counter-canteen.png"))
    finally:
        context.close()
    with Session(engine) as session:
        [row] = session.exec(select(CanteenCheckIn)).all()
    assert (row.day, row.diet, row.actor) == (server.day, Diet.soft, "user:disp")


def test_a_childs_collection_is_recorded_on_the_milk_tab_in_bulgarian(
    browser: Any, town: tuple[Server, Engine]
) -> None:
    server, engine = town
    context = browser.new_context(**TABLET)
    page = context.new_page()
    try:
        sign_in(page, server, "kuhnya", lands="/kitchen**")
        page.goto(f"{server.url}/counter?day={server.day.isoformat()}&tab=milk&q=elena")
        assert "Млечна кухня" in page.locator("nav.counter-tabs").inner_text()
        rows = page.locator("li.counter-row")
        assert rows.count() == 1
        assert "6-12 месеца" in rows.first.inner_text()
        assert "Порции за този пункт" in page.locator("main").inner_text()
        assert rows.first.locator("button.tap").inner_text() == "Отбележи получено"
        _tap_first(page)
        assert rows.first.locator("button.tap").inner_text().startswith("Получено")
        page.screenshot(path=str(ARTIFACTS / "counter-milk-bg.png"))
        page.goto(f"{server.url}/kitchen?day={server.day.isoformat()}")
        sheet = page.locator("section.milk-sheet").inner_text()
        assert "Млечна кухня" in sheet and "6-12 месеца" in sheet
        assert "Общинска трапезария Казанлък\t1\t1" in sheet
    finally:
        context.close()
    with Session(engine) as session:
        [row] = session.exec(select(MilkCollection)).all()
    assert (row.day, row.age_group, row.actor) == (server.day, "6-12", "user:kuhnya")
