"""The admin adds a webhook on its page, copies the secret shown once, and deletes it.

It also sends a test to a local gateway answering 200 and to one answering 500 and reads
both on the page. The screenshots (one with the secret on it) go to test-artifacts/ for a
person to look at.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.models import AuditEntry, PushTarget
from tests.api.browser.conftest import ARTIFACTS, Server, sign_in
from tests.api.browser.test_welfare_screens import DESK, town  # noqa: F401
from tests.workers import servers

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_admin_adds_and_deletes_a_webhook(town: tuple[Server, Engine], browser: Any) -> None:  # noqa: F811
    server, engine = town
    desk = browser.new_context(**DESK)
    page = desk.new_page()
    sign_in(page, server, "head", lands=None)
    page.goto(f"{server.url}/admin/users")
    page.click("#webhooks-link")
    page.fill("#add-webhook input[name=url]", "https://sms.example/hook")
    page.fill("#add-webhook input[name=label]", "SMS gateway")
    page.click("#add-webhook button[type=submit]")
    secret = page.locator("#new-secret code").inner_text()
    assert len(secret) >= 40
    page.screenshot(path=str(ARTIFACTS / "admin-webhooks.png"), full_page=True)
    with Session(engine) as session:
        row = session.exec(select(PushTarget).where(PushTarget.channel == "webhook")).one()
        assert row.secrets == {"secret": secret} and row.label == "SMS gateway"
    page.goto(f"{server.url}/admin/webhooks")  # the list afterwards never shows the secret
    assert page.locator("#new-secret").count() == 0
    assert page.locator(f"tr[data-webhook='{row.id}']").count() == 1
    page.click(f"tr[data-webhook='{row.id}'] .delete button")
    page.wait_for_url(f"{server.url}/admin/webhooks")
    assert page.locator(f"tr[data-webhook='{row.id}']").count() == 0
    with Session(engine) as session:
        actions = session.exec(
            select(AuditEntry.action).where(AuditEntry.entity == "webhook")
        ).all()
        assert sorted(actions) == ["create", "delete"]
    desk.close()


def _add(page: Any, server: Server, url: str) -> str:
    page.goto(f"{server.url}/admin/webhooks")
    page.fill("#add-webhook input[name=url]", url)
    page.click("#add-webhook button[type=submit]")
    return str(page.locator("#new-secret code").inner_text())


def test_the_admin_sends_a_test_and_reads_the_last_deliveries(
    town: tuple[Server, Engine],  # noqa: F811
    browser: Any,
) -> None:
    server, engine = town
    desk = browser.new_context(**DESK)
    page = desk.new_page()
    sign_in(page, server, "head", lands=None)
    with servers.gateway("") as good, servers.gateway("", script=[500]) as bad:
        good.state.secret = _add(page, server, good.url + "/ok")
        bad.state.secret = _add(page, server, bad.url + "/down")
        with Session(engine) as session:
            ids = {
                row.address: row.id
                for row in session.exec(select(PushTarget).where(PushTarget.active)).all()
            }
        good_id, bad_id = ids[good.url + "/ok"], ids[bad.url + "/down"]
        page.click(f"tr[data-webhook='{good_id}'] .send-test button")
        assert "HTTP 200" in page.locator("#test-result").inner_text()
        page.click(f"tr[data-webhook='{bad_id}'] .send-test button")
        assert "HTTP 500" in page.locator("#test-result").inner_text()
    assert len(good.state.accepted) == 1 and len(bad.state.requests) == 1
    page.goto(f"{server.url}/admin/webhooks")  # the record stays after the answer
    good_rows = page.locator(f"tr[data-deliveries='{good_id}'] tbody tr")
    bad_rows = page.locator(f"tr[data-deliveries='{bad_id}'] tbody tr")
    assert good_rows.count() == 1 and "HTTP 200" in good_rows.inner_text()
    assert bad_rows.count() == 1 and "HTTP 500" in bad_rows.inner_text()
    assert "Test" in good_rows.inner_text()
    page.screenshot(path=str(ARTIFACTS / "admin-webhook-deliveries.png"), full_page=True)
    desk.close()
