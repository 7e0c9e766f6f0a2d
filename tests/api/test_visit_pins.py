"""Visit pins over REST: made, listed with what the plan says of them, refused with the field
named, scoped to the caller's town, audited, removed."""

from __future__ import annotations

from datetime import date, time

from sqlmodel import select

from scheduler.models import AuditEntry, Role, Visit
from tests.api.conftest import PASSWORD, World, csrf_of

TOWN = "Kazanlak"
DAY = date(2026, 4, 7)


def _visit(world: World, external_id: str = "PIN1") -> int:
    with world.session() as session:
        row = Visit(municipality_id=world.town_ids[TOWN], external_id=external_id,
                    client_id=world.ids[(TOWN, "client")], day=DAY, window_start=time(9),
                    window_end=time(11), duration_min=30)  # fmt: skip
        session.add(row)
        session.commit()
        return row.id or 0


def test_a_visit_pin_is_made_listed_refused_and_removed(world: World) -> None:
    visit_id = _visit(world)
    carer = world.ids[(TOWN, "caregiver")]
    staff = world.client(TOWN, Role.dispatcher)
    url = f"/v1/days/{DAY}/care/visit-pins"
    made = staff.post(url, json={"visit_id": visit_id, "caregiver_id": carer, "start": "10:00"})
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["visit"], body["start"], body["holds"]) == ("PIN1", "10:00:00", None)
    assert body["note"].startswith("Waits for the next plan")

    early = staff.post(url, json={"visit_id": visit_id, "caregiver_id": carer, "start": "08:00"})
    assert early.status_code == 422 and "start" in early.text
    other_day = staff.post(
        "/v1/days/2026-04-08/care/visit-pins", json={"visit_id": visit_id, "caregiver_id": carer}
    )
    assert other_day.status_code == 422 and "visit_id" in other_day.text
    elsewhere = world.client("Maribor", Role.dispatcher).post(
        url, json={"visit_id": visit_id, "caregiver_id": carer}
    )
    assert elsewhere.status_code == 422 and "visit_id" in elsewhere.text
    assert world.client("Maribor", Role.dispatcher).get(url).json() == []

    listed = staff.get(url).json()
    assert [(p["id"], p["caregiver_id"]) for p in listed] == [(body["id"], carer)]
    assert (
        world.client("Maribor", Role.dispatcher).delete(f"/v1/visit-pins/{body['id']}").status_code
        == 404
    )
    assert staff.delete(f"/v1/visit-pins/{body['id']}").status_code == 204
    assert staff.get(url).json() == []
    with world.session() as session:
        actions = session.exec(
            select(AuditEntry.action).where(AuditEntry.entity == "visit_pin")
        ).all()
    assert sorted(actions) == ["pin", "unpin"]


def test_the_care_panel_pins_and_unpins_a_visit(world: World) -> None:
    visit_id = _visit(world, "PIN2")
    carer = world.ids[(TOWN, "caregiver")]
    board = world.client()
    who = {"municipality": TOWN, "username": "dispatcher", "password": PASSWORD}
    assert board.post("/login", data=who, follow_redirects=False).status_code == 303
    page = board.get(f"/board?day={DAY}&service=care").text
    assert f'<option value="{visit_id}">PIN2 09:00\u201311:00</option>' in page
    form = {"day": str(DAY), "visit_id": str(visit_id), "caregiver_id": str(carer)}
    form["csrf"] = csrf_of(board)
    wrong = board.post("/board/visit-pins", data={**form, "start": "12:30"})
    assert wrong.status_code == 422 and "12:30 е извън часовете на посещението" in wrong.text  # noqa: RUF001
    sent = board.post("/board/visit-pins", data={**form, "start": "09:30"}, follow_redirects=False)
    assert sent.status_code == 303
    shown = board.get(sent.headers["location"]).text
    assert 'data-visit="PIN2" data-holds="waits"' in shown
    assert "Закачени посещения" in shown  # Kazanlak speaks bg
    pin_id = (
        world.client(TOWN, Role.dispatcher).get(f"/v1/days/{DAY}/care/visit-pins").json()[-1]["id"]
    )
    back = {"day": str(DAY), "csrf": form["csrf"]}
    removed = board.post(f"/board/visit-pins/{pin_id}/delete", data=back, follow_redirects=False)
    assert removed.status_code == 303
    assert 'data-pin="' not in board.get(removed.headers["location"]).text
    assert (
        board.post(
            "/board/visit-pins", data={k: v for k, v in form.items() if k != "csrf"}
        ).status_code
        == 403
    )
