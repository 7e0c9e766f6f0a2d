"""The office's resource screens: vans, drivers, caregivers and their absences. Each form
carries the CSRF token and writes what REST writes, with its audit row; a bad value redraws
the page with 422 naming the field in the reader's language, and nothing is written. Drivers
gain a REST change (PATCH /v1/drivers/{id}) the screen edits through."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import select

from scheduler.models import AuditEntry, Caregiver, CaregiverAbsence, Driver, Role, Vehicle
from tests.api.conftest import PASSWORD, World, csrf_of

NOT_SAVED = "Не е записано: проверете"  # noqa: RUF001 (Bulgarian)
WEEK = {"day_Mon": "yes", "day_Tue": "yes", "day_Wed": "yes", "day_Thu": "yes", "day_Fri": "yes"}


def _signed_in(world: World, role: Role, town: str = "Kazanlak") -> TestClient:
    client = world.client()
    who = {"municipality": town, "username": role.value, "password": PASSWORD}
    assert client.post("/login", data=who, follow_redirects=False).status_code == 303
    return client


def _audited(world: World, entity: str, entity_id: int) -> list[tuple[str, str]]:
    with world.session() as session:
        rows = session.exec(
            select(AuditEntry).where(
                AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id)
            )
        ).all()
        return [(r.action, r.actor) for r in rows]


def test_a_vans_capacity_and_days_are_changed_on_its_form(world: World) -> None:
    office = _signed_in(world, Role.dispatcher)
    vid = world.ids[("Kazanlak", "vehicle")]
    kitchen = str(world.ids[("Kazanlak", "kitchen")])
    assert f"/admin/vans/{vid}" in office.get("/admin/vans").text
    form = {"csrf": csrf_of(office), "name": "Van 1", "kitchen_id": kitchen,
            "capacity_portions": "75", "capacity_boxes": "9", "shift_start": "10:00",
            "shift_end": "14:00", "max_trips": "2", "active": "yes",
            "day_Mon": "yes", "day_Wed": "yes", "day_Fri": "yes"}  # fmt: skip
    for bad, label in (
        ({"capacity_portions": "0"}, "Капацитет (порции)"),
        ({"shift_end": "09:00"}, "Край на смяната"),
        ({"max_trips": "x"}, "Курсове на ден"),
        ({"day_Mon": "", "day_Wed": "", "day_Fri": ""}, "Дни от седмицата"),
    ):
        refused = office.post(f"/admin/vans/{vid}", data={**form, **bad})
        assert refused.status_code == 422, bad
        assert f"{NOT_SAVED} {label}." in refused.text
    with world.session() as session:
        assert session.get(Vehicle, vid).capacity_portions == 60  # type: ignore[union-attr]
    saved = office.post(f"/admin/vans/{vid}", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    with world.session() as session:
        van = session.get(Vehicle, vid)
        assert van is not None
        assert (van.capacity_portions, van.capacity_boxes, van.max_trips, van.weekdays) == (
            75, 9, 2, "Mon,Wed,Fri",
        )  # fmt: skip
    assert _audited(world, "vehicle", vid)[-1] == ("update", "user:dispatcher")
    made = office.post("/admin/vans", data={**form, "name": "Van 2", "external_id": "V2"})
    assert made.status_code == 200 and "Van 2" in made.text
    again = office.post("/admin/vans", data={**form, "external_id": "V2"})
    assert again.status_code == 422 and "Номер на досието" in again.text
    assert (
        _signed_in(world, Role.dispatcher, "Maribor").get(f"/admin/vans/{vid}").status_code == 404
    )


def test_drivers_are_added_and_changed_over_rest_and_on_the_screen(world: World) -> None:
    api = world.client("Kazanlak", Role.dispatcher)
    vid = world.ids[("Kazanlak", "vehicle")]
    made = api.post("/v1/drivers", json={"external_id": "D1", "name": "Petar", "vehicle_id": vid})
    assert made.status_code == 201, made.text
    did = made.json()["id"]
    foreign = world.ids[("Maribor", "vehicle")]
    refused = api.patch(f"/v1/drivers/{did}", json={"vehicle_id": foreign})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in refused.json()["errors"]] == ["vehicle_id"]
    changed = api.patch(f"/v1/drivers/{did}", json={"phone": "+359888777666", "vehicle_id": None})
    assert changed.status_code == 200
    assert (changed.json()["phone"], changed.json()["vehicle_id"]) == ("+359888777666", None)
    assert api.get(f"/v1/drivers/{did}").json()["name"] == "Petar"
    assert world.client("Maribor", Role.dispatcher).get(f"/v1/drivers/{did}").status_code == 404
    assert "patch" in world.app.openapi()["paths"]["/v1/drivers/{driver_id}"]

    office = _signed_in(world, Role.dispatcher)
    page = office.get("/admin/drivers")
    assert page.status_code == 200 and "Petar" in page.text
    token = csrf_of(office)
    blank = office.post(f"/admin/drivers/{did}", data={"csrf": token, "name": "", "phone": ""})
    assert blank.status_code == 422 and f"{NOT_SAVED} Име." in blank.text
    edit = {"csrf": token, "name": "Petar Ivanov", "phone": "0888", "vehicle_id": str(vid)}
    assert (
        office.post(f"/admin/drivers/{did}", data=edit, follow_redirects=False).status_code == 303
    )
    new = {"csrf": token, "name": "Georgi", "phone": "", "vehicle_id": "", "external_id": "D1"}
    taken = office.post("/admin/drivers", data=new)
    assert taken.status_code == 422 and "Номер на досието" in taken.text
    assert office.post("/admin/drivers", data={**new, "external_id": ""}).status_code == 200
    with world.session() as session:
        driver = session.get(Driver, did)
        assert driver is not None and (driver.name, driver.vehicle_id) == ("Petar Ivanov", vid)
        georgi = session.exec(select(Driver).where(Driver.name == "Georgi")).one()
        assert georgi.external_id.startswith("D-") and georgi.vehicle_id is None
    assert _audited(world, "driver", did)[-1] == ("update", "user:dispatcher")


def test_a_caregivers_skills_and_home_are_changed_on_the_screen(world: World) -> None:
    office = _signed_in(world, Role.admin)
    cid = world.ids[("Kazanlak", "caregiver")]
    assert "Maria" in office.get(f"/admin/caregivers/{cid}").text
    form = {"csrf": csrf_of(office), "name": "Maria", "phone": "", "mode": "foot",
            "shift_start": "07:00", "shift_end": "15:00", "start_lat": "42.63",
            "start_lon": "25.41", "skills": "nurse, personal_care", "active": "yes",
            **WEEK}  # fmt: skip
    bad = office.post(f"/admin/caregivers/{cid}", data={**form, "skills": "nurse, Wound Care"})
    assert bad.status_code == 422 and f"{NOT_SAVED} Умения." in bad.text
    far = office.post(f"/admin/caregivers/{cid}", data={**form, "start_lat": "142"})
    assert far.status_code == 422 and "Дом: географска ширина" in far.text
    with world.session() as session:
        assert session.get(Caregiver, cid).skills == []  # type: ignore[union-attr]
    assert (
        office.post(f"/admin/caregivers/{cid}", data=form, follow_redirects=False).status_code
        == 303
    )
    with world.session() as session:
        carer = session.get(Caregiver, cid)
        assert carer is not None
        assert (carer.skills, carer.mode, carer.start_lat, carer.weekdays) == (
            ["nurse", "personal_care"], "foot", 42.63, "Mon-Fri",
        )  # fmt: skip
    assert _audited(world, "caregiver", cid)[-1] == ("update", "user:admin")
    new = office.post("/admin/caregivers", data={**form, "name": "Elena", "external_id": "CG9"})
    assert new.status_code == 200 and "Elena" in new.text


def test_an_absence_is_added_and_removed_on_the_screen(world: World) -> None:
    office = _signed_in(world, Role.dispatcher)
    cid = world.ids[("Kazanlak", "caregiver")]
    token = csrf_of(office)
    form = {"csrf": token, "caregiver_id": str(cid), "start": "2094-03-01",
            "end": "2094-03-05", "kind": "sick"}  # fmt: skip
    backwards = office.post("/admin/absences", data={**form, "end": "2094-02-01"})
    assert backwards.status_code == 422 and f"{NOT_SAVED} До." in backwards.text
    nameless = office.post("/admin/absences", data={**form, "start": ""})
    assert nameless.status_code == 422 and "От" in nameless.text
    found = select(CaregiverAbsence).where(CaregiverAbsence.start == date(2094, 3, 1))
    with world.session() as session:
        assert session.exec(found).all() == []
    added = office.post("/admin/absences", data=form, follow_redirects=False)
    assert added.status_code == 303, added.text
    page = office.get("/admin/absences", params={"from": "2094-01-01"}).text
    assert "болничен" in page and "1 март 2094" in page
    with world.session() as session:
        row = session.exec(found).one()
        assert (row.caregiver_id, row.end, row.kind) == (cid, date(2094, 3, 5), "sick")
    assert row.id is not None
    assert _audited(world, "absence", row.id) == [("create", "user:dispatcher")]
    gone = office.post(f"/admin/absences/{row.id}/delete", data={"csrf": token})
    assert gone.status_code == 200
    with world.session() as session:
        assert session.exec(found).all() == []


def test_pick_up_points_are_changed_over_rest_and_on_the_screen(world: World) -> None:
    api = world.client("Kazanlak", Role.dispatcher)
    pid = world.ids[("Kazanlak", "pickup_point")]
    foreign = world.ids[("Maribor", "kitchen")]
    refused = api.patch(f"/v1/pickup-points/{pid}", json={"kitchen_id": foreign})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["kitchen_id"]
    nameless = api.patch(f"/v1/pickup-points/{pid}", json={"name": None})
    assert nameless.status_code == 422, nameless.text
    assert [e["field"] for e in nameless.json()["errors"]] == ["body.name"], nameless.text
    moved = api.patch(f"/v1/pickup-points/{pid}", json={"address": "ул. Искра 2"})
    assert moved.status_code == 200 and moved.json()["address"] == "ул. Искра 2"
    assert (
        world.client("Maribor", Role.dispatcher)
        .patch(f"/v1/pickup-points/{pid}", json={"address": "x"})
        .status_code
        == 404
    )
    assert "patch" in world.app.openapi()["paths"]["/v1/pickup-points/{point_id}"]
    assert _audited(world, "pickup_point", pid)[-1] == ("update", "user:dispatcher")

    office = _signed_in(world, Role.dispatcher)
    token = csrf_of(office)
    kitchen = str(world.ids[("Kazanlak", "kitchen")])
    form = {"csrf": token, "name": "", "address": "", "kitchen_id": kitchen}
    blank = office.post(f"/admin/pickup-points/{pid}", data=form)
    assert blank.status_code == 422 and f"{NOT_SAVED} Име." in blank.text
    renamed = {**form, "name": "Трапезария Център"}
    assert (
        office.post(f"/admin/pickup-points/{pid}", data=renamed, follow_redirects=False).status_code
        == 303
    )
    taken = office.post("/admin/pickup-points", data={**renamed, "external_id": "P1"})
    assert taken.status_code == 422 and "Номер на досието" in taken.text
    made = office.post("/admin/pickup-points", data={**renamed, "name": "Трапезария Енина"})
    assert made.status_code == 200 and "Трапезария Енина" in made.text
    # who eats where: a client given the point on their form is listed under it
    client = {"csrf": token, "name": "Стоян Колев", "lat": "42.6", "lon": "25.4",
              "service": f"point:{pid}", "external_id": "PG-P"}  # fmt: skip
    assert office.post("/clients/new", data=client, follow_redirects=False).status_code == 303
    page = office.get("/admin/pickup-points").text
    row = page[page.index(f'data-point="{pid}"') :].split("</tr>")[0]
    assert "Стоян Колев" in row and "Трапезария Център" in row
