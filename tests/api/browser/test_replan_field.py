"""A re-plan never loses a driver's report, and one that moved nothing changes nothing.

A driver's page is open on a phone (390x844) that loses signal; meanwhile the dispatcher
re-plans the day on the board (which holds the new version until Publish) and publishes it, so
every stop row the page knows is replaced. The driver reports three stops, one of them "not at
home" for a client who lives alone; back online, all three are stored and the welfare alert is
raised. Before that, with the page open and online: a re-plan that moved no stop (the page takes the
new version silently), and one that moved a stop of its route (the page reloads its stops and
says what changed, in the town's language).

The day is chosen here (the first from tomorrow on which the calendar delivers and a van
works): the shared fixture's day may have no van, and then no route to work.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.db import make_engine
from scheduler.models import (
    Alert,
    Client,
    Event,
    MealOrder,
    Plan,
    PlanVersion,
    Route,
    Stop,
)
from tests.api.browser.conftest import (
    ARTIFACTS,
    Server,
    _seed,
    plan_and_publish,
    running_server,
    sign_in,
    sqlite_url,
    working_day,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


@pytest.fixture(scope="module")
def field(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Engine]]:
    """The shared fixture's town and server, on a day a van works; and the database."""
    folder = tmp_path_factory.mktemp("field")
    url = sqlite_url(folder)
    engine = make_engine(url)
    day = working_day(engine, _seed(url, folder / "files"))
    try:
        with running_server(folder, url, day) as server:
            yield server, engine
    finally:
        engine.dispose()


def _published(engine: Engine, day: date) -> PlanVersion:
    with Session(engine) as session:
        plan = session.exec(select(Plan).where(Plan.day == day, Plan.service == "meals")).one()
        return session.exec(
            select(PlanVersion).where(
                PlanVersion.plan_id == plan.id, PlanVersion.version == plan.published_version
            )
        ).one()


def _order_client(engine: Engine, key: str) -> Client:
    kind, number = key.split(":")
    assert kind == "order"
    with Session(engine) as session:
        order = session.get(MealOrder, int(number))
        assert order is not None
        client = session.get(Client, order.client_id)
        assert client is not None
        return client


def _replan_on_the_board(board: Any, engine: Engine, day: date) -> None:
    """Plan on a published day: held (the board shows its changes) until Publish."""
    before = _published(engine, day).version
    board.click("#plan")
    board.wait_for_selector("#state[data-state=planned]", timeout=90_000)
    board.wait_for_selector("#pending:not([hidden])")
    assert _published(engine, day).version == before  # not sent to the phones yet
    board.screenshot(path=str(ARTIFACTS / "board-replan-held.png"), full_page=True)
    board.click("#publish")
    board.wait_for_selector("#state[data-state=published]", timeout=60_000)
    board.wait_for_selector("#pending", state="hidden")
    assert _published(engine, day).version == before + 1


def _open_board(board: Any, server: Server) -> str:
    """The board of the published day (planned and published here if not yet); a day link."""
    sign_in(board, server)
    board.goto(f"{server.url}/board?day={server.day.isoformat()}&service=meals")
    board.wait_for_selector("#state[data-state=none], #state[data-state=published]")
    if board.locator("#state").get_attribute("data-state") == "none":
        return plan_and_publish(board, server)
    return str(board.locator("a.day-link").first.get_attribute("href"))


def test_a_replan_that_moves_nothing_changes_nothing_on_an_open_page(
    field: tuple[Server, Engine], browser: Any
) -> None:
    server, engine = field
    desk = browser.new_context(viewport={"width": 1400, "height": 1000})
    board = desk.new_page()
    href = _open_board(board, server)
    phone = browser.new_context(**PHONE)
    driver = phone.new_page()
    driver.goto(server.url + str(href))
    driver.wait_for_selector("body[data-offline-ready='1']", timeout=20_000)
    shown = driver.locator("#stops").get_attribute("data-version")
    rows = driver.eval_on_selector_all("li.stop", "ls => ls.map(l => l.id)")

    _replan_on_the_board(board, engine, server.day)
    published = _published(engine, server.day)
    assert published.moved_stops == 0 and str(published.version) != shown
    phone.set_offline(True)  # back online: the page asks at once whether its route changed
    phone.set_offline(False)
    driver.wait_for_selector(f"#stops[data-version='{published.version}']", timeout=20_000)
    assert driver.locator("#changed").is_hidden()
    assert driver.eval_on_selector_all("li.stop", "ls => ls.map(l => l.id)") == rows
    phone.close()
    desk.close()


