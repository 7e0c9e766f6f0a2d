"""The welfare screens at the server: the clients list and a client's contacts page
(dispatcher, admin), the escalation page (admin), the VAPID key a dispatcher's browser
subscribes with, the board's push worker, and the phone's "My days" link.

What the screens do in a browser is in tests/api/browser/test_welfare_screens.py.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from py_vapid import Vapid02

from api import links
from api.app import create_app
from api.links import DayLink
from scheduler.models import Client, Driver, Role
from tests.api.conftest import PASSWORD, World

HTML = {"Accept": "text/html,application/xhtml+xml"}


def _signed_in(world: World, role: Role, town: str = "Kazanlak") -> TestClient:
    client = world.client()
    who = {"municipality": town, "username": role.value, "password": PASSWORD}
    assert client.post("/login", data=who, follow_redirects=False).status_code == 303
    return client


def _client(world: World, town: str = "Kazanlak") -> Client:
    with world.session() as session:
        found = session.get(Client, world.ids[(town, "client")])
        assert found is not None
        return found


def test_the_clients_list_leads_to_each_clients_contacts(world: World) -> None:
    client = _client(world)
    for role in (Role.dispatcher, Role.admin):
        page = _signed_in(world, role).get("/clients")
        assert page.status_code == 200 and "Клиенти" in page.text  # the town's language
        assert f'href="/clients/{client.id}/welfare"' in page.text and client.name in page.text
    assert _signed_in(world, Role.kitchen).get("/clients").status_code == 403


def test_the_contacts_page_is_the_clients_and_speaks_the_towns_language(world: World) -> None:
    client = _client(world)
    desk = _signed_in(world, Role.dispatcher)
    page = desk.get(f"/clients/{client.id}/welfare")
    assert page.status_code == 200
    assert f'data-client="{client.id}"' in page.text and client.name in page.text
    assert "Хора за спешна връзка" in page.text and "Проверявайте ме" in page.text  # noqa: RUF001
    assert '<script src="/static/welfare.js">' in page.text
    other = _client(world, "Maribor")
    assert desk.get(f"/clients/{other.id}/welfare").status_code == 404
    assert _signed_in(world, Role.driver).get(f"/clients/{client.id}/welfare").status_code == 403
    anonymous = world.client().get(f"/clients/{client.id}/welfare", follow_redirects=False)
    assert anonymous.status_code in (302, 303, 307) and "/login" in anonymous.headers["location"]


def test_the_escalation_page_is_the_admins_and_linked_from_users(world: World) -> None:
    admin = _signed_in(world, Role.admin)
    assert 'href="/admin/escalation"' in admin.get("/admin/users").text
    page = admin.get("/admin/escalation")
    assert page.status_code == 200 and "Ескалация" in page.text
    dispatcher = world.user_ids[("Kazanlak", Role.dispatcher)]
    assert f'<option value="{dispatcher}" data-name="dispatcher"' in page.text
    assert "Maribor" not in page.text
    assert _signed_in(world, Role.dispatcher).get("/admin/escalation").status_code == 403


def test_no_vapid_key_is_an_answer_the_board_can_say(world: World) -> None:
    desk = world.client("Kazanlak", Role.dispatcher)
    assert desk.get("/v1/me/push-key").json() == {
        "configured": False,
        "application_server_key": "",
    }
    assert world.client().get("/v1/me/push-key").status_code == 401


def test_the_push_key_is_the_one_the_phones_subscribe_with(world: World) -> None:
    vapid = Vapid02()
    vapid.generate_keys()
    pem = vapid.private_pem().decode()
    settings = world.app.state.settings.model_copy(update={"vapid_private_key": pem})
    app = create_app(settings)
    token = world.tokens[("Kazanlak", Role.dispatcher)]
    desk = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    mine = desk.get("/v1/me/push-key").json()
    day = links.sign(settings, DayLink(world.town_ids["Kazanlak"], "meals", date(2026, 3, 4), "V1"))
    phones = TestClient(app).get(f"/d/{day}/push").json()
    assert mine["configured"] is True
    assert mine["application_server_key"] == phones["application_server_key"] != ""


def test_the_board_offers_alerts_on_this_device_and_serves_its_worker(world: World) -> None:
    desk = _signed_in(world, Role.dispatcher)
    board = desk.get("/board").text
    assert 'id="push-alerts"' in board and "Сигнали на това устройство" in board
    assert '<script src="/static/board_push.js">' in board
    worker = desk.get("/board/sw.js")
    assert worker.status_code == 200 and worker.headers["content-type"].startswith(
        "text/javascript"
    )
    assert 'addEventListener("push"' in worker.text


def _day_page(world: World, service: str, resource: str) -> str:
    settings = world.app.state.settings
    link = DayLink(world.town_ids["Kazanlak"], service, date(2026, 3, 4), resource)
    return world.client().get(f"/d/{links.sign(settings, link)}", headers=HTML).text


def test_the_day_page_links_the_holders_days(world: World) -> None:
    # A van nobody follows: no link.
    assert 'id="my-days"' not in _day_page(world, "meals", "V1")
    # A round an account follows (the caregiver user is CG1's): the signed-in list.
    assert 'id="my-days" class="my-days-link" href="/my-day/days"' in _day_page(
        world, "care", "CG1"
    )
    # A driver given a personal link: their list behind it.
    mid = world.town_ids["Kazanlak"]
    with world.session() as session:
        driver = Driver(municipality_id=mid, external_id="D9", name="Petar",
                        vehicle_id=world.ids[("Kazanlak", "vehicle")])  # fmt: skip
        session.add(driver)
        session.commit()
        assert driver.id is not None
    staff = world.client("Kazanlak", Role.dispatcher)
    issued = staff.post(f"/v1/personal-links/driver/{driver.id}").json()
    path = urlsplit(issued["url"]).path
    page = _day_page(world, "meals", "V1")
    assert f'href="{path}/days"' in page and "Моите дни" in page
