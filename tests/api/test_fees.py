"""Prices, reductions and pauses over REST: typed, scoped, audited, 422 naming the field."""

from __future__ import annotations

from sqlmodel import select

from scheduler.models import AuditEntry, Role, SubscriptionPause
from scheduler.models.fees import DatedPrice, FeeReduction
from tests.api.conftest import World


def _count(world: World, model: type, town: str) -> int:
    with world.session() as session:
        rows = session.exec(select(model).where(model.municipality_id == world.town_ids[town]))
        return len(list(rows.all()))


def test_a_price_is_set_listed_and_audited(world: World) -> None:
    staff = world.client("Kazanlak", Role.dispatcher)
    body = {"kind": "diabetic", "valid_from": "2097-06-15", "price_cents": 420}
    made = staff.post("/v1/prices", json=body)
    assert made.status_code == 201, made.text
    assert made.json()["kind"] == "diabetic" and made.json()["service"] == "meals"
    assert staff.post("/v1/prices", json=body).status_code == 200  # the same again: no change
    listed = staff.get("/v1/prices").json()["items"]
    assert {(p["kind"], p["valid_from"], p["price_cents"]) for p in listed} >= {
        ("diabetic", "2097-06-15", 420)
    }
    other = world.client("Maribor", Role.admin).get("/v1/prices").json()["items"]
    assert "2097-06-15" not in {p["valid_from"] for p in other}  # scoped to the caller's town
    with world.session() as session:
        entries = session.exec(
            select(AuditEntry).where(AuditEntry.entity == "price", AuditEntry.action == "set")
        ).all()
        assert [e.actor for e in entries if e.entity_id == str(made.json()["id"])] == [
            "user:dispatcher"
        ]


def test_the_canteen_and_the_milk_kitchen_are_priced_by_date(world: World) -> None:
    staff = world.client("Kazanlak", Role.admin)
    bodies = [
        {"service": "canteen", "kind": "general", "valid_from": "2097-07-15", "price_cents": 300},
        {"service": "milk_kitchen", "kind": "6-12", "valid_from": "2097-07-15", "price_cents": 160},
    ]
    for body in bodies:
        made = staff.post("/v1/prices", json=body)
        assert made.status_code == 201, made.text
        assert (made.json()["service"], made.json()["kind"]) == (body["service"], body["kind"])
    listed = staff.get("/v1/prices").json()["items"]
    assert {(p["service"], p["kind"]) for p in listed if p["valid_from"] == "2097-07-15"} == {
        ("canteen", "general"),
        ("milk_kitchen", "6-12"),
    }
    with world.session() as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "price")).all()
        assert any("milk_kitchen" in str(e.detail) for e in entries)


