"""Fairness between caregivers' days: the municipality's weight reaches the planner, and the
board's longest and shortest working day show what it did.

Four half-hour visits in a cluster 1.7 km east of the centre, where both caregivers start: one
trip there is the least time in all, so with no weight one caregiver does all four; with weight
1 every second of the longer day costs as much again, and each does two.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.errors import InvalidInputError
from scheduler.intake.cutoff import freeze_day
from scheduler.intake.rules import set_care_balance_weight
from scheduler.models import AuditEntry, Municipality, Service
from scheduler.planning import plan_day
from scheduler.views.workload import care_workload
from tests.scheduler import care_town

DAY = date(2025, 6, 3)  # a Tuesday
NIGHT_BEFORE = datetime(2025, 6, 2, 18, 0, tzinfo=UTC)
LIMIT = 2.0


def _town(session: Session) -> Municipality:
    town = care_town.town(session)
    for k, dy in enumerate((0.0, 0.0005, 0.001, 0.0015)):
        who = care_town.client(session, town, f"c{k}", (0.02, dy))
        care_town.plan(session, town, f"V{k}", who, (time(8), time(15)), skills=["household"])
    care_town.caregiver(session, town, "G1")
    care_town.caregiver(session, town, "G2")
    return town


def _planned_with(engine: Engine, weight: int) -> tuple[int, int, int]:
    """(caregivers with visits, longest minutes, shortest minutes) of the day planned."""
    with Session(engine) as session:
        town = _town(session)
        mid = town.id or 0
        set_care_balance_weight(mid, weight, session=session, actor="test")
        freeze_day(mid, DAY, Service.care, session=session)
        plan_day(mid, DAY, Service.care, session=session, time_limit=LIMIT, now=NIGHT_BEFORE)
        session.commit()
        shown = care_workload(mid, DAY, session=session)
    assert shown is not None
    return shown.caregivers, shown.longest.minutes, shown.shortest.minutes


def test_without_a_weight_one_caregiver_does_the_cluster(sqlite_engine: Engine) -> None:
    working, longest, shortest = _planned_with(sqlite_engine, 0)
    assert working == 1
    assert longest == shortest >= 4 * 30


def test_a_weight_shares_the_cluster_and_shortens_the_longest_day(engine: Engine) -> None:
    working, longest, shortest = _planned_with(engine, 1)
    assert working == 2
    assert longest < 4 * 30  # two visits and the trip each, not four
    assert longest - shortest <= 10


def test_a_weight_out_of_range_names_the_field_and_changes_nothing(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town = _town(session)
        mid = town.id or 0
        set_care_balance_weight(mid, 3, session=session, actor="dispatcher")
        with pytest.raises(InvalidInputError) as raised:
            set_care_balance_weight(mid, 101, session=session, actor="dispatcher")
        assert [p.field for p in raised.value.problems] == ["care_balance_weight"]
        assert town.care_balance_weight == 3
        entries = session.exec(select(AuditEntry).where(AuditEntry.municipality_id == mid)).all()
        assert [e.detail for e in entries] == [{"care_balance_weight": [0, 3]}]


def test_no_plan_no_workload(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town = _town(session)
        assert care_workload(town.id or 0, DAY, session=session) is None
