"""The driver's day that fits one hand: trips with what to load, names instead of codes, undo
within the minute, and where the phone was at each report."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from api import links
from api.links import DayLink
from scheduler.models import (
    Client,
    Diet,
    Driver,
    Event,
    Kitchen,
    MealOrder,
    OrderStatus,
    Role,
    Stop,
    StopStatus,
)
from tests.api.conftest import World

DAY = date(2026, 1, 6)
AT = datetime(2026, 1, 6, 10, 0, tzinfo=UTC)


def _token(world: World, town: str = "Kazanlak") -> str:
    return links.sign(world.app.state.settings, DayLink(world.town_ids[town], "meals", DAY, "V1"))


@pytest.fixture(autouse=True)
def fresh(world: World) -> Iterator[None]:
    """The module's world is shared: each test starts with the first stop not yet reported."""
    with world.session() as session:
        stop = session.get(Stop, world.ids[("Kazanlak", "stop")])
        order = session.get(MealOrder, world.ids[("Kazanlak", "order")])
        assert stop is not None and order is not None
        stop.status, stop.confirmed_at, stop.note = StopStatus.planned, None, ""
        stop.report_lat = stop.report_lon = stop.report_accuracy_m = None
        order.status = OrderStatus.ordered
        session.add_all([stop, order])
        session.commit()
    yield


def _id(name: str) -> str:
    """A report id of its own for each test (the module's world keeps every event)."""
    return f"{name}-{uuid.uuid4().hex[:12]}"


def _second_trip(world: World, town: str = "Kazanlak") -> None:
    """Three more clients on a second trip (2 + 2 + 1 portions), boxes of 4, a named driver."""
    mid = world.town_ids[town]
    with world.session() as session:
        if session.exec(select(Driver).where(Driver.external_id == "D1")).first():
            return  # made by an earlier test of this module
        first = session.get(Stop, world.ids[(town, "stop")])
        kitchen = session.get(Kitchen, world.ids[(town, "kitchen")])
        assert first is not None and kitchen is not None
        kitchen.portions_per_box = 4
        session.add(kitchen)
        session.add(
            Driver(
                municipality_id=mid,
                external_id="D1",
                name="Georgi Ivanov",
                vehicle_id=world.ids[(town, "vehicle")],
            )
        )
        for n, portions in enumerate((2, 2, 1), start=2):
            client = Client(
                municipality_id=mid,
                external_id=f"C{n}",
                name=f"Client {n}",
                address=f"ul. Lipa {n}",
                lon=25.4,
                lat=42.6,
                kitchen_id=kitchen.id,
            )
            session.add(client)
            session.flush()
            order = MealOrder(
                municipality_id=mid,
                client_id=client.id or 0,
                day=DAY,
                diet=Diet.general,
                portions=portions,
            )
            session.add(order)
            session.flush()
            session.add(
                Stop(
                    municipality_id=mid,
                    route_id=first.route_id,
                    seq=n + 1,  # after the reload at the kitchen
                    kind="job",
                    job_id=f"C{n}",
                    client_id=client.id,
                    order_id=order.id,
                    trip=2,
                    arrival_s=12 * 3600 + n * 600,
                )
            )
        session.commit()


def test_the_day_comes_in_trips_with_portions_and_boxes_to_load(world: World) -> None:
    _second_trip(world)
    day = world.client().get(f"/d/{_token(world)}/day.json").json()
    assert day["trips"] == [
        {"number": 1, "stops": 1, "portions": 2, "boxes": 1},
        {"number": 2, "stops": 3, "portions": 5, "boxes": 2},
    ]
    assert [s["trip"] for s in day["stops"]] == [1, 2, 2, 2]
    assert (day["name"], day["people"], day["resource"]) == ("Van 1", ["Georgi Ivanov"], "V1")
    assert day["stops"][0]["lives_alone"] is True
    page = world.client().get(f"/d/{_token(world)}").text
    assert "Обратно в кухнята, натовари курс 2" in page  # in the town's language
    assert "(5 порции, 2 кутии)" in page and "(2 порции, 1 кутия)" in page
    assert "Van 1" in page and "Georgi Ivanov" in page
    assert "0 / 4 готови" in page and 'class="stop next"' in page
    assert "Живее сам" in page  # Ivan Petrov lives alone: said on his stop


def test_the_board_names_vans_and_drivers_and_keeps_the_code(world: World) -> None:
    _second_trip(world)
    board = world.client("Kazanlak", Role.dispatcher).get("/v1/days/2026-01-06/meals").json()
    route = board["routes"][0]
    assert (route["name"], route["people"], route["resource"]) == ("Van 1", ["Georgi Ivanov"], "V1")


