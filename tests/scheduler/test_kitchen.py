"""Kitchen counts equal the frozen orders, diet by diet; waves, packing lists, CSV and pages."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.errors import InvalidInputError
from scheduler.intake.cutoff import freeze_day, frozen_orders
from scheduler.intake.orders import Actor, place_order
from scheduler.models import Client, DayFreeze, Diet, Municipality, PlanVersion, Role, Visit
from scheduler.planning import plan_day
from scheduler.reports.kitchen import KitchenDay, kitchen_day
from scheduler.reports.kitchen_sheets import kitchen_csv, kitchen_html
from scheduler.repositories.plans import routes_of
from tests.scheduler import meal_town

DAY = date(2025, 6, 3)
DIETS = (Diet.general, Diet.diabetic, Diet.low_salt, Diet.soft)


def _town(session: Session) -> Municipality:
    """K1: one van of 6 portions that must make two trips; K2: one van; K3: no van."""
    town = meal_town.town(session)
    k1 = meal_town.kitchen(session, town, "K1", spare_portions=2, portions_per_box=4)
    k2 = meal_town.kitchen(session, town, "K2", lon=meal_town.CENTRE[0] + 0.05)
    k3 = meal_town.kitchen(session, town, "K3", lon=meal_town.CENTRE[0] - 0.05)
    meal_town.van(session, town, k1, "V1", capacity_portions=6, max_trips=3)
    meal_town.van(session, town, k2, "V2")
    for i in range(8):
        meal_town.client(
            session,
            town,
            k1,
            f"a{i}",
            offset=(0.003 * i - 0.01, 0.003),
            diet=DIETS[i % 4],
            portions=1 + (i == 3),
        )
    for i in range(3):
        meal_town.client(session, town, k2, f"b{i}", offset=(0.05, 0.002 * i), diet=Diet.soft)
    meal_town.client(session, town, k3, "c0", diet=Diet.pureed)  # no van: unrouted
    canteen = meal_town.point(session, town, k1)
    for i in range(3):
        meal_town.client(session, town, k1, f"p{i}", point=canteen, diet=DIETS[i])
    return town


def _day(session: Session, town: Municipality) -> KitchenDay:
    assert town.id is not None
    in_time = Actor("ana", Role.dispatcher, now=datetime(2025, 6, 1, 8, 0, tzinfo=UTC))
    a0 = session.exec(select(Client).where(Client.external_id == "a0")).one()
    assert a0.id is not None
    place_order(town.id, a0.id, DAY, session=session, by=in_time, diet=Diet.vegetarian)
    a6 = session.exec(select(Client).where(Client.external_id == "a6")).one()
    assert a6.id is not None
    session.add(
        Visit(
            municipality_id=town.id,
            external_id="visit-a6",
            client_id=a6.id,
            day=DAY,
            window_start=time(11, 0),
            window_end=time(13, 0),
            duration_min=30,
            carries_meal=True,
        )
    )
    freeze_day(town.id, DAY, "meals", session=session)
    plan_day(
        town.id,
        DAY,
        "meals",
        session=session,
        time_limit=1.0,
        now=datetime(2025, 6, 2, 12, 0, tzinfo=UTC),
    )
    return kitchen_day(town.id, DAY, session=session)


def _sum(counts: list[dict[str, int]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for c in counts:
        total.update(c)
    return total


def test_counts_equal_the_frozen_orders_diet_by_diet(engine: Engine) -> None:
    with Session(engine) as session:
        town = _town(session)
        day = _day(session, town)
        assert town.id is not None
        frozen: Counter[str] = Counter()
        freeze = session.exec(select(DayFreeze)).one()
        for row in frozen_orders(town.id, freeze.id or 0, session=session):
            frozen[str(row.diet)] += row.portions
        assert _sum([k.portions for k in day.kitchens]) == frozen
        for k in day.kitchens:  # every ordered portion leaves on a van, at a point, or is flagged
            waves = _sum([w.portions for w in k.waves])
            points = _sum([p.portions for p in day.points if p.kitchen == k.kitchen])
            rest = Counter(k.unrouted) + Counter(k.on_visits)
            assert waves + points + rest == Counter(k.portions), k.kitchen
        k1 = next(k for k in day.kitchens if k.kitchen == "K1")
        assert k1.spare == dict.fromkeys(k1.portions, 2)
        assert k1.cook == {d: n + 2 for d, n in k1.portions.items()}
        assert k1.portions["vegetarian"] == 1  # the one-off order on top of a0's subscription
        k3 = next(k for k in day.kitchens if k.kitchen == "K3")
        assert k3.unrouted == {"pureed": 1} and k3.waves == []
        assert k1.on_visits == {"low_salt": 1}  # a6's lunch goes with the caregiver
        assert [(p.point, p.portions) for p in day.points] == [
            ("P1", {"diabetic": 1, "general": 1, "low_salt": 1})
        ]


def test_packing_follows_the_stops_and_fills_boxes(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town = _town(session)
        day = _day(session, town)
        assert town.id is not None
        k1 = next(k for k in day.kitchens if k.kitchen == "K1")
        loads = [v for w in k1.waves for v in w.vans]
        trips = [v.trip for v in loads]
        assert len(set(trips)) == len(trips) and min(trips) >= 1  # one load per trip
        assert len(loads) >= 2  # 10 portions, 6 a trip
        assert [w.departure for w in k1.waves] == sorted(w.departure for w in k1.waves)
        version = session.exec(select(PlanVersion)).one()
        route = next(
            st
            for r, st in routes_of(town.id, version.id or 0, session=session)
            if r.resource == "V1"
        )
        order = [s.job_id for s in route if s.kind == "job"]
        packed = [line.client_id for v in loads for line in v.lines]
        assert list(dict.fromkeys(packed)) == order
        for v in loads:
            total = sum(line.portions for line in v.lines)
            assert v.boxes == -(-total // 4) and total <= 6
            assert v.lines[0].box == "1"
        a0 = [line for v in loads for line in v.lines if line.client_id == "a0"]
        assert {line.diet for line in a0} == {"general", "vegetarian"}
        assert "Client a0" in a0[0].label and "x 1" in a0[0].label


def test_csv_and_printed_pages_agree_with_the_counts(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town = _town(session)
        day = _day(session, town)
        rows = list(csv.DictReader(io.StringIO(kitchen_csv(day))))
        by_kind: Counter[str] = Counter()
        for row in rows:
            by_kind[row["kind"]] += int(row["portions"])
        cooked = sum(sum(k.cook.values()) for k in day.kitchens)
        waves = sum(sum(w.portions.values()) for k in day.kitchens for w in k.waves)
        assert by_kind["cook"] == cooked and by_kind["delivery"] == waves
        assert by_kind["point"] == 3 and by_kind["unrouted"] == 1
        page = kitchen_html(day)
        lines = sum(len(v.lines) for k in day.kitchens for w in k.waves for v in w.vans)
        assert page.count('class="label"') == lines
        assert "@page" in page and "Van V1" in page and "Пасирана" in page


def test_kitchen_sheets_need_a_frozen_day(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town = _town(session)
        assert town.id is not None
        with pytest.raises(InvalidInputError, match="day: meals for 2025-06-03 are not frozen"):
            kitchen_day(town.id, DAY, session=session)