def test_bad_prices_and_reductions_answer_422_naming_the_field(world: World) -> None:
    staff = world.client("Kazanlak", Role.admin)
    client_id = world.ids[("Kazanlak", "client")]
    before = (_count(world, DatedPrice, "Kazanlak"), _count(world, FeeReduction, "Kazanlak"))
    cases = [
        ("/v1/prices", {"kind": "caviar", "valid_from": "2097-01-01", "price_cents": 1}, "kind"),
        ("/v1/prices", {"kind": "soft", "valid_from": "2097-01-01", "price_cents": -1}, "price"),
        ("/v1/prices", {"kind": "soft", "valid_from": "15.06.2097", "price_cents": 1}, "valid"),
        (
            "/v1/prices",
            {
                "service": "milk_kitchen",
                "kind": "soft",
                "valid_from": "2097-01-01",
                "price_cents": 1,
            },
            "kind",
        ),
        (
            "/v1/prices",
            {"service": "canteen", "kind": "0-6", "valid_from": "2097-01-01", "price_cents": 1},
            "kind",
        ),
        (
            "/v1/prices",
            {"service": "laundry", "kind": "soft", "valid_from": "2097-01-01", "price_cents": 1},
            "service",
        ),
        (
            f"/v1/clients/{client_id}/reductions",
            {"start": "2097-01-01", "percent": 10, "cents_off": 5},
            "percent",
        ),
        (f"/v1/clients/{client_id}/reductions", {"start": "2097-01-01", "percent": 101}, "percent"),
        (
            f"/v1/clients/{client_id}/reductions",
            {"start": "2097-02-01", "end": "2097-01-01", "percent": 5},
            "end",
        ),
    ]
    for url, body, field in cases:
        response = staff.post(url, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert field in response.text, (field, response.text)
    after = (_count(world, DatedPrice, "Kazanlak"), _count(world, FeeReduction, "Kazanlak"))
    assert after == before  # nothing written


def test_a_reduction_is_added_listed_and_deleted(world: World) -> None:
    staff = world.client("Kazanlak", Role.dispatcher)
    client_id = world.ids[("Kazanlak", "client")]
    body = {"start": "2096-01-01", "end": "2096-12-31", "cents_off": 150, "reason": "pension"}
    made = staff.post(f"/v1/clients/{client_id}/reductions", json=body)
    assert made.status_code == 201, made.text
    overlapping = staff.post(
        f"/v1/clients/{client_id}/reductions", json={"start": "2096-06-01", "percent": 50}
    )
    assert overlapping.status_code == 422 and "start" in overlapping.text
    listed = staff.get(f"/v1/clients/{client_id}/reductions").json()["items"]
    assert [r["cents_off"] for r in listed if r["start"] == "2096-01-01"] == [150]
    foreign = world.client("Maribor", Role.admin)
    assert foreign.delete(f"/v1/reductions/{made.json()['id']}").status_code == 404
    assert staff.delete(f"/v1/reductions/{made.json()['id']}").status_code == 204
    listed = staff.get(f"/v1/clients/{client_id}/reductions").json()["items"]
    assert "2096-01-01" not in {r["start"] for r in listed}


def test_a_pause_cancels_the_orders_of_its_days(world: World) -> None:
    staff = world.client("Kazanlak", Role.dispatcher)
    client_id = world.ids[("Kazanlak", "client")]
    body = {"start": "2095-05-02", "end": "2095-05-13", "reason": "hospital"}
    made = staff.post(f"/v1/clients/{client_id}/pauses", json=body)
    assert made.status_code == 201, made.text
    assert made.json()["reason"] == "hospital"
    listed = staff.get(f"/v1/clients/{client_id}/pauses").json()["items"]
    assert ("2095-05-02", "2095-05-13") in {(p["start"], p["end"]) for p in listed}
    bad = staff.post(
        f"/v1/clients/{client_id}/pauses", json={"start": "2095-06-10", "end": "2095-06-01"}
    )
    assert bad.status_code == 422 and "end" in bad.text
    with world.session() as session:
        pauses = session.exec(select(SubscriptionPause).where(SubscriptionPause.reason == "")).all()
        assert not [p for p in pauses if p.start.year == 2095]  # the refused one left nothing
        actions = session.exec(select(AuditEntry).where(AuditEntry.action == "pause")).all()
        assert any('"hospital"' in str(e.detail) or "hospital" in str(e.detail) for e in actions)


def test_a_pause_is_ended_early_and_another_taken_back(world: World) -> None:
    """Hospital from Mon 2 to Fri 13 March 2093, back on Wednesday 4th: Thursday on, meals again."""
    staff = world.client("Kazanlak", Role.dispatcher)
    client_id = world.ids[("Kazanlak", "client")]
    body = {"start": "2093-03-02", "end": "2093-03-13", "reason": "hospital"}
    pause = staff.post(f"/v1/clients/{client_id}/pauses", json=body).json()
    url = f"/v1/clients/{client_id}/pauses/{pause['id']}"
    for bad in ("2093-03-20", "2093-03-01", "4.3.2093"):
        refused = staff.patch(url, json={"end": bad})
        assert refused.status_code == 422 and "end" in refused.text, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
    foreign = world.client("Maribor", Role.admin)
    assert foreign.patch(url, json={"end": "2093-03-04"}).status_code == 404
    assert foreign.delete(url).status_code == 404
    other_client = f"/v1/clients/{world.ids[('Maribor', 'client')]}/pauses/{pause['id']}"
    assert foreign.patch(other_client, json={"end": "2093-03-04"}).status_code == 404
    ended = staff.patch(url, json={"end": "2093-03-04"})
    assert ended.status_code == 200, ended.text
    assert (ended.json()["start"], ended.json()["end"]) == ("2093-03-02", "2093-03-04")
    orders = staff.get("/v1/orders", params={"client_id": client_id, "from": "2093-03-01",
                                             "to": "2093-03-31"}).json()["items"]  # fmt: skip
    assert sorted(o["day"][-2:] for o in orders if o["status"] == "ordered") == [
        "05", "06", "09", "10", "11", "12", "13"
    ]  # fmt: skip
    later = staff.post(f"/v1/clients/{client_id}/pauses",
                       json={"start": "2093-06-01", "end": "2093-06-05"}).json()  # fmt: skip
    taken = staff.delete(f"/v1/clients/{client_id}/pauses/{later['id']}")
    assert taken.status_code == 204, taken.text
    listed = staff.get(f"/v1/clients/{client_id}/pauses").json()["items"]
    assert {(p["start"], p["end"]) for p in listed if p["start"].startswith("2093")} == {
        ("2093-03-02", "2093-03-04")
    }
    past = staff.delete(f"/v1/clients/{client_id}/pauses/{world.ids[('Kazanlak', 'pause')]}")
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "start"
    with world.session() as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "pause")).all()
        actions = {(e.action, e.entity_id) for e in entries}
        assert {("end_early", str(pause["id"])), ("take_back", str(later["id"]))} <= actions
