"""Pins over REST: create, list, remove, with the audit log; bad input names its field."""

from __future__ import annotations

import pytest

from scheduler.models import Role
from tests.api.conftest import World

PINS = "/v1/days/2026-01-06/meals/pins"


def _body(world: World, town: str = "Kazanlak", **change: object) -> dict[str, object]:
    body: dict[str, object] = {
        "stop_id": world.ids[(town, "stop")],
        "vehicle_id": world.ids[(town, "vehicle")],
        "position": 2,
    }
    body.update(change)
    return body


def test_a_dispatcher_pins_a_stop_sees_it_waiting_and_removes_it(world: World) -> None:
    api = world.client("Kazanlak", Role.dispatcher)
    made = api.post(PINS, json=_body(world))
    assert made.status_code == 201, made.text
    pin = made.json()
    assert pin["client_id"] == world.ids[("Kazanlak", "client")]
    assert pin["vehicle_id"] == world.ids[("Kazanlak", "vehicle")] and pin["position"] == 2
    assert pin["holds"] is None and "next plan" in pin["note"]
    assert pin["created_by"] == "user:dispatcher"
    listed = api.get(PINS).json()
    assert [p["id"] for p in listed] == [pin["id"]]  # pinning the client again replaced the seed
    board = api.get("/v1/days/2026-01-06/meals").json()
    assert [p["id"] for p in board["pins"]] == [pin["id"]]
    assert board["routes"][0]["stops"][0]["pinned"] is True
    audit = world.client("Kazanlak", Role.admin).get("/v1/audit", params={"entity": "route_pin"})
    actions = [(e["action"], e["entity_id"]) for e in audit.json()["items"]]
    assert ("pin", str(pin["id"])) in actions

    gone = api.delete(f"/v1/pins/{pin['id']}")
    assert gone.status_code == 204
    assert api.get(PINS).json() == []
    again = api.delete(f"/v1/pins/{pin['id']}")
    assert again.status_code == 404
    assert again.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"stop_id": 999_999}, "stop_id"),
        ({"vehicle_id": 999_999}, "vehicle_id"),
        ({"position": 0}, "body.position"),
        ({"stop_id": "x"}, "body.stop_id"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(
    world: World, change: dict[str, object], field: str
) -> None:
    answer = world.client("Kazanlak", Role.dispatcher).post(PINS, json=_body(world, **change))
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in answer.json()["errors"]]


@pytest.mark.parametrize("entity", ["stop", "vehicle"])
def test_another_towns_stop_or_van_is_refused_by_name(world: World, entity: str) -> None:
    foreign = {f"{entity}_id": world.ids[("Maribor", entity)]}
    answer = world.client("Kazanlak", Role.dispatcher).post(PINS, json=_body(world, **foreign))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == f"{entity}_id"
    assert "this municipality" in answer.json()["errors"][0]["message"]


def test_a_stop_of_another_day_or_service_is_refused(world: World) -> None:
    api = world.client("Kazanlak", Role.dispatcher)
    other_day = api.post("/v1/days/2026-01-07/meals/pins", json=_body(world))
    assert other_day.status_code == 422 and "2026-01-07" in other_day.json()["detail"]
    care = api.post("/v1/days/2026-01-06/care/pins", json=_body(world))
    assert care.status_code == 422
    assert care.json()["errors"][0]["field"] == "stop_id"


def test_another_towns_pin_cannot_be_removed(world: World) -> None:
    foreign = world.ids[("Maribor", "pin")]
    answer = world.client("Kazanlak", Role.admin).delete(f"/v1/pins/{foreign}")
    assert answer.status_code == 404
    maribor = world.client("Maribor", Role.admin).get(PINS).json()
    assert foreign in [p["id"] for p in maribor]
