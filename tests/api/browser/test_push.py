"""A re-published route reaches an open phone page through its service worker's push event.

The push service itself (FCM for Chromium) is remote and cannot run here; the publisher's side
of Web Push is tested against a local server speaking RFC 8030/8291 (tests/workers). Here the
browser's own DevTools protocol delivers the message that service would: the real service
worker takes it, shows the notification and tells the open page, which offers the new version.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.api.browser.conftest import ARTIFACTS, Server, plan_and_publish, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NOTIFICATIONS = (
    "navigator.serviceWorker.ready.then(r => r.getNotifications())"
    ".then(ns => ns.map(n => n.title + '|' + n.body))"
)
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _activated_registration(cdp: Any) -> str:
    """The id of the page's activated service worker registration, from DevTools events."""
    versions: list[dict[str, Any]] = []
    cdp.on("ServiceWorker.workerVersionUpdated", lambda event: versions.extend(event["versions"]))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for version in versions:
            if version.get("status") == "activated":
                return str(version["registrationId"])
        cdp.send("Runtime.evaluate", {"expression": "1"})  # lets queued events arrive
        time.sleep(0.1)
    raise AssertionError(f"no activated service worker: {versions}")


def test_a_push_tells_the_open_day_page_of_a_new_version(server: Server, browser: Any) -> None:
    desk = browser.new_context(viewport={"width": 1400, "height": 1000})
    board = desk.new_page()
    sign_in(board, server)
    href = plan_and_publish(board, server)

    phone = browser.new_context(**PHONE)
    phone.grant_permissions(["notifications"], origin=server.url)
    driver = phone.new_page()
    driver.goto(server.url + href)
    driver.wait_for_selector("body[data-offline-ready='1']", timeout=20_000)
    shown = int(driver.locator("#stops").get_attribute("data-version") or 0)
    assert shown >= 1
    assert driver.locator("#changed").is_hidden()

    cdp = phone.new_cdp_session(driver)
    registration = _activated_registration(cdp)
    message = {"type": "route.published", "plan_version": shown + 1, "route_id": 1,
               "url": server.url + href, "title": "Patronage", "body": "route changed"}  # fmt: skip
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": server.url, "registrationId": registration, "data": json.dumps(message)},
    )
    driver.wait_for_selector("#changed:not([hidden])", timeout=10_000)
    assert f"v{shown + 1}" in driver.locator("#changed").inner_text()
    titles = driver.evaluate(NOTIFICATIONS)
    assert titles == [f"Patronage|v{shown + 1} · route changed"]
    driver.screenshot(path=str(ARTIFACTS / "phone-route-changed.png"), full_page=True)

    # An older or equal version (a repeat from the push service) offers nothing.
    driver.click("#reload")
    driver.wait_for_selector("body[data-offline-ready='1']", timeout=20_000)
    cdp = phone.new_cdp_session(driver)
    stale = {**message, "plan_version": shown}
    registration = _activated_registration(cdp)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": server.url, "registrationId": registration, "data": json.dumps(stale)},
    )
    # The worker has handled it once its notification (same tag, so replaced) says so.
    driver.wait_for_function(
        f"{NOTIFICATIONS}.then(ns => ns.includes('Patronage|v{shown} · route changed'))",
        timeout=10_000,
    )
    assert driver.locator("#changed").is_hidden()
    phone.close()
    desk.close()
