"""The board's "How many vans" panel: the dispatcher asks, the answer fills the panel.

The screenshot goes to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.browser.conftest import ARTIFACTS, Server, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_panel_shows_the_fewest_vans_the_bound_and_the_what_ifs(
    server: Server, browser: Any
) -> None:
    desk = browser.new_context(viewport={"width": 1400, "height": 1000})
    board = desk.new_page()
    sign_in(board, server)
    board.goto(f"{server.url}/board?day={server.day.isoformat()}&service=meals")
    board.wait_for_selector("#state[data-state=none]")
    board.click("#plan")  # planning freezes the day: the fleet question needs a frozen day
    board.wait_for_selector("#state[data-state=planned]", timeout=90_000)
    board.click("#fleet-ask")
    board.wait_for_selector("#fleet-options:not([hidden])", timeout=180_000)
    summary = board.locator("#fleet-summary").inner_text()
    assert "fewest found:" in summary and "at least:" in summary and "working: 2" in summary
    assert board.locator("#fleet-kitchens tbody tr").count() == 1
    options = board.locator("#fleet-options tbody tr")
    assert options.count() == 6
    assert options.first.locator("td").first.inner_text() == "The fewest vans found"
    assert options.first.locator("td").last.inner_text() == "0"
    board.locator("#fleet-box").screenshot(path=str(ARTIFACTS / "board-fleet.png"))
    desk.close()
