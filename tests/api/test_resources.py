"""REST resources: create, read, change, page and filter; export and erasure of a client."""

from __future__ import annotations

from typing import Any

from scheduler.models import Role
from tests.api.conftest import World


def test_kitchen_create_read_change_and_page(world: World) -> None:
    api = world.client("Kazanlak", Role.dispatcher)
    made = api.post(
        "/v1/kitchens", json={"external_id": "K9", "name": "North", "lon": 25.3, "lat": 42.6}
    )
    assert made.status_code == 201
    kid = made.json()["id"]
    changed = api.patch(f"/v1/kitchens/{kid}", json={"hot_meal_minutes": 60})
    assert changed.json()["hot_meal_minutes"] == 60 and changed.json()["name"] == "North"
    page = api.get("/v1/kitchens", params={"limit": 1, "offset": 1}).json()
    assert page["total"] >= 2 and len(page["items"]) == 1 and page["limit"] == 1
    again = api.post("/v1/kitchens", json={"external_id": "K9", "name": "x", "lon": 0, "lat": 0})
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "external_id"


def test_a_van_cannot_point_at_another_towns_kitchen(world: World) -> None:
    api = world.client("Kazanlak", Role.dispatcher)
    foreign_kitchen = world.ids[("Maribor", "kitchen")]
    body = {
        "external_id": "V9",
        "name": "x",
        "capacity_portions": 10,
        "capacity_boxes": 2,
        "kitchen_id": foreign_kitchen,
    }
    response = api.post("/v1/vehicles", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kitchen_id"


def test_kitchen_staff_may_read_kitchens_but_not_clients(world: World) -> None:
    kitchen = world.client("Kazanlak", Role.kitchen)
    assert kitchen.get("/v1/kitchens").status_code == 200
    assert kitchen.get("/v1/clients").status_code == 403


def test_visits_filter_by_date_and_status(world: World) -> None:
    api = world.client("Kazanlak", Role.dispatcher)
    assert api.get("/v1/visits", params={"day": "2026-01-06"}).json()["total"] == 1
    assert api.get("/v1/visits", params={"from": "2026-01-07"}).json()["total"] == 0
    assert api.get("/v1/visits", params={"status": "done"}).json()["total"] == 0
    bad = api.get("/v1/visits", params={"day": "yesterday"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.day"


def test_client_export_and_erasure_are_audited_and_keep_orders(world: World) -> None:
    admin = world.client("Kazanlak", Role.admin)
    made = admin.post(
        "/v1/clients",
        json={
            "external_id": "C77",
            "name": "Elena Ivanova",
            "phone": "+359888777666",
            "lon": 25.4,
            "lat": 42.6,
        },
    )
    cid = made.json()["id"]
    admin.put(
        f"/v1/clients/{cid}/subscription",
        json={"weekdays": "Mon", "diet": "soft", "portions": 2, "start": "2026-02-02"},
    )
    export = admin.get(f"/v1/clients/{cid}/export").json()
    assert export["client"]["name"] == "Elena Ivanova"
    assert export["subscriptions"][0]["diet"] == "soft"
    erased = admin.post(f"/v1/clients/{cid}/erase").json()
    assert erased["name"] == erased["pseudonym"] and erased["phone"] == ""
    assert "Elena" not in admin.get(f"/v1/clients/{cid}/export").text
    assert admin.get("/v1/subscriptions", params={"client_id": cid}).json()["total"] == 1
    actions = [
        (e["action"], e["entity_id"])
        for e in admin.get("/v1/audit", params={"entity": "client"}).json()["items"]
    ]
    assert ("export", str(cid)) in actions and ("erase", str(cid)) in actions
    assert admin.post(f"/v1/clients/{cid}/erase").status_code == 422


def test_dispatcher_may_not_erase(world: World) -> None:
    api = world.client("Kazanlak", Role.dispatcher)
    cid = world.ids[("Kazanlak", "client")]
    assert api.post(f"/v1/clients/{cid}/erase").status_code == 403


def test_orders_one_off_and_cancel_filter_by_day_and_status(world: World) -> None:
    api = world.client("Kazanlak", Role.dispatcher)
    cid = world.ids[("Kazanlak", "client")]
    placed = api.post("/v1/orders", json={"client_id": cid, "day": "2099-03-04", "portions": 2})
    assert placed.status_code == 201, placed.text
    assert placed.json()["source"] == "one_off" and placed.json()["portions"] == 2
    listed = api.get("/v1/orders", params={"day": "2099-03-04", "status": "ordered"}).json()
    assert listed["total"] >= 1
    cancelled = api.post("/v1/orders/cancel", json={"client_id": cid, "day": "2099-03-04"})
    assert cancelled.status_code == 200, cancelled.text
    assert all(o["status"] == "cancelled" for o in cancelled.json())
    foreign = world.ids[("Maribor", "client")]
    missing = api.post("/v1/orders", json={"client_id": foreign, "day": "2099-03-04"})
    assert missing.status_code == 404


def _fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [e["field"] for e in response.json()["errors"]]


def test_a_partial_change_cannot_clear_a_required_field(world: World) -> None:
    api = world.client("Kazanlak", Role.dispatcher)
    client_id, carer_id = world.ids[("Kazanlak", "client")], world.ids[("Kazanlak", "caregiver")]
    before = api.get(f"/v1/clients/{client_id}").json()
    assert _fields(api.patch(f"/v1/clients/{client_id}", json={"address": None})) == ["address"]
    assert _fields(api.patch(f"/v1/clients/{client_id}", json={"name": None})) == ["name"]
    assert "body.active" in _fields(api.patch(f"/v1/caregivers/{carer_id}", json={"active": None}))
    assert api.get(f"/v1/clients/{client_id}").json() == before


def test_times_of_day_with_a_zone_are_refused_by_name(world: World) -> None:
    api = world.client("Kazanlak", Role.dispatcher)
    carer_id = world.ids[("Kazanlak", "caregiver")]
    before = api.get(f"/v1/caregivers/{carer_id}").json()
    changed = api.patch(f"/v1/caregivers/{carer_id}", json={"break_end": "00:00:00Z"})
    assert _fields(changed) == ["break_end"]
    assert api.get(f"/v1/caregivers/{carer_id}").json() == before
