"""A dispatcher's pins on a realistic meal day: the re-plan keeps each pinned stop on its van
and in the pinned order, and a pin that cannot hold is reported in words."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.db import make_engine
from scheduler.lab.demo import DemoRun, setup_steps
from scheduler.lab.meal_demo import freeze_step, next_working_day, orders_step
from scheduler.lab.synthetic import TownSize
from scheduler.models import PlanVersion, Vehicle
from scheduler.planning import plan_day
from scheduler.planning.pins import pin_report
from scheduler.repositories.pins import pin_client, unpin
from scheduler.repositories.plans import routes_of

# Sixty clients of one kitchen and three vans: a small town's day, solved in seconds.
SIZE = TownSize(clients=60, vans=3, kitchens=1, caregivers=2, visits=0)
LIMIT = 3.0
# The day the demo's town is imported and planned: its next working day is Monday 9 March.
TODAY = date(2026, 3, 6)
NOW = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Day:
    engine: Engine
    municipality_id: int
    day: date


@pytest.fixture
def meal_day(sqlite_url: str, tmp_path: Path) -> Iterator[Day]:
    run = DemoRun(
        database_url=sqlite_url, folder=tmp_path / "files", seed=3, size=SIZE, today=TODAY
    )
    for step in setup_steps()[:-1]:
        step.run(run)
    orders_step(run)
    freeze_step(run)
    engine = make_engine(sqlite_url)
    mid = run.require_municipality()
    with Session(engine) as session:
        day = next_working_day(session, mid, TODAY)
    yield Day(engine, mid, day)
    engine.dispose()


def _plan(d: Day, session: Session) -> PlanVersion:
    version = plan_day(
        d.municipality_id, d.day, "meals", session=session, time_limit=LIMIT, now=NOW
    )
    session.commit()
    return version


def _clients_by_van(d: Day, version: PlanVersion, session: Session) -> dict[int, list[int]]:
    assert version.id is not None
    routes = routes_of(d.municipality_id, version.id, session=session)
    return {
        route.vehicle_id or 0: [s.client_id for s in stops if s.kind == "job" and s.client_id]
        for route, stops in routes
    }


def _pin(d: Day, session: Session, client: int, van: int, position: int) -> int:
    pin = pin_client(d.municipality_id, d.day, "meals", client_id=client, vehicle_id=van,
                     position=position, by="user:disp", session=session)  # fmt: skip
    assert pin.id is not None
    return pin.id


def test_a_replan_keeps_pinned_stops_on_their_van_in_the_pinned_order(meal_day: Day) -> None:
    d = meal_day
    with Session(d.engine) as session:
        first = _clients_by_van(d, _plan(d, session), session)
        (_, on_a), (b, on_b) = sorted(first.items(), key=lambda kv: -len(kv[1]))[:2]
        # B's last stop first, one of A's stops next, B's first stop third: the reverse of
        # what the solver chose for B, and a stop it had given to another van.
        wanted = [on_b[-1], on_a[0], on_b[0]]
        for place, client in enumerate(wanted, start=1):
            _pin(d, session, client, b, place)
        session.commit()
        waiting = pin_report(d.municipality_id, d.day, "meals", None, session=session)
        assert [s.holds for s in waiting] == [None, None, None]

        version = _plan(d, session)
        second = _clients_by_van(d, version, session)
        assert [c for c in second[b] if c in wanted] == wanted
        assert not set(wanted) & {c for van, cs in second.items() if van != b for c in cs}
        report = pin_report(d.municipality_id, d.day, "meals", version, session=session)
        assert [s.holds for s in report] == [True, True, True], [s.note for s in report]
        assert [s.pin.client_id for s in report] == wanted
        served = sum(len(cs) for cs in second.values())
        assert served >= sum(len(cs) for cs in first.values()) - 2  # the rest still fits


def test_a_pin_to_a_van_out_of_service_is_reported_and_the_stop_still_served(
    meal_day: Day,
) -> None:
    d = meal_day
    with Session(d.engine) as session:
        first = _clients_by_van(d, _plan(d, session), session)
        (_, on_a), (b, _on_b) = sorted(first.items(), key=lambda kv: -len(kv[1]))[:2]
        moved = on_a[0]
        _pin(d, session, moved, b, 1)
        van = session.get(Vehicle, b)
        assert van is not None
        van.active = False  # the van broke down after the dispatcher pinned to it
        session.add(van)
        session.commit()
        version = _plan(d, session)
        second = _clients_by_van(d, version, session)
        assert b not in second
        assert any(moved in cs for cs in second.values())
        (state,) = pin_report(d.municipality_id, d.day, "meals", version, session=session)
        assert state.holds is False and "out of service" in state.note


def test_pinning_again_moves_the_pin_and_a_later_pin_goes_before_at_its_place(
    meal_day: Day,
) -> None:
    d = meal_day
    with Session(d.engine) as session:
        vans = session.exec(select(Vehicle).where(Vehicle.municipality_id == d.municipality_id))
        v1, v2 = [v.id or 0 for v in vans][:2]
        first = _clients_by_van(d, _plan(d, session), session)
        c1, c2, c3 = [c for cs in first.values() for c in cs][:3]
        _pin(d, session, c1, v1, 1)
        _pin(d, session, c2, v1, 2)
        _pin(d, session, c3, v1, 1)  # goes first; the others move down one
        _pin(d, session, c2, v2, 4)  # pinned again: moves to the other van
        report = pin_report(d.municipality_id, d.day, "meals", None, session=session)
        placed = [(s.pin.client_id, s.pin.vehicle_id, s.pin.position) for s in report]
        assert sorted(placed) == sorted([(c3, v1, 1), (c1, v1, 2), (c2, v2, 4)])
        unpin(d.municipality_id, report[0].pin.id or 0, session=session)
        left = pin_report(d.municipality_id, d.day, "meals", None, session=session)
        assert len(left) == 2
