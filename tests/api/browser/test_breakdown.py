"""A dispatcher reports a van broken down from the board: the day is re-planned without it, it
goes out to the phones at once, and the board lists the breakdown with who it affected.

The screenshot goes to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.browser.conftest import ARTIFACTS, Server, plan_and_publish, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_van_broken_down_from_the_board_hands_its_stops_on(server: Server, browser: Any) -> None:
    desk = browser.new_context(viewport={"width": 1400, "height": 1000})
    board = desk.new_page()
    sign_in(board, server)
    plan_and_publish(board, server)
    published = board.locator("#state").get_attribute("data-state")
    assert published == "published"
    route = board.locator(".route").first
    broken = route.get_attribute("data-resource")
    stops = route.locator("li").count()
    assert stops > 0
    # Before the day the van is out from the start of its shift: none of its stops stays.
    board.once("dialog", lambda dialog: dialog.accept("08:00"))
    route.locator("button.breakdown").click()
    box = board.locator("#breakdowns-box")
    box.wait_for(state="visible", timeout=30_000)
    board.wait_for_selector("#breakdowns li[data-version]:not([data-version='0'])", timeout=120_000)
    board.wait_for_selector("#state[data-state=published]", timeout=120_000)
    board.locator(f"#breakdowns li[data-resource='{broken}'] strong", has_text="08:00").wait_for()
    assert board.locator(f".route[data-resource='{broken}']").count() == 0
    assert board.locator("#breakdowns li .change[data-change=added]").count() >= 1
    board.screenshot(path=str(ARTIFACTS / "board-breakdown.png"), full_page=True)
    desk.close()
