"""The canteen and the milk kitchen over REST: one-tap records answered 201 then 200 with the
same record, audited once; children registered with a referral; the day sheet; scoping."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from scheduler.models import AuditEntry, Client, MealOrder, Role
from tests.api.conftest import World

DAY = "2026-01-07"  # a Wednesday
COUNTER_NOW = datetime(2026, 1, 7, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _counter_clock(world: World) -> Iterator[None]:
    """The app's clock on DAY's morning: a record may not be made ahead of its date."""
    before = world.app.state.clock
    world.app.state.clock = lambda: COUNTER_NOW
    yield
    world.app.state.clock = before


def _canteen_client(world: World, town: str) -> int:
    """The seeded pick-up point's one client, with a meal ordered for DAY."""
    with world.session() as session:
        mid, point = world.town_ids[town], world.ids[(town, "pickup_point")]
        client = Client(
            municipality_id=mid,
            external_id=f"CANTEEN-{town}",
            name="Петър Стоянов",
            lon=25.4,
            lat=42.6,
            pickup_point_id=point,
        )
        session.add(client)
        session.flush()
        assert client.id is not None
        session.add(MealOrder(municipality_id=mid, client_id=client.id, day=date(2026, 1, 7)))
        session.commit()
        return client.id


def test_a_check_in_answers_201_then_200_and_is_audited_once(world: World) -> None:
    client_id = _canteen_client(world, "Kazanlak")
    api = world.client("Kazanlak", Role.kitchen)
    listed = api.get(f"/v1/canteen/days/{DAY}", params={"q": "petar"}).json()["clients"]
    assert [(c["client_id"], c["collected_at"]) for c in listed] == [(client_id, None)]
    first = api.post(f"/v1/canteen/days/{DAY}/check-ins", json={"client_id": client_id})
    again = api.post(f"/v1/canteen/days/{DAY}/check-ins", json={"client_id": client_id})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["actor"] == "user:kitchen"
    listed = api.get(f"/v1/canteen/days/{DAY}").json()["clients"]
    assert [c["collected_at"] is not None for c in listed if c["client_id"] == client_id] == [True]
    with world.session() as session:
        entries = session.exec(
            select(AuditEntry).where(AuditEntry.entity == "canteen_check_in")
        ).all()
    assert [e.actor for e in entries] == ["user:kitchen"]
    # Maribor's kitchen cannot reach Kazanlak's client.
    foreign = world.client("Maribor", Role.kitchen)
    missed = foreign.post(f"/v1/canteen/days/{DAY}/check-ins", json={"client_id": client_id})
    assert missed.status_code == 404


def test_a_child_is_registered_counted_and_collected_for(world: World) -> None:
    staff = world.client("Kazanlak", Role.dispatcher)
    point = world.ids[("Kazanlak", "pickup_point")]
    days = staff.put(f"/v1/pickup-points/{point}/milk-days", json={"milk_weekdays": "wed, mon"})
    assert days.json()["milk_weekdays"] == "Mon,Wed"
    child = {
        "external_id": "MK-1",
        "name": "Ана",
        "birth_date": "2025-07-07",  # six months old on DAY
        "referral_number": "123/2025",
        "referral_date": "2025-08-01",
        "guardian_name": "Елена Георгиева",
        "guardian_phone": "+359888000111",
        "pickup_point_id": point,
    }
    made = staff.post("/v1/milk-kitchen/children", json=child)
    same = staff.post("/v1/milk-kitchen/children", json=child)
    assert (made.status_code, same.status_code) == (201, 200)
    sheet = staff.get(f"/v1/milk-kitchen/sheets/{DAY}").json()
    assert sheet["points"] == [
        {"point": "P1", "name": "Canteen", "portions": {"6-12": 1}, "total": 1}
    ]
    kitchen = world.client("Kazanlak", Role.kitchen)
    [row] = kitchen.get(f"/v1/milk-kitchen/days/{DAY}", params={"q": "elena"}).json()["children"]
    assert (row["age_group"], row["guardian_name"]) == ("6-12", "Елена Георгиева")
    done = kitchen.post(
        f"/v1/milk-kitchen/days/{DAY}/collections", json={"child_id": row["child_id"]}
    )
    assert done.status_code == 201 and done.json()["age_group"] == "6-12"
    tuesday = kitchen.post(
        "/v1/milk-kitchen/days/2026-01-06/collections", json={"child_id": row["child_id"]}
    )
    assert tuesday.status_code == 422 and "child_id" in tuesday.text
    ahead = kitchen.post(
        "/v1/milk-kitchen/days/2026-01-12/collections", json={"child_id": row["child_id"]}
    )
    assert ahead.status_code == 422 and "has not come yet" in ahead.text
    statements = staff.get("/v1/milk-kitchen/statements", params={"month": "2026-01"}).json()
    [statement] = statements["items"]
    assert statement["warnings"] == ["no price is set for the milk_kitchen service"]
    admin = world.client("Kazanlak", Role.admin)
    assert admin.put("/v1/service-prices/milk_kitchen", json={"price_cents": 90}).status_code == 200
    [statement] = staff.get("/v1/milk-kitchen/statements?month=2026-01").json()["items"]
    assert (statement["totals"]["collected_portions"], statement["totals"]["fee_cents"]) == (1, 90)


def test_a_referral_before_the_birth_is_refused_by_name(world: World) -> None:
    staff = world.client("Kazanlak", Role.dispatcher)
    body = {
        "external_id": "MK-BAD",
        "name": "X",
        "birth_date": "2025-07-07",
        "referral_number": "1",
        "referral_date": "2025-07-01",
        "guardian_name": "Y",
        "pickup_point_id": world.ids[("Kazanlak", "pickup_point")],
    }
    answer = staff.post("/v1/milk-kitchen/children", json=body)
    assert answer.status_code == 422 and "referral_date" in answer.text
    listed = staff.get("/v1/milk-kitchen/children").json()["items"]
    assert "MK-BAD" not in [c["external_id"] for c in listed]


def test_a_pick_up_point_is_made_with_its_milk_days_in_its_own_town(world: World) -> None:
    staff = world.client("Kazanlak", Role.dispatcher)
    body = {"external_id": "P9", "name": "Кухня Изток", "milk_weekdays": "Tue,Thu"}
    made = staff.post(
        "/v1/pickup-points", json=body | {"kitchen_id": world.ids[("Kazanlak", "kitchen")]}
    )
    assert made.status_code == 201 and made.json()["milk_weekdays"] == "Tue,Thu"
    foreign = staff.post(
        "/v1/pickup-points",
        json=body | {"external_id": "P10", "kitchen_id": world.ids[("Maribor", "kitchen")]},
    )
    assert foreign.status_code == 422 and "kitchen_id" in foreign.text
    listed = staff.get("/v1/pickup-points").json()["items"]
    assert "P10" not in [p["external_id"] for p in listed]


def test_the_endpoints_are_in_the_openapi_document(world: World) -> None:
    paths = world.app.openapi()["paths"]
    assert "/v1/canteen/days/{day}/check-ins" in paths
    assert "/v1/milk-kitchen/days/{day}/collections" in paths
    schema = paths["/v1/milk-kitchen/children"]["post"]["requestBody"]["content"]
    assert schema["application/json"]["schema"]["$ref"].endswith("MilkChildCreate")
