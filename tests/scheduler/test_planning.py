"""Planning a frozen meal day, explaining what cannot be served, and re-planning around vans."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.errors import InvalidInputError
from scheduler.intake.cutoff import freeze_day
from scheduler.intake.orders import Actor, cancel_order, place_order
from scheduler.models import (
    Client,
    Diet,
    Kitchen,
    Municipality,
    Plan,
    PlanVersion,
    Role,
    Stop,
    StopStatus,
    Vehicle,
)
from scheduler.planning import plan_day
from scheduler.planning.export import version_to_dict
from scheduler.planning.meals import RELOAD_SECONDS, van_vehicle
from scheduler.planning.replan import count_moves
from scheduler.repositories.plans import routes_of, unassigned_of
from tests.scheduler import meal_town

DAY = date(2025, 6, 3)  # a Tuesday
LIMIT = 1.0


def _town(session: Session) -> Municipality:
    """Two kitchens 4 km apart, a van each (one with two trips), eight clients and a canteen."""
    town = meal_town.town(session)
    k1 = meal_town.kitchen(session, town, "K1", hot_meal_minutes=60)
    k2 = meal_town.kitchen(session, town, "K2", lon=meal_town.CENTRE[0] + 0.05)
    meal_town.van(session, town, k1, "V1", capacity_portions=6, max_trips=2)
    meal_town.van(session, town, k2, "V2")
    for i in range(5):
        meal_town.client(
            session,
            town,
            k1,
            f"a{i}",
            offset=(0.004 * i - 0.008, 0.002),
            diet=(Diet.general, Diet.diabetic)[i % 2],
        )
    for i in range(3):
        meal_town.client(
            session,
            town,
            k2,
            f"b{i}",
            offset=(0.05 + 0.003 * i, -0.002),
            portions=2,
            diet=Diet.soft,
        )
    meal_town.client(session, town, k1, "p0", point=meal_town.point(session, town, k1))
    return town


def _plan(session: Session, town: Municipality, **kw: object) -> PlanVersion:
    assert town.id is not None
    freeze_day(town.id, DAY, "meals", session=session)
    return plan_day(town.id, DAY, "meals", session=session, time_limit=LIMIT, **kw)  # type: ignore[arg-type]


def test_plan_serves_each_client_from_its_kitchen_within_the_ride_limit(engine: Engine) -> None:
    with Session(engine) as session:
        town = _town(session)
        version = _plan(session, town, now=datetime(2025, 6, 2, 12, 0, tzinfo=UTC))
        session.commit()
        assert town.id is not None and version.id is not None
        routes = {r.resource: stops for r, stops in routes_of(town.id, version.id, session=session)}
        jobs = {v: {s.job_id for s in stops if s.kind == "job"} for v, stops in routes.items()}
        assert jobs == {"V1": {f"a{i}" for i in range(5)}, "V2": {"b0", "b1", "b2"}}
        assert version.summary["unassigned"] == 0
        assert version.summary["max_ride_s"] <= 60 * 60  # K1's hot-meal limit
        v1 = routes["V1"]
        assert v1[0].kind == "start" and v1[-1].kind == "end"
        assert all(
            s.order_id is not None and s.client_id is not None for s in v1 if s.kind == "job"
        )


def test_json_export_uses_external_ids_and_local_clock_times(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town = _town(session)
        version = _plan(session, town)
        assert town.id is not None
        data = version_to_dict(town.id, version, session=session)
        assert {r["vehicle"] for r in data["routes"]} == {"V1", "V2"}
        steps = [s for r in data["routes"] for s in r["steps"]]
        job = next(s for s in steps if s["type"] == "job")
        assert job["id"].startswith(("a", "b"))
        assert job["eta"] == f"{job['arrival'] // 3600:02d}:{job['arrival'] % 3600 // 60:02d}"
        assert data["summary"]["unassigned"] == 0 and data["plan"]["version"] == 1


def test_unassigned_are_explained_in_words(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town = _town(session)
        k3 = meal_town.kitchen(session, town, "K3", name="Kitchen Shipka")  # has no van
        meal_town.client(session, town, k3, "lonely")
        k1 = session.exec(select(Kitchen).where(Kitchen.external_id == "K1")).one()
        meal_town.client(
            session, town, k1, "early", window_start=time(8, 0), window_end=time(8, 30)
        )
        version = _plan(session, town)
        assert town.id is not None and version.id is not None
        found = {u.job_id: u for u in unassigned_of(town.id, version.id, session=session)}
        assert set(found) == {"lonely", "early"}
        assert found["lonely"].reason == "no_vehicle"
        assert "Kitchen Shipka has no van" in found["lonely"].explanation
        assert found["early"].reason in {"time_window", "shift"}
        assert "08:00-08:30" in found["early"].explanation
        assert version.summary["unassigned"] == 2


def test_plan_needs_a_frozen_day(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town = _town(session)
        assert town.id is not None
        with pytest.raises(InvalidInputError, match="day: meals for 2025-06-03 are not frozen"):
            plan_day(town.id, DAY, "meals", session=session)


def test_replan_keeps_pinned_stops_and_reports_moves(engine: Engine) -> None:
    with Session(engine) as session:
        town = _town(session)
        first = _plan(session, town)
        assert town.id is not None and first.id is not None
        plan = session.exec(select(Plan)).one()
        plan.published_version = 1  # the dispatcher published; the vans have loaded
        old = {r.resource: stops for r, stops in routes_of(town.id, first.id, session=session)}
        start = old["V1"][0]
        first_trip = [s.job_id for s in old["V1"] if s.kind == "job" and s.trip == 1]
        delivered = next(s for s in old["V1"] if s.kind == "job")
        delivered.status = StopStatus.delivered
        delivered.confirmed_at = datetime(2025, 6, 3, 9, 0, tzinfo=UTC)
        session.add_all([plan, delivered])
        # A late, forced cancellation of a V2 client after the vans left.
        midnight = datetime.combine(DAY, time(0, 0), tzinfo=ZoneInfo("Europe/Sofia"))
        now = midnight + timedelta(seconds=start.departure_s + 3600)  # an hour after V1 left
        b0 = session.exec(select(Client).where(Client.external_id == "b0")).one()
        assert b0.id is not None
        cancel_order(
            town.id,
            b0.id,
            DAY,
            session=session,
            by=Actor("maria", Role.dispatcher, force=True, now=now),
        )
        second = plan_day(
            town.id,
            DAY,
            "meals",
            session=session,
            time_limit=LIMIT,
            now=now,
            reason="late cancellation",
        )
        session.commit()
        assert second.id is not None and second.version == 2
        new = {r.resource: stops for r, stops in routes_of(town.id, second.id, session=session)}
        new_jobs = [s.job_id for s in new["V1"] if s.kind == "job"]
        assert new_jobs[: len(first_trip)] == first_trip  # the loaded trip stays as it was
        kept = next(s for s in new["V1"] if s.job_id == delivered.job_id)
        assert kept.status == StopStatus.delivered and kept.confirmed_at is not None
        assert "b0" not in {s.job_id for stops in new.values() for s in stops}
        assert second.summary["pinned"] >= len(first_trip)
        assert second.summary["removed"] == 1 and second.moved_stops == second.summary["moved"]


def test_count_moves_counts_van_changes_and_reorders_not_insertions() -> None:
    old = {"V1": [("a", 1), ("b", 1), ("c", 1), ("d", 1)], "V2": [("x", 1)]}
    new = {"V1": [("new", 1), ("a", 1), ("c", 1), ("b", 1)], "V2": [("x", 1), ("d", 1)]}
    moves = count_moves(old, new)
    # d changed van; one of b/c is out of order; "new" is added, nothing removed.
    assert (moves.moved, moves.added, moves.removed) == (2, 1, 0)
    assert "d" in moves.moved_jobs
    same = count_moves(old, old)
    assert (same.moved, same.added, same.removed) == (0, 0, 0)
    retrip = count_moves({"V1": [("a", 1), ("b", 1)]}, {"V1": [("a", 1), ("b", 2)]})
    assert retrip.moved_jobs == ("b",)  # moved to the second trip


def test_stop_rows_of_a_version_are_only_its_own(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town = _town(session)
        first = _plan(session, town)
        second = plan_day(town.id or 0, DAY, "meals", session=session, time_limit=LIMIT)
        stops = session.exec(select(Stop)).all()
        assert first.version == 1 and second.version == 2
        per_version = {
            v.id: sum(len(s) for _, s in routes_of(town.id or 0, v.id or 0, session=session))
            for v in (first, second)
        }
        assert sum(per_version.values()) == len(stops)


def test_a_late_order_waits_for_the_next_trip_of_a_van_on_the_road(engine: Engine) -> None:
    with Session(engine) as session:
        town = _town(session)
        first = _plan(session, town, now=datetime(2025, 6, 2, 12, 0, tzinfo=UTC))
        assert town.id is not None and first.id is not None
        session.exec(select(Plan)).one().published_version = 1
        old = {r.resource: stops for r, stops in routes_of(town.id, first.id, session=session)}
        loaded = [s.job_id for s in old["V1"] if s.kind == "job"]
        back = old["V1"][-1].arrival_s
        midnight = datetime.combine(DAY, time(0, 0), tzinfo=ZoneInfo("Europe/Sofia"))
        now = midnight + timedelta(seconds=old["V1"][0].departure_s + 60)  # V1 just left
        k1 = session.exec(select(Kitchen).where(Kitchen.external_id == "K1")).one()
        late = meal_town.client(session, town, k1, "late", weekdays=None, offset=(0.0, 0.004))
        assert late.id is not None
        place_order(
            town.id,
            late.id,
            DAY,
            session=session,
            by=Actor("maria", Role.dispatcher, force=True, now=now),
        )
        second = plan_day(town.id, DAY, "meals", session=session, time_limit=LIMIT, now=now)
        assert second.id is not None
        new = {r.resource: stops for r, stops in routes_of(town.id, second.id, session=session)}
        trip_of = {s.job_id: s.trip for s in new["V1"] if s.kind == "job"}
        assert [j for j in trip_of if trip_of[j] == 1] == loaded  # the loaded trip is untouched
        assert trip_of["late"] == 2  # its meal was never loaded: it leaves on the next trip
        reload = next(s for s in new["V1"] if s.kind == "reload")
        assert reload.departure_s >= back  # not before the van is back at the kitchen
        assert (second.moved_stops, second.summary["added"]) == (0, 1)
        assert second.summary["pinned"] == len(loaded)


def test_no_van_leaves_before_the_present_moment(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town = _town(session)
        midnight = datetime.combine(DAY, time(0, 0), tzinfo=ZoneInfo("Europe/Sofia"))
        version = _plan(session, town, now=midnight + timedelta(hours=11, minutes=30))
        assert town.id is not None and version.id is not None
        routes = routes_of(town.id, version.id, session=session)
        assert routes and all(route.start_s >= 11 * 3600 + 30 * 60 for route, _ in routes)


def test_a_van_is_one_vehicle_with_its_trips_and_a_trips_load() -> None:
    """The solver places the reloads: one vehicle per van, its whole shift, max_trips kept."""
    kitchen = Kitchen(
        municipality_id=1, external_id="K1", name="K", lon=25.4, lat=42.6, hot_meal_minutes=90
    )
    van = Vehicle(
        municipality_id=1,
        kitchen_id=1,
        external_id="V1",
        name="Van",
        max_trips=3,
        capacity_portions=40,
        capacity_boxes=5,
        shift_start=time(10, 30),
        shift_end=time(14, 30),
    )
    whole = van_vehicle(van, kitchen)
    assert (whole.id, whole.time_window, whole.max_trips) == ("V1", (37800, 52200), 3)
    assert whole.reload_time == RELOAD_SECONDS and whole.capacity == (40,)
    van.max_trips = 1
    assert van_vehicle(van, kitchen).reload_time == 0


def test_a_cancellation_before_the_vans_leave_moves_almost_nothing(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town = _town(session)
        before = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
        first = _plan(session, town, now=before)
        assert town.id is not None and first.id is not None
        gone = session.exec(select(Client).where(Client.external_id == "a2")).one()
        assert gone.id is not None
        cancel_order(town.id, gone.id, DAY, session=session, by=Actor("ana", now=before))
        second = plan_day(town.id, DAY, "meals", session=session, time_limit=LIMIT, now=before)
        assert second.summary["removed"] == 1 and second.summary["pinned"] == 0
        assert second.moved_stops <= 1  # each stop prefers its van and trip; order is seeded
