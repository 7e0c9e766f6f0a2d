"""Drivers' absences over REST and on the office's screen: listed by driver and date, added and
removed; a bad value is refused (422 naming the field, in the reader's language on the screen)
and writes nothing; another municipality's driver or absence answers 404."""

from __future__ import annotations

from sqlmodel import select

from scheduler.models import AuditEntry, DriverAbsence, Role
from tests.api.conftest import World, csrf_of
from tests.api.test_resource_pages import NOT_SAVED, _signed_in


def _count(world: World) -> int:
    with world.session() as session:
        return len(session.exec(select(DriverAbsence)).all())


def test_driver_absences_are_added_listed_refused_and_removed_over_rest(world: World) -> None:
    api = world.client("Kazanlak", Role.dispatcher)
    driver = world.ids[("Kazanlak", "driver")]
    body = {"driver_id": driver, "first_day": "2026-03-02", "last_day": "2026-03-04",
            "kind": "sick", "note": "flu"}  # fmt: skip
    before = _count(world)
    for bad, fields in (
        ({"last_day": "2026-03-01"}, ["last_day"]),
        ({"kind": "party", "first_day": "soon"}, ["body.first_day", "body.kind"]),
        ({"note": "x" * 501}, ["body.note"]),
    ):
        refused = api.post("/v1/driver-absences", json={**body, **bad})
        assert refused.status_code == 422, bad
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert sorted(e["field"] for e in refused.json()["errors"]) == fields
    assert _count(world) == before
    made = api.post("/v1/driver-absences", json=body)
    assert made.status_code == 201, made.text
    aid = made.json()["id"]
    overlap = api.post("/v1/driver-absences", json={**body, "first_day": "2026-03-04",
                                                     "last_day": "2026-03-06"})  # fmt: skip
    assert overlap.status_code == 422
    assert [e["field"] for e in overlap.json()["errors"]] == ["first_day"]
    listed = api.get(f"/v1/driver-absences?from=2026-03-03&to=2026-03-03&driver_id={driver}")
    assert [(a["id"], a["kind"], a["note"]) for a in listed.json()] == [(aid, "sick", "flu")]
    assert api.get("/v1/driver-absences?from=2026-03-05&to=2026-03-31").json() == []
    assert api.get("/v1/driver-absences?from=2026-03-05&to=2026-03-01").status_code == 422

    foreign = world.client("Maribor", Role.dispatcher)
    assert foreign.delete(f"/v1/driver-absences/{aid}").status_code == 404
    assert foreign.post("/v1/driver-absences", json=body).status_code == 404
    assert foreign.get(f"/v1/driver-absences?from=2026-03-01&to=2026-03-31&driver_id={driver}"
                       ).status_code == 404  # fmt: skip
    assert api.delete(f"/v1/driver-absences/{aid}").status_code == 200
    assert api.delete(f"/v1/driver-absences/{aid}").status_code == 404
    with world.session() as session:
        audits = session.exec(
            select(AuditEntry).where(
                AuditEntry.entity == "driver_absence", AuditEntry.entity_id == str(aid)
            )
        ).all()
        assert sorted(a.action for a in audits) == ["create", "delete"]
    assert "/v1/driver-absences/{driver_absence_id}" in world.app.openapi()["paths"]


def test_a_driver_absence_is_added_and_removed_on_the_screen(world: World) -> None:
    office = _signed_in(world, Role.dispatcher)
    driver = str(world.ids[("Kazanlak", "driver")])
    assert 'href="/admin/driver-absences"' in office.get("/board").text
    token = csrf_of(office)
    form = {"csrf": token, "driver_id": driver, "first_day": "2026-04-06",
            "last_day": "2026-04-08", "kind": "day_off", "note": "wedding"}  # fmt: skip
    before = _count(world)
    backwards = office.post("/admin/driver-absences", data={**form, "last_day": "2026-04-01"})
    assert backwards.status_code == 422 and f"{NOT_SAVED} До." in backwards.text
    empty = office.post("/admin/driver-absences", data={**form, "first_day": ""})
    assert empty.status_code == 422 and f"{NOT_SAVED} От." in empty.text
    assert _count(world) == before
    saved = office.post("/admin/driver-absences", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    page = office.get("/admin/driver-absences?from=2026-04-01")
    assert "wedding" in page.text and "Petko" in page.text
    with world.session() as session:
        row = session.exec(select(DriverAbsence).where(DriverAbsence.note == "wedding")).one()
    overlap = office.post("/admin/driver-absences", data={**form, "kind": "sick"})
    assert overlap.status_code == 422 and f"{NOT_SAVED} От." in overlap.text
    foreign = _signed_in(world, Role.dispatcher, "Maribor")
    assert "wedding" not in foreign.get("/admin/driver-absences?from=2026-04-01").text
    stranger = foreign.post(f"/admin/driver-absences/{row.id}/delete",
                            data={"csrf": csrf_of(foreign)})  # fmt: skip
    assert stranger.status_code == 404
    gone = office.post(f"/admin/driver-absences/{row.id}/delete", data={"csrf": token},
                       follow_redirects=False)  # fmt: skip
    assert gone.status_code == 303
    assert _count(world) == before
