"""A dispatcher plans and publishes a day; a driver works it offline; the board follows.

Screenshots of each page go to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.browser.conftest import ARTIFACTS, Server, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


def test_plan_publish_and_work_the_day_offline(server: Server, browser: Any) -> None:
    desk = browser.new_context(viewport={"width": 1400, "height": 1000})
    board = desk.new_page()
    sign_in(board, server)
    board.screenshot(path=str(ARTIFACTS / "board-empty.png"))
    board.goto(f"{server.url}/board?day={server.day.isoformat()}&service=meals")
    board.wait_for_selector("#state[data-state=none]")

    board.click("#plan")
    board.wait_for_selector("#state[data-state=planned]", timeout=90_000)
    assert board.locator(".route").count() >= 1
    board.screenshot(path=str(ARTIFACTS / "board-planned.png"), full_page=True)

    board.click("#publish")
    board.wait_for_selector("#state[data-state=published]", timeout=60_000)
    link = board.locator("a.day-link").first
    href = link.get_attribute("href")
    resource = link.get_attribute("data-resource")
    assert href and href.startswith("/d/")
    board.screenshot(path=str(ARTIFACTS / "board-published.png"), full_page=True)

    phone = browser.new_context(**PHONE)
    driver = phone.new_page()
    driver.goto(server.url + href)
    driver.wait_for_selector("body[data-offline-ready='1']", timeout=20_000)
    stops = driver.locator("li.stop")
    assert stops.count() >= 2
    first, second = (stops.nth(i).get_attribute("data-stop") for i in (0, 1))
    driver.screenshot(path=str(ARTIFACTS / "phone-day.png"), full_page=True)

    phone.set_offline(True)
    driver.reload()  # the service worker serves the kept day with no network at all
    driver.wait_for_selector(f"#stop-{first}")
    driver.click(f"#stop-{first} button[data-report=delivered]")
    driver.click(f"#stop-{second} button[data-report=delivered]")
    assert driver.locator("#queue").inner_text().startswith("2")
    driver.screenshot(path=str(ARTIFACTS / "phone-offline-queued.png"), full_page=True)

    phone.set_offline(False)
    driver.wait_for_selector("#queue:empty", state="attached", timeout=30_000)
    driver.screenshot(path=str(ARTIFACTS / "phone-synced.png"), full_page=True)

    for stop_id in (first, second):
        badge = f"#bstop-{stop_id} [data-status=delivered]"
        board.wait_for_selector(badge, timeout=20_000)
    assert resource and resource in board.locator(".route").first.inner_text()
    board.screenshot(path=str(ARTIFACTS / "board-live.png"), full_page=True)

    board.goto(f"{server.url}/kitchen?day={server.day.isoformat()}")
    sheet = board.locator("section.sheet").first
    sheet.wait_for()
    assert board.locator("table.packing tbody tr").count() >= 2
    assert "+359" not in board.content()  # kitchen sheets carry no phone numbers
    board.screenshot(path=str(ARTIFACTS / "kitchen.png"), full_page=True)
    phone.close()
    desk.close()
