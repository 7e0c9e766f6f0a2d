"""The kitchens screen: every field of a kitchen is set on its form, which writes what
`POST`/`PATCH /v1/kitchens` write, with the same audit rows; a bad value redraws the page with
422 naming the field in the reader's language, and nothing is written."""

from __future__ import annotations

from sqlmodel import select

from scheduler.models import AuditEntry, Kitchen, Role
from tests.api.conftest import World, csrf_of
from tests.api.test_resource_pages import NOT_SAVED, _signed_in

FORM = {"name": "Южна кухня", "address": "ул. Искра 4", "lat": "42.61", "lon": "25.41",
        "hot_meal_minutes": "75", "service_minutes": "2.5", "spare_portions": "3",
        "portions_per_box": "6"}  # fmt: skip


def _audits(world: World, kitchen_id: int) -> list[tuple[str, str]]:
    with world.session() as session:
        rows = session.exec(
            select(AuditEntry).where(
                AuditEntry.entity == "kitchen", AuditEntry.entity_id == str(kitchen_id)
            )
        ).all()
        return [(r.action, r.actor) for r in rows]


def test_a_kitchen_is_created_on_the_screen_and_refused_naming_the_field(world: World) -> None:
    office = _signed_in(world, Role.dispatcher)
    assert 'href="/admin/kitchens"' in office.get("/board").text
    token = csrf_of(office)
    for bad, label in (
        ({"lat": "north"}, "Географска ширина"),
        ({"lon": ""}, "Географска дължина"),
        ({"hot_meal_minutes": "0"}, "Граница за топла храна (минути)"),
        ({"name": ""}, "Име"),
    ):
        refused = office.post("/admin/kitchens", data={"csrf": token, **FORM, **bad})
        assert refused.status_code == 422, bad
        assert f"{NOT_SAVED} {label}." in refused.text, bad
    with world.session() as session:
        assert not session.exec(select(Kitchen).where(Kitchen.name == FORM["name"])).all()
    made = office.post("/admin/kitchens", data={"csrf": token, **FORM, "external_id": "K-SOUTH"},
                       follow_redirects=False)  # fmt: skip
    assert made.status_code == 303, made.text
    with world.session() as session:
        row = session.exec(select(Kitchen).where(Kitchen.external_id == "K-SOUTH")).one()
        assert row.id is not None
        assert (row.name, row.address, row.lat, row.lon, row.hot_meal_minutes,
                row.service_minutes, row.spare_portions, row.portions_per_box) == (
            "Южна кухня", "ул. Искра 4", 42.61, 25.41, 75, 2.5, 3, 6,
        )  # fmt: skip
    assert _audits(world, row.id) == [("create", "user:dispatcher")]
    taken = office.post("/admin/kitchens", data={"csrf": token, **FORM, "external_id": "K-SOUTH"})
    assert taken.status_code == 422 and "Номер на досието" in taken.text
    listed = office.get("/admin/kitchens").text
    assert f"/admin/kitchens/{row.id}" in listed and "Южна кухня" in listed


def test_a_kitchens_fields_are_changed_on_its_form_and_over_rest(world: World) -> None:
    office = _signed_in(world, Role.admin)
    kid = world.ids[("Kazanlak", "kitchen")]
    token = csrf_of(office)
    page = office.get(f"/admin/kitchens/{kid}")
    assert page.status_code == 200 and 'id="kitchen-form"' in page.text
    with world.session() as session:
        before = session.get(Kitchen, kid)
        assert before is not None
        kept = before.model_dump()
    refused = office.post(f"/admin/kitchens/{kid}", data={"csrf": token, **FORM, "lat": "91"})
    assert refused.status_code == 422 and f"{NOT_SAVED} Географска ширина." in refused.text
    with world.session() as session:
        assert session.get(Kitchen, kid).model_dump() == kept  # type: ignore[union-attr]
    changed = {**FORM, "name": "Central", "portions_per_box": "10"}
    saved = office.post(f"/admin/kitchens/{kid}", data={"csrf": token, **changed},
                        follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303, saved.text
    with world.session() as session:
        row = session.get(Kitchen, kid)
        assert row is not None
        assert (row.external_id, row.lat, row.service_minutes, row.portions_per_box) == (
            "K1", 42.61, 2.5, 10,
        )  # fmt: skip
    assert _audits(world, kid)[-1] == ("update", "user:admin")
    api = world.client("Kazanlak", Role.dispatcher)
    bad = api.patch(f"/v1/kitchens/{kid}", json={"lon": 200, "spare_portions": -1})
    assert bad.status_code == 422
    assert sorted(e["field"] for e in bad.json()["errors"]) == ["body.lon", "body.spare_portions"]
    back = api.patch(f"/v1/kitchens/{kid}", json={"lat": 42.62, "lon": 25.39,
                                                  "portions_per_box": 8})  # fmt: skip
    assert back.status_code == 200 and back.json()["portions_per_box"] == 8
    assert (
        world.client("Maribor", Role.dispatcher)
        .patch(f"/v1/kitchens/{kid}", json={"name": "x"})
        .status_code
        == 404
    )
    foreign = _signed_in(world, Role.dispatcher, "Maribor")
    assert foreign.get(f"/admin/kitchens/{kid}").status_code == 404
    kitchen_role = _signed_in(world, Role.kitchen)
    assert kitchen_role.get("/admin/kitchens").status_code in (303, 403)
