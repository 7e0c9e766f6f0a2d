"""The phone's day behind a signed link: what it shows, reports applied once, link checks."""

from __future__ import annotations

import base64
import time
from datetime import date

import pytest
from sqlmodel import select

from api import links
from api.links import DayLink
from scheduler.models import Alert, MealOrder, PushTarget, Role, Stop
from tests.api.conftest import World

DAY = date(2026, 1, 6)


def _token(world: World, town: str = "Kazanlak", resource: str = "V1") -> str:
    link = DayLink(world.town_ids[town], "meals", DAY, resource)
    return links.sign(world.app.state.settings, link)


def test_day_page_shows_what_the_stop_needs(world: World) -> None:
    page = world.client().get(f"/d/{_token(world)}")
    assert page.status_code == 200
    for shown in ("Ivan Petrov", "ul. Roza 1", "tel:+359888000111", "geo:42.61,25.4", "11:00"):
        assert shown in page.text
    assert 'rel="manifest"' in page.text
    day = world.client().get(f"/d/{_token(world)}/day.json").json()
    (stop,) = day["stops"]
    assert (stop["diet"], stop["portions"], stop["kind"]) == ("diabetic", 2, "meal")
    assert set(stop) == {
        "stop_id",
        "key",
        "seq",
        "kind",
        "time",
        "window",
        "name",
        "address",
        "phone",
        "diet",
        "portions",
        "notes",
        "tasks",
        "lat",
        "lon",
        "status",
        "trip",
        "lives_alone",
    }


def test_a_forged_or_foreign_link_shows_nothing(world: World) -> None:
    token = _token(world)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert world.client().get(f"/d/{forged}").status_code == 404
    other = _token(world, "Kazanlak", "no-such-van")
    assert "Ivan Petrov" not in world.client().get(f"/d/{other}").text


def test_an_old_link_has_expired(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    hours = world.app.state.settings.link_max_age_hours
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - (hours + 1) * 3600)
    token = _token(world)
    monkeypatch.setattr(time, "time", real)
    response = world.client().get(f"/d/{token}/day.json")
    assert response.status_code == 410 and response.json()["title"] == "Link expired"


def test_a_report_applies_once_and_not_home_alone_raises_a_welfare_alert(world: World) -> None:
    token = _token(world)
    phone = world.client()
    stop_id = world.ids[("Kazanlak", "stop")]
    body = {"stop_id": stop_id, "status": "not_home", "client_event_id": "evt-1"}
    first = phone.post(f"/d/{token}/reports", json=body).json()
    again = phone.post(f"/d/{token}/reports", json=body).json()
    assert (first["applied"], again["applied"]) == (True, False)
    with world.session() as session:
        stop = session.get(Stop, stop_id)
        order = session.get(MealOrder, world.ids[("Kazanlak", "order")])
        alerts = session.exec(select(Alert).where(Alert.stop_id == stop_id)).all()
    assert stop is not None and stop.status == "not_home"
    assert order is not None and order.status == "not_home"
    assert [a.kind for a in alerts] == ["welfare"]
    later = {"stop_id": stop_id, "status": "delivered", "client_event_id": "evt-2"}
    assert phone.post(f"/d/{token}/reports", json=later).json()["status"] == "delivered"
    board = world.client("Kazanlak", Role.dispatcher).get("/v1/days/2026-01-06/meals").json()
    assert board["routes"][0]["stops"][0]["status"] == "delivered"
    assert any(a["kind"] == "welfare" for a in board["alerts"])


def test_a_report_cannot_touch_another_route_or_kind(world: World) -> None:
    token = _token(world)
    foreign_stop = world.ids[("Maribor", "stop")]
    body = {"stop_id": foreign_stop, "status": "delivered", "client_event_id": "evt-x"}
    assert world.client().post(f"/d/{token}/reports", json=body).status_code == 404
    own = world.ids[("Kazanlak", "stop")]
    wrong = {"stop_id": own, "status": "checked_in", "client_event_id": "evt-y"}
    response = world.client().post(f"/d/{token}/reports", json=wrong)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "status"


def test_service_worker_and_manifest_are_served_for_the_day_scope(world: World) -> None:
    sw = world.client().get("/d/sw.js")
    assert sw.headers["service-worker-allowed"] == "/d/" and "caches" in sw.text
    manifest = world.client().get(f"/d/{_token(world)}/manifest.webmanifest").json()
    assert manifest["start_url"].startswith("/d/") and manifest["display"] == "standalone"


def _care_token(world: World, town: str = "Kazanlak", resource: str = "CG1") -> str:
    link = DayLink(world.town_ids[town], "care", DAY, resource)
    return links.sign(world.app.state.settings, link)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


SUBSCRIPTION = {
    "endpoint": "https://push.example/send/phone-1",
    "expirationTime": None,
    "keys": {"p256dh": _b64(b"\x04" + b"k" * 64), "auth": _b64(b"a" * 16)},
}


def _targets(world: World, endpoint: str) -> list[PushTarget]:
    with world.session() as session:
        return list(session.exec(select(PushTarget).where(PushTarget.address == endpoint)).all())


