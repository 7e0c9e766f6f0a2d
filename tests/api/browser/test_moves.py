"""A dispatcher moves stops by hand: pins two stops to another van in a chosen order, re-plans,
and the board shows them on that van in that order, each with its pin mark; dragging a stop
onto another route pins it too, and a pin can be removed.

The screenshot goes to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.browser.conftest import ARTIFACTS, Server, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _names(route: Any) -> list[str]:
    return [n.strip() for n in route.locator("li > span:nth-child(2)").all_inner_texts()]


def test_pinned_stops_ride_on_the_chosen_van_in_the_chosen_order(
    server: Server, browser: Any
) -> None:
    desk = browser.new_context(viewport={"width": 1400, "height": 1000})
    board = desk.new_page()
    sign_in(board, server)
    board.goto(f"{server.url}/board?day={server.day.isoformat()}&service=meals")
    board.click("#plan")
    board.wait_for_selector("#state[data-state=planned]", timeout=90_000)

    source = board.locator(".route").first
    home = source.get_attribute("data-resource")
    names = _names(source)
    assert len(names) >= 2
    vans = board.locator("#pin-van option")
    resources = [vans.nth(i).get_attribute("data-resource") for i in range(vans.count())]
    other = next(r for r in resources if r != home)
    # Its last stop first, then its first one: the reverse of the order the solver chose.
    wanted = [names[-1], names[0]]
    for place, name in enumerate(wanted, start=1):
        stop = source.locator("li", has_text=name).first
        stop.locator("button.move").click()
        board.select_option("#pin-van", value=board.locator(
            f"#pin-van option[data-resource='{other}']").get_attribute("value"))  # fmt: skip
        board.fill("#pin-place", str(place))
        board.click("#pin-add")
        board.wait_for_selector(f"#pins li.pin >> nth={place - 1}")
    assert board.locator("#pins li[data-holds=waiting]").count() == 2
    assert board.locator("#pin-problem").is_hidden()

    board.click("#plan")
    board.wait_for_selector("#pins li[data-holds=holds] >> nth=1", timeout=90_000)
    board.wait_for_selector("#state[data-state=planned]", timeout=30_000)
    target = board.locator(f".route[data-resource='{other}']")
    on_target = _names(target)
    assert [n for n in on_target if n in wanted] == wanted
    for name in wanted:
        assert target.locator("li[data-pinned='1']", has_text=name).count() == 1
        assert name not in _names(board.locator(f".route[data-resource='{home}']"))
    board.screenshot(path=str(ARTIFACTS / "board-pinned.png"), full_page=True)

    # Dragging a stop onto another route's first stop pins it there, at place 1.
    dragged = _names(board.locator(f".route[data-resource='{home}']"))[0]
    board.locator(f".route[data-resource='{home}'] li").first.drag_to(target.locator("li").first)
    board.locator("#pins li.pin[data-holds=waiting]", has_text=dragged).wait_for()
    assert board.locator("#pins li.pin").count() == 3

    board.locator("#pins li.pin button.unpin").first.click()
    board.locator("#pins li.pin").nth(2).wait_for(state="detached")
    assert board.locator("#pins li.pin").count() == 2
    desk.close()
