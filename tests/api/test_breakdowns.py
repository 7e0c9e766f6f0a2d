"""A van breakdown over REST: who may report it, what a bad time says, another town's van."""

from __future__ import annotations

from sqlmodel import select

from scheduler.models import AuditEntry, Event, Outbox, Role
from tests.api.conftest import World

BREAKDOWNS = "/v1/days/2026-01-06/meals/breakdowns"


def _body(world: World, town: str = "Kazanlak", **change: object) -> dict[str, object]:
    body: dict[str, object] = {"vehicle_id": world.ids[(town, "vehicle")], "at": "11:30"}
    body.update(change)
    return body


def test_a_dispatcher_reports_a_breakdown_and_reads_it_back(world: World) -> None:
    api = world.client("Kazanlak", Role.dispatcher)
    made = api.post(BREAKDOWNS, json=_body(world, request_id="b-1"))
    assert made.status_code == 202, made.text
    found = made.json()
    assert (found["vehicle"], found["at"], found["new"]) == ("V1", "11:30", True)
    assert found["version"] == 0 and found["changes"] == []  # the re-plan is the workers'
    again = api.post(BREAKDOWNS, json=_body(world, request_id="b-1"))
    assert again.json()["event_id"] == found["event_id"] and again.json()["new"] is False
    listed = api.get(BREAKDOWNS).json()
    assert [b["event_id"] for b in listed] == [found["event_id"]]
    assert api.get("/v1/days/2026-01-07/meals/breakdowns").json() == []
    with world.session() as session:
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "vehicle.broke_down")
        ).one()
        assert entry.actor == "user:dispatcher"
        event = session.get(Event, found["event_id"])
        assert event is not None and event.kind == "vehicle.broke_down"
        # The day is not frozen here, so nothing asks for a re-plan yet: the freeze will.
        assert not session.exec(select(Outbox).where(Outbox.event_id == event.id)).all()
    paths = world.app.openapi()["paths"]
    assert "post" in paths["/v1/days/{day}/meals/breakdowns"]


def test_only_staff_report_breakdowns(world: World) -> None:
    for role in (Role.driver, Role.kitchen, Role.caregiver):
        answer = world.client("Kazanlak", role).post(BREAKDOWNS, json=_body(world))
        assert answer.status_code == 403, role
    assert world.client().post(BREAKDOWNS, json=_body(world)).status_code == 401


def test_a_bad_time_is_a_problem_naming_the_field(world: World) -> None:
    api = world.client("Kazanlak", Role.dispatcher)
    for at, field in (("25:61", "body.at"), ("soon", "body.at"), ("15:00", "at"), ("11:30Z", "at")):
        answer = api.post(BREAKDOWNS, json=_body(world, at=at))
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert field in [e["field"] for e in answer.json()["errors"]], answer.json()


def test_another_towns_van_is_not_found(world: World) -> None:
    foreign = world.ids[("Maribor", "vehicle")]
    answer = world.client("Kazanlak", Role.dispatcher).post(
        BREAKDOWNS, json=_body(world, vehicle_id=foreign)
    )
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    maribor = world.client("Maribor", Role.dispatcher).get(BREAKDOWNS).json()
    assert maribor == []
