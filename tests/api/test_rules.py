"""The municipality's rules and calendar over REST: scoped, audited, 422 naming the field."""

from __future__ import annotations

from sqlmodel import select

from scheduler.models import AuditEntry, Municipality, Role
from tests.api.conftest import World

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
    assert {"day": "2026-03-03", "delivers": True, "note": "3 March"} in listed
    assert world.client("Maribor", Role.dispatcher).get("/v1/date-overrides").json() == []
    assert (
        world.client("Maribor", Role.admin).delete("/v1/date-overrides/2026-03-03").status_code
        == 404
    )
    assert staff.delete("/v1/date-overrides/2026-03-03").status_code == 204
    assert staff.get("/v1/date-overrides").json() == []
    assert staff.put("/v1/date-overrides/2026-02-30", json={"delivers": True}).status_code == 422
