"""The welfare alert end to end on the screens, and the screens around it.

The dispatcher opens a client from the board's route, turns "check on me" on and edits the
emergency contacts (add two, then change one and remove the other); the driver reports "not at
home" for that client (the phone's report API); the board shows the red banner, beeps once and
names the contact; the dispatcher takes the alert with a note, the banner goes away and the note
is stored. Then the admin's escalation screen (add, reorder, remove, minutes) and the board's
"Alerts on this device" button, without a VAPID key (it says so) and with one (the browser's push
service is remote, so its subscribe answers a made-up subscription, which the board registers).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from py_vapid import Vapid02
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.db import make_engine
from scheduler.models import Alert, Client, PushTarget, Role, User
from scheduler.repositories.users import create_user
from scheduler.repositories.welfare import escalation_list, list_contacts
from tests.api.browser.conftest import (
    ARTIFACTS,
    PASSWORD,
    Server,
    _seed,
    plan_and_publish,
    running_server,
    sign_in,
    sqlite_url,
)
from workers.publishers.webpush import application_server_key, load_vapid

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DESK = {"viewport": {"width": 1400, "height": 1000}}
# The push service (FCM for Chromium) cannot be reached here: subscribe answers this.
FAKE_SUBSCRIPTION = """
PushManager.prototype.getSubscription = function () { return Promise.resolve(null); };
PushManager.prototype.subscribe = function (options) {
  window.subscribedKeyBytes = new Uint8Array(options.applicationServerKey).length;
  return Promise.resolve({ toJSON: function () {
    return { endpoint: "https://push.example/send/board-1",
             keys: { p256dh: "BKd0Fake-p256dh-key", auth: "fake-auth" } };
  } });
};
"""


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Engine]]:
    """The shared fixture's town (with an admin besides the dispatcher), its server and database."""
    folder = tmp_path_factory.mktemp("welfare")
    url = sqlite_url(folder)
    day = _seed(url, folder / "files")
    engine = make_engine(url)
    with Session(engine) as session:
        disp = session.exec(select(User).where(User.username == "disp")).one()
        create_user(disp.municipality_id, session=session, username="head", password=PASSWORD,
                    role=Role.admin, locale="en")  # fmt: skip
        session.commit()
    try:
        with running_server(folder, url, day) as server:
            yield server, engine
    finally:
        engine.dispose()


def _fill_contact(row: Any, name: str, relation: str, phone: str) -> None:
    row.locator("[name=name]").fill(name)
    row.locator("[name=relation]").fill(relation)
    row.locator("[name=phone]").fill(phone)


def _save_contacts(page: Any) -> None:
    page.click("#save-contacts")
    page.wait_for_selector("#contacts-status[data-state=saved]")
    page.evaluate("document.getElementById('contacts-status').dataset.state = ''")


def _edit_contacts(page: Any) -> int:
    """On the client's screen: "check on me" on, two contacts, then one changed and one gone."""
    page.wait_for_selector("#welfare[data-loaded='1']")
    client_id = int(page.locator("#welfare").get_attribute("data-client") or 0)
    page.check("#check-on-me")
    page.click("#add-contact")
    _fill_contact(page.locator("tr.contact").last, "Maria Petrova", "daughter", "+359888000111")
    page.click("#add-contact")
    _fill_contact(page.locator("tr.contact").last, "Ivan Kolev", "neighbour", "+359888000222")
    _save_contacts(page)
    page.reload()
    page.wait_for_selector("#welfare[data-loaded='1']")
    assert page.locator("#check-on-me").is_checked()
    assert page.locator("tr.contact").count() == 2
    page.locator("tr.contact").first.locator("[name=phone]").fill("+359888000333")
    page.locator("tr.contact").last.locator("button.remove-contact").click()
    _save_contacts(page)
    page.screenshot(path=str(ARTIFACTS / "client-welfare-contacts.png"), full_page=True)
    return client_id


