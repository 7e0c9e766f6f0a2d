"""The municipality's rules and calendar over REST: scoped, audited, 422 naming the field."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine
from fastapi.testclient import TestClient
from sqlmodel import select

from scheduler.models import AuditEntry, DateOverride, Kitchen, Municipality, Role
from tests.api.conftest import PASSWORD, World, csrf_of

RULES = {
    "timezone": "Europe/Sofia",
    "locale": "bg",
    "cutoff_days_before": 2,
    "cutoff_time": "10:30",
}


def test_the_admin_sets_the_cutoff_and_it_is_audited(world: World) -> None:
    admin = world.client("Kazanlak", Role.admin)
    answer = admin.put("/v1/rules", json=RULES)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["cutoff_days_before"], answer.json()["cutoff_time"]) == (2, "10:30:00")
    seen = world.client("Kazanlak", Role.dispatcher).get("/v1/rules").json()
    assert seen["cutoff_time"] == "10:30:00" and seen["name"] == "Kazanlak"
    assert world.client("Maribor", Role.admin).get("/v1/rules").json()["cutoff_days_before"] == 1
    with world.session() as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "municipality")).all()
        assert any("cutoff_time" in str(e.detail) for e in entries)
        admin.put("/v1/rules", json={**RULES, "cutoff_days_before": 1, "cutoff_time": "14:00"})


def test_bad_rules_answer_422_naming_the_field_and_change_nothing(world: World) -> None:
    admin = world.client("Kazanlak", Role.admin)
    for field, value in [("timezone", "Mars/Olympus"), ("locale", "de"),
                         ("cutoff_days_before", 9), ("cutoff_time", "25:00")]:  # fmt: skip
        answer = admin.put("/v1/rules", json={**RULES, field: value})
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert field in answer.text
    with world.session() as session:
        town = session.get(Municipality, world.town_ids["Kazanlak"])
        assert town is not None and town.timezone == "Europe/Sofia" and town.locale == "bg"


def test_a_holiday_delivered_anyway_is_set_listed_and_removed(world: World) -> None:
    staff = world.client("Kazanlak", Role.dispatcher)
    put = staff.put("/v1/date-overrides/2026-03-03", json={"delivers": True, "note": "3 March"})
    assert put.status_code == 200, put.text
    listed = staff.get("/v1/date-overrides").json()
    shown = {"day": "2026-03-03", "delivers": True, "note": "3 March", "deliver_before": False}
    assert shown in listed
    assert world.client("Maribor", Role.dispatcher).get("/v1/date-overrides").json() == []
    assert (
        world.client("Maribor", Role.admin).delete("/v1/date-overrides/2026-03-03").status_code
        == 404
    )
    assert staff.delete("/v1/date-overrides/2026-03-03").status_code == 204
    assert staff.get("/v1/date-overrides").json() == []
    assert staff.put("/v1/date-overrides/2026-02-30", json={"delivers": True}).status_code == 422


def test_the_rules_page_changes_the_cutoff_a_kitchen_and_the_calendar(world: World) -> None:
    admin = _signed_in(world, Role.admin)
    token = csrf_of(admin)
    page = admin.get("/admin/rules")
    assert page.status_code == 200 and "Правилата на общината" in page.text
    form = {"csrf": token, "timezone": "Europe/Sofia", "locale": "bg",
            "cutoff_days_before": "0", "cutoff_time": "09:00"}  # fmt: skip
    assert admin.post("/admin/rules", data=form, follow_redirects=False).status_code == 303
    refused = admin.post("/admin/rules", data={**form, "timezone": "Nowhere/Town"})
    assert refused.status_code == 422 and "Часова зона" in refused.text
    kitchen = world.ids[("Kazanlak", "kitchen")]
    cooked = {"csrf": token, "hot_meal_minutes": "75", "portions_per_box": "6"}
    assert admin.post(f"/admin/rules/kitchens/{kitchen}", data=cooked).status_code == 200
    day = {"csrf": token, "day": "2026-05-06", "delivers": "yes", "note": "St George"}
    assert admin.post("/admin/rules/days", data=day).status_code == 200
    with world.session() as session:
        town = session.get(Municipality, world.town_ids["Kazanlak"])
        assert town is not None and (town.cutoff_days_before, str(town.cutoff_time)) == (
            0,
            "09:00:00",
        )
        assert town.timezone == "Europe/Sofia"  # the refused form changed nothing
        row = session.get(Kitchen, kitchen)
        assert row is not None and (row.hot_meal_minutes, row.portions_per_box) == (75, 6)
    assert "St George" in admin.get("/admin/rules").text
    dispatcher = _signed_in(world, Role.dispatcher)
    assert "fieldset disabled" in dispatcher.get("/admin/rules").text
    locked = dispatcher.post("/admin/rules", data={**form, "csrf": csrf_of(dispatcher)})
    assert locked.status_code in (403, 303) and locked.status_code != 200
    admin.post("/admin/rules", data={**form, "cutoff_days_before": "1", "cutoff_time": "14:00"})


# Tue 9 March 2027 closed, its meals on its eve Mon 8 March, whose orders close Sun 7 March at
# 14:00 in Sofia (12:00 UTC; the towns' rule is 14:00 the day before).
BEFORE_BG = "Доставя се предния ден"  # noqa: RUF001 (Bulgarian, not Latin look-alikes)
CLOSED, EVE_OPEN, EVE_SHUT = (
    "2027-03-09",
    datetime(2027, 3, 5, 9, tzinfo=UTC),
    datetime(2027, 3, 7, 12, 30, tzinfo=UTC),
)


def _problem_fields(answer: object) -> list[str]:
    assert getattr(answer, "status_code", None) == 422, getattr(answer, "text", "")
    return [e["field"] for e in answer.json()["errors"]]  # type: ignore[attr-defined]


def test_a_day_delivered_the_day_before_is_set_before_the_eves_cutoff_only(world: World) -> None:
    staff = world.client("Kazanlak", Role.dispatcher)
    path = f"/v1/date-overrides/{CLOSED}"
    with time_machine.travel(EVE_OPEN, tick=False):
        both = staff.put(path, json={"delivers": True, "deliver_before": True})
        assert _problem_fields(both) == ["deliver_before"]
        put = staff.put(path, json={"delivers": False, "deliver_before": True, "note": "water"})
        assert put.status_code == 200 and put.json()["deliver_before"] is True, put.text
    listed = staff.get("/v1/date-overrides").json()
    assert {"day": CLOSED, "delivers": False, "note": "water", "deliver_before": True} in listed
    with time_machine.travel(EVE_SHUT, tick=False):
        # Lifting, removing or newly setting a rule whose eve has closed is refused.
        assert _problem_fields(staff.put(path, json={"delivers": False})) == ["deliver_before"]
        assert _problem_fields(staff.delete(path)) == ["deliver_before"]
        monday = staff.put("/v1/date-overrides/2027-03-08",
                           json={"delivers": False, "deliver_before": True})  # fmt: skip
        assert "2027-03-05" in monday.text and _problem_fields(monday) == ["deliver_before"]
        # The note of a rule that stays is still the office's to change.
        again = {"delivers": False, "deliver_before": True, "note": "no water"}
        assert staff.put(path, json=again).status_code == 200
    with world.session() as session:
        rows = session.exec(select(DateOverride).where(DateOverride.day == date(2027, 3, 8)))
        assert rows.first() is None
        entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "date_override"))
        assert any(e.entity_id == CLOSED and "deliver_before" in str(e.detail) for e in entries)
    with time_machine.travel(EVE_OPEN, tick=False):
        assert staff.delete(path).status_code == 204


def test_the_rules_page_saves_a_day_delivered_the_day_before(world: World) -> None:
    with time_machine.travel(EVE_OPEN, tick=False):  # signed in at the travelled time
        admin = _signed_in(world, Role.admin)
        page = admin.get("/admin/rules")
        assert 'value="before"' in page.text and BEFORE_BG in page.text
        day = {"csrf": csrf_of(admin), "day": CLOSED, "delivers": "before", "note": "ремонт"}
        assert admin.post("/admin/rules/days", data=day, follow_redirects=False).status_code == 303
    with world.session() as session:
        row = session.exec(select(DateOverride).where(DateOverride.day == date(2027, 3, 9))).one()
        assert (row.delivers, row.deliver_before, row.note) == (False, True, "ремонт")
    with time_machine.travel(EVE_SHUT, tick=False):
        admin = _signed_in(world, Role.admin)
        day["csrf"] = csrf_of(admin)
        late = {**day, "day": "2027-03-08"}
        refused = admin.post("/admin/rules/days", data=late)
        assert refused.status_code == 422 and BEFORE_BG in refused.text
        kept = admin.post(f"/admin/rules/days/{CLOSED}/delete", data={"csrf": csrf_of(admin)})
        assert kept.status_code == 422
    with time_machine.travel(EVE_OPEN, tick=False):
        admin = _signed_in(world, Role.admin)
        gone = admin.post(f"/admin/rules/days/{CLOSED}/delete", data={"csrf": csrf_of(admin)})
        assert gone.status_code in (200, 303)


def _signed_in(world: World, role: Role) -> TestClient:
    client = world.client()
    who = {"municipality": "Kazanlak", "username": role.value, "password": PASSWORD}
    assert client.post("/login", data=who, follow_redirects=False).status_code == 303
    return client