def test_the_phone_gets_the_key_to_subscribe_with(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from py_vapid import Vapid02

    from workers.publishers.webpush import application_server_key

    url = f"/d/{_care_token(world)}/push"
    monkeypatch.setattr(world.app.state.settings, "vapid_private_key", "")
    assert world.client().get(url).status_code == 503
    vapid = Vapid02()
    vapid.generate_keys()
    monkeypatch.setattr(world.app.state.settings, "vapid_private_key", vapid.private_pem().decode())
    answer = world.client().get(url)
    assert answer.status_code == 200
    assert answer.json() == {"application_server_key": application_server_key(vapid)}


def test_a_subscription_is_kept_once_for_the_links_caregiver(world: World) -> None:
    url = f"/d/{_care_token(world)}/push"
    first = world.client().post(url, json=SUBSCRIPTION)
    assert first.status_code == 200, first.text
    again = world.client().post(url, json=SUBSCRIPTION)
    assert again.json() == first.json()
    (target,) = _targets(world, SUBSCRIPTION["endpoint"])  # type: ignore[arg-type]
    assert target.id == first.json()["target_id"]
    assert (target.channel, target.active) == ("webpush", True)
    assert target.municipality_id == world.town_ids["Kazanlak"]
    assert target.user_id == world.user_ids[("Kazanlak", Role.caregiver)]
    assert target.secrets == SUBSCRIPTION["keys"]


@pytest.mark.parametrize(
    ("keys", "field"),
    [
        ({"p256dh": _b64(b"\x04" + b"k" * 10), "auth": _b64(b"a" * 16)}, "body.keys.p256dh"),
        ({"p256dh": "not base64!", "auth": _b64(b"a" * 16)}, "body.keys.p256dh"),
        ({"p256dh": _b64(b"\x04" + b"k" * 64), "auth": _b64(b"a" * 5)}, "body.keys.auth"),
        ({"p256dh": _b64(b"\x04" + b"k" * 64)}, "body.keys.auth"),
    ],
)
def test_bad_keys_are_refused_naming_the_field(
    world: World, keys: dict[str, str], field: str
) -> None:
    body = {"endpoint": "https://push.example/send/bad", "keys": keys}
    answer = world.client().post(f"/d/{_care_token(world)}/push", json=body)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in answer.json()["errors"]] == [field]
    assert not _targets(world, "https://push.example/send/bad")


def test_a_plain_http_endpoint_is_refused(world: World) -> None:
    body = {**SUBSCRIPTION, "endpoint": "http://push.example/x"}
    answer = world.client().post(f"/d/{_care_token(world)}/push", json=body)
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["body.endpoint"]


def test_a_link_of_no_account_or_a_forged_one_subscribes_nothing(world: World) -> None:
    body = {**SUBSCRIPTION, "endpoint": "https://push.example/send/stray"}
    # The van has no driver account, and the other town has no caregiver "CG2".
    for token in (_token(world), _care_token(world, "Maribor", "CG2")):
        assert world.client().post(f"/d/{token}/push", json=body).status_code == 404
    forged = _care_token(world)[:-3] + "AAA"
    assert world.client().post(f"/d/{forged}/push", json=body).status_code == 404
    assert world.client().get(f"/d/{forged}/push").status_code == 404
    assert not _targets(world, body["endpoint"])  # type: ignore[arg-type]


def test_each_town_keeps_its_own_phones_subscription(world: World) -> None:
    body = {**SUBSCRIPTION, "endpoint": "https://push.example/send/maribor"}
    answer = world.client().post(f"/d/{_care_token(world, 'Maribor')}/push", json=body)
    assert answer.status_code == 200
    (target,) = _targets(world, body["endpoint"])  # type: ignore[arg-type]
    assert target.municipality_id == world.town_ids["Maribor"]
    assert target.user_id == world.user_ids[("Maribor", Role.caregiver)]


def test_a_report_names_its_stop_by_the_order_and_says_where_it_went(world: World) -> None:
    token = _token(world)
    order, stop_id = world.ids[("Kazanlak", "order")], world.ids[("Kazanlak", "stop")]
    day = world.client().get(f"/d/{token}/day.json").json()
    assert day["stops"][0]["key"] == f"order:{order}"
    body = {"stop_key": f"order:{order}", "version": 1, "status": "refused",
            "client_event_id": "evt-key"}  # fmt: skip
    answer = world.client().post(f"/d/{token}/reports", json=body).json()
    assert answer == {
        "stop_id": stop_id,
        "stop_key": f"order:{order}",
        "status": "refused",
        "applied": True,
        "conflict": "",
    }
    unnamed = {"status": "refused", "client_event_id": "evt-none"}
    assert world.client().post(f"/d/{token}/reports", json=unnamed).status_code == 422
    stranger = {**body, "stop_key": "order:999999", "client_event_id": "evt-stranger"}
    assert world.client().post(f"/d/{token}/reports", json=stranger).status_code == 404


def test_the_page_hears_of_no_change_when_its_version_is_the_published_one(world: World) -> None:
    token = _token(world)
    same = world.client().get(f"/d/{token}/changes", params={"since": 1}).json()
    assert same == {"version": 1, "changed": False, "message": ""}
