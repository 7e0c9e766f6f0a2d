"""`/v1/webhooks`: dispatchers and admins manage their municipality's webhooks over REST.

The secret is shown once; the list never shows it; another town's webhook is not there;
every change is audited; a deleted webhook gets no more deliveries but keeps its record.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import select

from scheduler.models import AuditEntry, PushTarget, Role
from tests.api.conftest import PASSWORD, World, csrf_of


def test_create_list_delete_a_webhook_with_its_secret_shown_once(world: World) -> None:
    dispatcher = world.client("Kazanlak", Role.dispatcher)
    made = dispatcher.post(
        "/v1/webhooks", json={"url": "https://sms.example/hook", "label": "SMS gateway"}
    )
    assert made.status_code == 201, made.text
    created = made.json()
    assert len(created["secret"]) >= 40 and created["label"] == "SMS gateway"
    listed = dispatcher.get("/v1/webhooks").json()
    assert [w["url"] for w in listed] == ["https://sms.example/hook"]
    assert "secret" not in listed[0]
    # Another municipality sees none of it and cannot delete it.
    other = world.client("Maribor", Role.admin)
    assert other.get("/v1/webhooks").json() == []
    assert other.delete(f"/v1/webhooks/{created['id']}").status_code == 404
    # The same URL again: a new secret (rotation), still one webhook.
    again = dispatcher.post("/v1/webhooks", json={"url": "https://sms.example/hook"}).json()
    assert again["id"] == created["id"] and again["secret"] != created["secret"]
    with world.session() as session:
        row = session.get(PushTarget, created["id"])
        assert row is not None and row.secrets == {"secret": again["secret"]}
    assert dispatcher.delete(f"/v1/webhooks/{created['id']}").status_code == 204
    assert dispatcher.get("/v1/webhooks").json() == []
    assert dispatcher.delete(f"/v1/webhooks/{created['id']}").status_code == 404
    with world.session() as session:
        row = session.get(PushTarget, created["id"])
        assert row is not None and not row.active  # kept for its deliveries' record
        actions = session.exec(
            select(AuditEntry.action).where(AuditEntry.entity == "webhook")
        ).all()
        assert sorted(actions) == ["create", "create", "delete"]


def test_a_webhook_needs_an_http_url_and_a_staff_role(world: World) -> None:
    dispatcher = world.client("Kazanlak", Role.dispatcher)
    for url in ("ftp://x.example/hook", "javascript:alert(1)", "https://", "x" * 1001):
        answer = dispatcher.post("/v1/webhooks", json={"url": url})
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["field"] == "body.url"
    for role in (Role.driver, Role.kitchen, Role.caregiver):
        client = world.client("Kazanlak", role)
        assert client.post("/v1/webhooks", json={"url": "https://a.example/"}).status_code == 403
        assert client.get("/v1/webhooks").status_code == 403
    # Not a webhook: a phone's push target cannot be switched off here.
    with world.session() as session:
        phone = PushTarget(
            municipality_id=world.town_ids["Kazanlak"], channel="ntfy",
            address="https://ntfy.example/topic",
        )  # fmt: skip
        session.add(phone)
        session.commit()
        phone_id = phone.id
    assert dispatcher.delete(f"/v1/webhooks/{phone_id}").status_code == 404


def test_the_admin_page_adds_shows_the_secret_once_and_deletes(world: World) -> None:
    browser = TestClient(world.app, raise_server_exceptions=False)
    who = {"municipality": "Kazanlak", "username": "admin", "password": PASSWORD}
    assert browser.post("/login", data=who, follow_redirects=False).status_code == 303
    token = csrf_of(browser)
    page = browser.get("/admin/webhooks")
    assert page.status_code == 200 and "Уебхукове" in page.text  # Kazanlak speaks Bulgarian
    url = "https://page.example/hook"
    added = browser.post("/admin/webhooks", data={"csrf": token, "url": url, "label": "Page"})
    assert added.status_code == 200, added.text
    secret = re.search(r"<code>([^<]+)</code>", added.text)
    assert secret and "няма да бъде показан отново" in added.text
    listed = browser.get("/admin/webhooks").text
    assert url in listed and secret.group(1) not in listed  # shown once only
    with world.session() as session:
        row = session.exec(select(PushTarget).where(PushTarget.address == url)).one()
        assert row.secrets == {"secret": secret.group(1)} and row.label == "Page"
    bad = browser.post("/admin/webhooks", data={"csrf": token, "url": "ftp://x.example/"})
    assert bad.status_code == 422 and "http(s)" in bad.text
    forged = browser.post(f"/admin/webhooks/{row.id}/delete", data={"csrf": "forged"})
    assert forged.status_code == 403
    gone = browser.post(f"/admin/webhooks/{row.id}/delete", data={"csrf": token})
    assert gone.status_code == 200 and url not in gone.text  # followed the redirect
    dispatcher = TestClient(world.app, raise_server_exceptions=False)
    who = {"municipality": "Kazanlak", "username": "dispatcher", "password": PASSWORD}
    dispatcher.post("/login", data=who, follow_redirects=False)
    assert dispatcher.get("/admin/webhooks", follow_redirects=False).status_code in (302, 303, 403)