def _report(world: World, **body: Any) -> Any:
    base = {"stop_key": f"order:{world.ids[('Kazanlak', 'order')]}", "version": 1}
    return world.client().post(f"/d/{_token(world)}/reports", json=base | body)


def _stop(world: World) -> Stop:
    with world.session() as session:
        stop = session.get(Stop, world.ids[("Kazanlak", "stop")])
        assert stop is not None
        return stop


def test_a_report_keeps_where_the_phone_was_and_the_board_shows_how_far(world: World) -> None:
    sent = _report(
        world,
        status="delivered",
        client_event_id=_id("pos"),
        at=AT.isoformat(),
        lat=42.6101,
        lon=25.4,
        accuracy=8,
    )
    assert sent.status_code == 200
    stop = _stop(world)
    assert (stop.report_lat, stop.report_lon, stop.report_accuracy_m) == (42.6101, 25.4, 8)
    board = world.client("Kazanlak", Role.dispatcher).get("/v1/days/2026-01-06/meals").json()
    where = board["routes"][0]["stops"][0]["reported_at"]
    assert where["accuracy_m"] == 8 and 9 <= where["distance_m"] <= 13  # 0.0001° of latitude
    # A later report without a position does not keep the old one.
    _report(
        world,
        status="refused",
        client_event_id=_id("pos"),
        at=(AT + timedelta(minutes=5)).isoformat(),
    )
    assert _stop(world).report_lat is None


def test_a_report_undone_within_the_minute_puts_the_stop_back(world: World) -> None:
    report, taken_back = _id("r"), _id("u")
    first = _report(
        world, status="not_home", client_event_id=report, at=AT.isoformat(), lat=42.61, lon=25.4
    )
    assert first.json()["status"] == "not_home"
    undo = {"status": "planned", "corrects": report, "client_event_id": taken_back}
    back = _report(world, **undo, at=(AT + timedelta(seconds=40)).isoformat())
    assert back.status_code == 200 and back.json()["status"] == "planned"
    again = _report(world, **undo, at=(AT + timedelta(seconds=40)).isoformat())
    assert again.json()["applied"] is False  # a retry of the undo changes nothing
    stop = _stop(world)
    assert (stop.status, stop.confirmed_at, stop.report_lat) == (StopStatus.planned, None, None)
    with world.session() as session:
        order = session.get(MealOrder, world.ids[("Kazanlak", "order")])
        keys = [f"report:{report}", f"report:{taken_back}"]
        events = session.exec(
            select(Event).where(col(Event.event_key).in_(keys)).order_by(col(Event.id))
        ).all()
    assert order is not None and order.status == "ordered"
    assert [(e.payload["status"], e.payload["corrects"]) for e in events] == [
        ("not_home", ""),
        ("planned", report),
    ]  # both kept
    later = _report(
        world,
        status="delivered",
        client_event_id=_id("r"),
        at=(AT + timedelta(minutes=1)).isoformat(),
    )
    assert later.json()["status"] == "delivered"


def test_an_undo_after_the_minute_or_of_another_report_is_refused(world: World) -> None:
    report = _id("r")
    _report(world, status="delivered", client_event_id=report, at=AT.isoformat())
    late = _report(
        world,
        status="planned",
        corrects=report,
        client_event_id=_id("u"),
        at=(AT + timedelta(minutes=2)).isoformat(),
    )
    assert late.status_code == 422 and late.json()["errors"][0]["field"] == "corrects"
    unknown = _report(world, status="planned", corrects="nope", client_event_id=_id("u"))
    assert unknown.status_code == 404
    bare = _report(world, status="planned", client_event_id=_id("u"))
    assert bare.status_code == 422 and bare.json()["errors"][0]["field"] == "status"
    assert _stop(world).status == StopStatus.delivered


def test_an_undo_leaves_a_newer_report_standing(world: World) -> None:
    report = _id("r")
    _report(world, status="not_home", client_event_id=report, at=AT.isoformat())
    _report(
        world,
        status="delivered",
        client_event_id=_id("r"),
        at=(AT + timedelta(seconds=20)).isoformat(),
    )
    _report(
        world,
        status="planned",
        corrects=report,
        client_event_id=_id("u"),
        at=(AT + timedelta(seconds=30)).isoformat(),
    )
    assert _stop(world).status == StopStatus.delivered