def test_contacts_edited_then_not_at_home_is_taken_with_a_note(
    town: tuple[Server, Engine], browser: Any
) -> None:
    server, engine = town
    desk = browser.new_context(**DESK)
    board = desk.new_page()
    sign_in(board, server)
    href = plan_and_publish(board, server)
    stop = board.locator(".route").first.locator("li[data-stop]").first
    stop_id = int(stop.get_attribute("data-stop") or 0)
    stop.locator("a.client-link").click()  # the board's route leads to the client's screen
    board.wait_for_url("**/clients/*/welfare")
    client_id = _edit_contacts(board)
    with Session(engine) as session:
        client = session.get(Client, client_id)
        assert client is not None and client.check_on_me
        rows = list_contacts(client.municipality_id, client_id, session=session)
        assert [(r.name, r.relation, r.phone) for r in rows] == [
            ("Maria Petrova", "daughter", "+359888000333")
        ]

    board.goto(f"{server.url}/board?day={server.day.isoformat()}&service=meals")
    board.wait_for_selector("#state[data-state=published]")
    assert board.locator("#welfare-banner").is_hidden()
    assert board.evaluate("window.patronageBeeps || 0") == 0
    report = {"stop_id": stop_id, "status": "not_home", "client_event_id": "welfare-1"}
    answer = httpx.post(f"{server.url}{href}/reports", json=report, timeout=30)
    assert answer.status_code == 200 and answer.json()["status"] == "not_home", answer.text

    board.wait_for_selector("#welfare-banner:not([hidden])", timeout=20_000)
    alert = board.locator("#alerts li[data-kind=welfare]")
    assert "Maria Petrova (daughter) +359888000333" in alert.inner_text()
    assert alert.locator("a.client-link").get_attribute("href") == f"/clients/{client_id}/welfare"
    assert board.evaluate("window.patronageBeeps") == 1
    board.screenshot(path=str(ARTIFACTS / "board-welfare-banner.png"), full_page=True)
    note = "Reached the daughter by phone: he is at the doctor's."
    alert.locator("textarea").fill(note)
    alert.locator("button[type=submit]").click()
    board.wait_for_selector("#welfare-banner", state="hidden", timeout=20_000)
    assert board.locator("#alerts li[data-kind=welfare]").count() == 0
    assert board.evaluate("window.patronageBeeps") == 1  # one alert, one beep
    with Session(engine) as session:
        taken = session.exec(select(Alert).where(Alert.kind == "welfare")).one()
        assert taken.client_id == client_id and taken.acknowledged_at is not None
        assert taken.ack_note == note and taken.acknowledged_by == "user:disp"
    desk.close()


def test_the_admin_orders_the_escalation_list(town: tuple[Server, Engine], browser: Any) -> None:
    server, engine = town
    desk = browser.new_context(**DESK)
    page = desk.new_page()
    sign_in(page, server, "head", lands=None)
    page.goto(f"{server.url}/admin/users")
    page.click("#escalation-link")
    page.wait_for_selector("#escalation[data-loaded='1']")
    with Session(engine) as session:
        ids = {u.username: u.id for u in session.exec(select(User)).all()}
    for name in ("disp", "head"):
        page.select_option("#person-choice", value=str(ids[name]))
        page.click("#add-person")
    page.select_option("#person-choice", value=str(ids["disp"]))
    page.click("#add-person")  # once on the list is enough
    assert page.locator("#people li").count() == 2
    page.locator("#people li[data-user='{}'] button.up".format(ids["head"])).click()
    page.fill("#minutes", "7")
    page.click("#save-escalation")
    page.wait_for_selector("#escalation-status[data-state=saved]")
    page.reload()
    page.wait_for_selector("#escalation[data-loaded='1']")
    order = page.eval_on_selector_all("#people li", "ls => ls.map(l => Number(l.dataset.user))")
    assert order == [ids["head"], ids["disp"]]
    assert page.locator("#minutes").input_value() == "7"
    page.locator("#people li[data-user='{}'] button.remove-person".format(ids["head"])).click()
    page.click("#save-escalation")
    page.wait_for_selector("#escalation-status[data-state=saved]")
    page.screenshot(path=str(ARTIFACTS / "admin-escalation.png"), full_page=True)
    with Session(engine) as session:
        head = session.get(User, ids["head"])
        assert head is not None
        people = escalation_list(head.municipality_id, session=session)
        assert [u.username for u in people] == ["disp"]
    desk.close()


def test_alerts_on_this_device_without_and_with_a_vapid_key(
    town: tuple[Server, Engine], browser: Any
) -> None:
    server, engine = town
    desk = browser.new_context(**DESK)
    desk.grant_permissions(["notifications"], origin=server.url)
    desk.add_init_script(FAKE_SUBSCRIPTION)
    board = desk.new_page()
    sign_in(board, server)
    board.goto(f"{server.url}/board?day={server.day.isoformat()}&service=meals")
    board.wait_for_selector("#state[data-state]:not([data-state=''])")
    board.click("#push-alerts")  # this server has no VAPID key
    board.wait_for_selector("#push-alerts[data-state=no-key]")
    assert "no VAPID key" in board.locator("#push-status").inner_text()

    vapid = Vapid02()
    vapid.generate_keys()
    key = application_server_key(load_vapid(vapid.private_pem().decode()))
    body = json.dumps({"configured": True, "application_server_key": key})
    board.route("**/v1/me/push-key", lambda route: route.fulfill(
        status=200, content_type="application/json", body=body))  # fmt: skip
    board.click("#push-alerts")
    board.wait_for_selector("#push-alerts[data-state=on]", timeout=20_000)
    assert board.locator("#push-status").inner_text() == "Alerts come to this device."
    assert board.evaluate("window.subscribedKeyBytes") == 65  # an uncompressed P-256 point
    scopes = board.evaluate(
        "navigator.serviceWorker.getRegistrations().then(rs => rs.map(r => r.scope))"
    )
    assert scopes == [f"{server.url}/board/push/"]
    with Session(engine) as session:
        target = session.exec(select(PushTarget)).one()
        disp = session.exec(select(User).where(User.username == "disp")).one()
        assert target.address == "https://push.example/send/board-1"
        assert target.channel == "webpush" and target.user_id == disp.id
        assert target.secrets == {"p256dh": "BKd0Fake-p256dh-key", "auth": "fake-auth"}
    desk.close()
