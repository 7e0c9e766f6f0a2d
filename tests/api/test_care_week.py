"""The fairness weight over REST: read, set (audited, scoped to the caller's town), refused out
of range with the field named; and the day's workload read, empty before anything is planned."""

from __future__ import annotations

from sqlmodel import select

from scheduler.models import AuditEntry, Municipality, Role
from tests.api.conftest import PASSWORD, World

TOWN, OTHER = "Kazanlak", "Maribor"


def test_the_weight_is_set_for_the_callers_town_only(world: World) -> None:
    staff = world.client(TOWN, Role.dispatcher)
    assert staff.get("/v1/care-fairness").json() == {"care_balance_weight": 0}
    answer = staff.put("/v1/care-fairness", json={"care_balance_weight": 5})
    assert answer.status_code == 200, answer.text
    assert staff.get("/v1/care-fairness").json() == {"care_balance_weight": 5}
    other = world.client(OTHER, Role.dispatcher).get("/v1/care-fairness")
    assert other.json() == {"care_balance_weight": 0}
    with world.session() as session:
        town = session.get(Municipality, world.town_ids[TOWN])
        assert town is not None and town.care_balance_weight == 5
        entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "municipality")).all()
        assert [(e.municipality_id, e.detail) for e in entries] == [
            (world.town_ids[TOWN], {"care_balance_weight": [0, 5]})
        ]
    staff.put("/v1/care-fairness", json={"care_balance_weight": 0})


def test_a_weight_out_of_range_is_a_422_naming_the_field(world: World) -> None:
    staff = world.client(TOWN, Role.dispatcher)
    answer = staff.put("/v1/care-fairness", json={"care_balance_weight": 101})
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert "care_balance_weight" in answer.text
    assert world.client(TOWN, Role.driver).get("/v1/care-fairness").status_code == 403


def test_no_care_plan_no_workload(world: World) -> None:
    answer = world.client(TOWN, Role.dispatcher).get("/v1/care-workload/2031-01-07")
    assert answer.json() == {
        "longest": None,
        "shortest": None,
        "caregivers": 0,
        "spread_minutes": 0,
    }


def test_the_week_over_rest_and_on_its_page(world: World) -> None:
    week = world.client(TOWN, Role.dispatcher).get("/v1/care-weeks/2031-01-08").json()
    assert week["days"][0] == "2031-01-06" and len(week["days"]) == 7  # Monday to Sunday
    assert {c["caregiver"] for c in week["caregivers"]} >= {"Maria"}
    assert week["clients"] == [] and week["continuity"] is None
    board = world.client()
    who = {"municipality": TOWN, "username": "dispatcher", "password": PASSWORD}
    assert board.post("/login", data=who, follow_redirects=False).status_code == 303
    page = board.get("/board/week?day=2031-01-08").text
    assert 'data-monday="2031-01-06"' in page and "Седмица на грижите" in page
    assert 'data-caregiver="Maria" data-total="0"' in page
    assert world.client(TOWN, Role.driver).get("/v1/care-weeks/2031-01-08").status_code == 403