def test_an_open_page_hears_what_a_replan_changed_on_its_route(
    field: tuple[Server, Engine], browser: Any
) -> None:
    server, engine = field
    desk = browser.new_context(viewport={"width": 1400, "height": 1000})
    board = desk.new_page()
    href = _open_board(board, server)
    phone = browser.new_context(**PHONE)
    driver = phone.new_page()
    driver.goto(server.url + str(href))
    driver.wait_for_selector("body[data-offline-ready='1']", timeout=20_000)
    key = str(driver.locator("li.stop").last.get_attribute("data-key"))
    last = _order_client(engine, key)

    # The dispatcher pins the route's last stop to its first place and re-plans: held, with
    # its changes shown per route until Publish.
    route = board.locator(".route").first
    resource = route.get_attribute("data-resource")
    route.locator("li", has_text=last.name).first.locator("button.move").click()
    van = board.locator(f"#pin-van option[data-resource='{resource}']").get_attribute("value")
    board.select_option("#pin-van", value=van)
    board.fill("#pin-place", "1")
    board.click("#pin-add")
    board.wait_for_selector("#pins li.pin")
    board.click("#plan")
    board.wait_for_selector("#state[data-state=planned]", timeout=90_000)
    moved = board.locator(f"#changes li[data-resource='{resource}'] [data-change=moved]")
    moved.wait_for()  # which stops count as moved is the longest common order's call
    assert last.name in board.locator(".route").first.locator("li").first.inner_text()
    board.screenshot(path=str(ARTIFACTS / "board-replan-changes.png"), full_page=True)
    board.click("#publish")
    board.wait_for_selector("#state[data-state=published]", timeout=60_000)

    phone.set_offline(True)  # back online: the page asks at once whether its route changed
    phone.set_offline(False)
    driver.wait_for_selector("#changed:not([hidden])", timeout=20_000)
    what = driver.locator("#changed [data-what]").inner_text()
    assert "на ново място" in what  # "in a new place", in the town's language
    assert driver.locator("li.stop").first.get_attribute("data-key") == key
    driver.screenshot(path=str(ARTIFACTS / "phone-route-changed-words.png"), full_page=True)
    phone.close()
    desk.close()


def test_reports_queued_offline_across_a_replan_are_all_stored(
    field: tuple[Server, Engine], browser: Any
) -> None:
    server, engine = field
    desk = browser.new_context(viewport={"width": 1400, "height": 1000})
    board = desk.new_page()
    href = _open_board(board, server)

    phone = browser.new_context(**PHONE)
    driver = phone.new_page()
    driver.goto(server.url + href)
    driver.wait_for_selector("body[data-offline-ready='1']", timeout=20_000)
    stops = driver.locator("li.stop")
    assert stops.count() >= 3
    keys = [str(stops.nth(i).get_attribute("data-key")) for i in range(3)]
    old_ids = {str(stops.nth(i).get_attribute("data-stop")) for i in range(3)}
    alone = _order_client(engine, keys[1])
    with Session(engine) as session:  # the second client lives alone: check on them
        row = session.get(Client, alone.id)
        assert row is not None
        row.lives_alone = row.check_on_me = True
        session.add(row)
        session.commit()

    phone.set_offline(True)
    _replan_on_the_board(board, engine, server.day)
    published = _published(engine, server.day)
    item = "li.stop[data-key='{}']"
    for key, outcome in zip(keys, ("delivered", "not_home", "refused"), strict=True):
        driver.click(f"{item.format(key)} button[data-report={outcome}]")
    assert driver.locator("#queue").inner_text().startswith("3")
    driver.screenshot(path=str(ARTIFACTS / "phone-queued-across-replan.png"), full_page=True)

    phone.set_offline(False)
    driver.wait_for_selector("#queue:empty", state="attached", timeout=30_000)
    assert driver.locator("li.stop .badge.st-problem").count() == 0  # none "Not accepted"
    with Session(engine) as session:
        reports = session.exec(select(Event).where(Event.kind == "stop_reported")).all()
        assert len(reports) == 3 and all(not r.payload["conflict"] for r in reports)
        now = session.exec(
            select(Stop)
            .join(Route, col(Route.id) == col(Stop.route_id))
            .where(Route.plan_version_id == published.id, Stop.kind == "job")
        ).all()
        status = {f"order:{s.order_id}": s.status.value for s in now}
        assert [status[k] for k in keys] == ["delivered", "not_home", "refused"]
        assert not old_ids & {str(s.id) for s in now}  # the page's rows were all replaced
        welfare = session.exec(select(Alert).where(Alert.kind == "welfare")).all()
        assert [a.client_id for a in welfare] == [alone.id]
    board.wait_for_selector("#alerts li[data-kind=welfare]", timeout=20_000)
    board.screenshot(path=str(ARTIFACTS / "board-after-offline-replan.png"), full_page=True)
    phone.close()
    desk.close()
