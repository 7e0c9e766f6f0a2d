"""The admin adds a webhook on its page, copies the secret shown once, and deletes it.

The screenshot (with the secret on it) goes to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.models import AuditEntry, PushTarget
from tests.api.browser.conftest import ARTIFACTS, Server
from tests.api.browser.test_welfare_screens import DESK, _sign_in_as, town  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_admin_adds_and_deletes_a_webhook(town: tuple[Server, Engine], browser: Any) -> None:  # noqa: F811
    server, engine = town
    desk = browser.new_context(**DESK)
    page = desk.new_page()
    _sign_in_as(page, server, "head")
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
    page.click(f"tr[data-webhook='{row.id}'] button[type=submit]")
    page.wait_for_url(f"{server.url}/admin/webhooks")
    assert page.locator(f"tr[data-webhook='{row.id}']").count() == 0
    with Session(engine) as session:
        actions = session.exec(
            select(AuditEntry.action).where(AuditEntry.entity == "webhook")
        ).all()
        assert sorted(actions) == ["create", "delete"]
    desk.close()
