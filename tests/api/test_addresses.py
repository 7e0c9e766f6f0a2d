"""Clients' addresses over REST: a client created with an address and no coordinates is looked
up on a real local server speaking Nominatim's protocol; what the geocoder cannot settle is
listed at /v1/clients/addresses with its candidates, and placed by candidate or by pin, audited,
scoped to the caller's municipality, bad input refused with 422 naming the field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlmodel import select

from scheduler.intake import addresses
from scheduler.models import AuditEntry, Client, GeocodeAnswer, Role
from scheduler.roads.geocoding import Nominatim, Pace
from tests.api.conftest import World
from tests.geocoder import FakeClock, NominatimState, nominatim_server, place

ROSE = place(42.6191, 25.3934, "5", "5, ул. Розова долина, Казанлък, България", importance=0.3)
TWINS = [
    place(42.6230, 25.4010, "Шипка", "ул. Шипка, Казанлък, България", importance=0.2),
    place(42.7150, 25.3280, "Шипка", "ул. Шипка, Шипка, България", importance=0.19, place_id=2),
]
QUERY = "ул. шипка 3, kazanlak"


@pytest.fixture
def geocoder(monkeypatch: pytest.MonkeyPatch) -> Iterator[NominatimState]:
    clock = FakeClock()
    with nominatim_server() as (url, state), httpx.Client(base_url=url, timeout=5) as http:
        served = Nominatim(http, user_agent="tests", pace=Pace(clock=clock, sleep=clock.sleep))
        monkeypatch.setattr(addresses, "default_geocoder", lambda: served)
        state.answers["ул. розова долина 5, kazanlak"] = [ROSE]
        state.answers["ул. шипка 3, kazanlak"] = TWINS
        yield state


def _body(ext: str, address: str, **more: Any) -> dict[str, Any]:
    return {"external_id": ext, "name": f"Client {ext}", "address": address, **more}


def test_a_client_without_coordinates_is_found_or_listed_to_place(
    world: World, geocoder: NominatimState
) -> None:
    staff = world.client("Kazanlak", Role.dispatcher)
    found = staff.post("/v1/clients", json=_body("geo-1", "ул. Розова долина 5"))
    assert found.status_code == 201, found.text
    assert (found.json()["lat"], found.json()["lon"]) == (42.6191, 25.3934)
    assert found.json()["location_source"] == "geocoder"
    assert found.json()["address_check"] == "ok"
    assert geocoder.asked[0].params["countrycodes"] == "bg"  # Kazanlak's country and language
    assert geocoder.asked[0].params["accept-language"] == "bg"

    twin = staff.post("/v1/clients", json=_body("geo-2", "ул. Шипка 3"))
    lost = staff.post("/v1/clients", json=_body("geo-3", "Няма такава 1"))
    assert (twin.json()["address_check"], lost.json()["address_check"]) == (
        "ambiguous",
        "not_found",
    )
    listed = {c["external_id"]: c for c in staff.get("/v1/clients/addresses").json()}
    assert set(listed) >= {"geo-2", "geo-3"} and "geo-1" not in listed
    assert [c["display_name"] for c in listed["geo-2"]["candidates"]] == [
        "ул. Шипка, Казанлък, България",
        "ул. Шипка, Шипка, България",
    ]
    assert listed["geo-3"]["candidates"] == []
    assert world.client("Maribor", Role.admin).get("/v1/clients/addresses").json() == []

    chosen = staff.post(f"/v1/clients/{twin.json()['id']}/location", json={"candidate": 1})
    assert chosen.status_code == 200, chosen.text
    assert (chosen.json()["lat"], chosen.json()["lon"]) == (42.7150, 25.3280)
    assert (chosen.json()["location_source"], chosen.json()["address_check"]) == ("hand", "ok")
    pinned = staff.post(f"/v1/clients/{lost.json()['id']}/location",
                        json={"lat": 42.6, "lon": 25.41})  # fmt: skip
    assert pinned.json()["address_check"] == "ok"
    left = {c["external_id"] for c in staff.get("/v1/clients/addresses").json()}
    assert not {"geo-2", "geo-3"} & left
    with world.session() as session:
        placed = session.exec(
            select(AuditEntry).where(AuditEntry.entity == "client", AuditEntry.action == "place")
        ).all()
        assert {e.entity_id for e in placed} >= {str(twin.json()["id"]), str(lost.json()["id"])}


def test_a_new_address_is_looked_up_and_typed_coordinates_win(
    world: World, geocoder: NominatimState
) -> None:
    staff = world.client("Kazanlak", Role.dispatcher)
    made = staff.post("/v1/clients", json=_body("geo-4", "somewhere", lon=25.4, lat=42.6))
    assert made.json()["location_source"] == "given" and geocoder.asked == []
    moved = staff.patch(f"/v1/clients/{made.json()['id']}", json={"address": "ул. Розова долина 5"})
    assert (moved.json()["lat"], moved.json()["location_source"]) == (42.6191, "geocoder")
    typed = staff.patch(f"/v1/clients/{made.json()['id']}", json={"lat": 42.61, "lon": 25.39})
    assert (typed.json()["location_source"], typed.json()["address_check"]) == ("given", "ok")


def test_bad_places_answer_422_naming_the_field(world: World, geocoder: NominatimState) -> None:
    staff = world.client("Kazanlak", Role.dispatcher)
    client_id = world.ids[("Kazanlak", "client")]
    cases = [
        ("/v1/clients", _body("geo-5", ""), "address"),
        ("/v1/clients", _body("geo-6", "x", lat=42.6), "lon"),
        (f"/v1/clients/{client_id}/location", {"lat": 42.6}, "lon"),
        (f"/v1/clients/{client_id}/location", {"lat": 91, "lon": 25}, "lat"),
        (f"/v1/clients/{client_id}/location", {"candidate": 3}, "candidate"),
    ]
    for url, body, field in cases:
        response = staff.post(url, json=body)
        assert response.status_code == 422, (url, body, response.text)
        assert any(field in e["field"] for e in response.json()["errors"]), response.text
    with world.session() as session:
        assert not session.exec(select(Client).where(Client.external_id == "geo-5")).all()
    other = world.client("Maribor", Role.dispatcher)
    assert other.post(f"/v1/clients/{client_id}/location", json={"candidate": 0}).status_code == 404
    assert world.client("Kazanlak", Role.driver).get("/v1/clients/addresses").status_code == 403


def test_erasing_a_client_forgets_the_answer_kept_for_their_address(
    world: World, geocoder: NominatimState
) -> None:
    staff = world.client("Kazanlak", Role.admin)
    made = staff.post("/v1/clients", json=_body("geo-7", "ул. Шипка 3"))
    assert made.json()["address_check"] == "ambiguous"
    with world.session() as session:
        assert session.exec(select(GeocodeAnswer).where(GeocodeAnswer.query == QUERY)).all()
    assert staff.post(f"/v1/clients/{made.json()['id']}/erase").status_code == 200
    listed = {c["id"] for c in staff.get("/v1/clients/addresses").json()}
    assert made.json()["id"] not in listed
    with world.session() as session:
        assert not session.exec(select(GeocodeAnswer).where(GeocodeAnswer.query == QUERY)).all()
