"""The dispatcher's board reads only the caller's municipality: the day, and its live stream."""

from __future__ import annotations

import json
from datetime import date

from fastapi.testclient import TestClient

from api.board import live_status
from scheduler.models import Role, Route, Unassigned
from tests.api.conftest import PASSWORD, TOWNS, World

DAY = date(2026, 1, 6)  # the seeded published meal plan of each town
HOME, OTHER = TOWNS


def _signed_in(world: World, town: str) -> TestClient:
    client = world.client()
    who = {"municipality": town, "username": Role.dispatcher.value, "password": PASSWORD}
    assert client.post("/login", data=who, follow_redirects=False).status_code == 303
    return client


def test_live_status_leaves_out_another_towns_stops(world: World) -> None:
    """Even when the other town's route id is asked for, its stop does not show."""
    routes = [world.ids[(HOME, "route")], world.ids[(OTHER, "route")]]
    with world.session() as session:
        here = live_status(session, world.town_ids[HOME], routes)
        there = live_status(session, world.town_ids[OTHER], routes)
    assert here == {str(world.ids[(HOME, "stop")]): "planned"}
    assert there == {str(world.ids[(OTHER, "stop")]): "planned"}


def test_the_live_stream_sends_the_callers_stops_and_alerts_only(world: World) -> None:
    answer = _signed_in(world, HOME).get(f"/board/stream?day={DAY}&once=true")
    assert answer.status_code == 200
    data = next(line for line in answer.text.splitlines() if line.startswith("data: "))
    snapshot = json.loads(data.removeprefix("data: "))
    assert snapshot["version"] == 1 and snapshot["published"] == 1
    assert snapshot["stops"] == {str(world.ids[(HOME, "stop")]): "planned"}
    assert snapshot["alerts"] == [world.ids[(HOME, "alert")]]


def test_the_day_board_shows_only_its_own_towns_rows(world: World) -> None:
    """An unassigned job naming another town's client shows its job id, not that name."""
    mid = world.town_ids[HOME]
    with world.session() as session:
        route = session.get(Route, world.ids[(HOME, "route")])
        assert route is not None
        version = route.plan_version_id
        session.add_all(
            [
                Unassigned(municipality_id=mid, plan_version_id=version, job_id="C7",
                           client_id=world.ids[(OTHER, "client")], reason="capacity"),
                Unassigned(municipality_id=mid, plan_version_id=version, job_id="C1",
                           client_id=world.ids[(HOME, "client")], reason="time_window"),
            ]
        )  # fmt: skip
        session.commit()
    board = world.client(HOME, Role.dispatcher).get(f"/v1/days/{DAY}/meals").json()
    assert [(u["job_id"], u["name"]) for u in board["unassigned"]] == [
        ("C7", "C7"),
        ("C1", "Ivan Petrov"),
    ]
    assert [s["stop_id"] for r in board["routes"] for s in r["stops"]] == [
        world.ids[(HOME, "stop")]
    ]
    assert board["routes"][0]["start"] == [42.62, 25.39]  # the van's kitchen
    assert [a["id"] for a in board["alerts"]] == [world.ids[(HOME, "alert")]]
    van = {"id": world.ids[(HOME, "vehicle")], "resource": "V1", "name": "Van 1"}
    assert board["vans"] == [van]
    assert board["counts"] == {"ordered": 1}
    assert board["resources"] == ["Van 1"]
