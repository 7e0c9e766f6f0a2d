"""The phone's day behind a signed link: what it shows, reports applied once, link checks."""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlmodel import select

from api import links
from api.links import DayLink
from scheduler.models import Alert, MealOrder, Role, Stop
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
