"""Drivers' absences: recorded once, never overlapping; a van whose only driver is away serves
nothing that day, its stops go to the other van or are left out saying why, and a re-plan
after the absence is recorded (or removed) follows it."""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.errors import InvalidInputError, NotFoundError
from scheduler.intake.cutoff import freeze_day
from scheduler.intake.day_changes import Actor
from scheduler.intake.driver_absences import (
    record_driver_absence,
    remove_driver_absence,
    vans_without_driver,
)
from scheduler.models import (
    AbsenceKind,
    AuditEntry,
    Driver,
    Event,
    EventKind,
    Municipality,
    Outbox,
    Role,
    Service,
    Vehicle,
)
from scheduler.planning import plan_day
from scheduler.planning.explain import NO_DRIVER
from scheduler.planning.runs import run_plan
from scheduler.repositories.plans import routes_of, unassigned_of
from scheduler.wording import Said
from tests.scheduler import meal_town

DAY = date(2025, 6, 3)  # a Tuesday
LIMIT = 1.0
SOFIA = ZoneInfo("Europe/Sofia")
OFFICE = Actor("maria", Role.dispatcher)


def _driver(session: Session, town: Municipality, ext: str, name: str, van: Vehicle) -> Driver:
    assert town.id is not None
    row = Driver(municipality_id=town.id, external_id=ext, name=name, vehicle_id=van.id)
    session.add(row)
    session.flush()
    return row


def _town(session: Session) -> tuple[Municipality, Vehicle, Vehicle, Driver]:
    """One kitchen; V1 (Petko's, 6 portions) and V2 (Ivan's, one trip of 4); nine clients, so
    both vans are needed and V2 alone leaves five out."""
    town = meal_town.town(session)
    k1 = meal_town.kitchen(session, town, "K1")
    v1 = meal_town.van(session, town, k1, "V1", capacity_portions=6)
    v2 = meal_town.van(session, town, k1, "V2", capacity_portions=4)
    petko = _driver(session, town, "D1", "Petko", v1)
    _driver(session, town, "D2", "Ivan", v2)
    for i in range(9):
        meal_town.client(session, town, k1, f"c{i}", offset=(0.003 * (i - 4), 0.002 * (i % 3)))
    return town, v1, v2, petko


def _jobs(session: Session, mid: int, version_id: int | None) -> dict[str, set[str]]:
    assert version_id is not None
    routes = routes_of(mid, version_id, session=session)
    return {r.resource: {s.job_id or "" for s in stops if s.kind == "job"} for r, stops in routes}


def test_an_overlapping_absence_is_refused_and_the_same_one_kept_once(engine: Engine) -> None:
    with Session(engine) as session:
        town, _, _, petko = _town(session)
        other = meal_town.town(session, "Maribor")
        assert town.id is not None and petko.id is not None and other.id is not None
        first = record_driver_absence(town.id, petko.id, DAY, DAY + timedelta(days=4),
                                      AbsenceKind.holiday, session=session, by=OFFICE,
                                      note="sea")  # fmt: skip
        again = record_driver_absence(town.id, petko.id, DAY, DAY + timedelta(days=4),
                                      AbsenceKind.holiday, session=session, by=OFFICE)  # fmt: skip
        assert again.id == first.id and first.note == "sea"
        with pytest.raises(InvalidInputError) as overlap:
            record_driver_absence(town.id, petko.id, DAY + timedelta(days=4),
                                  DAY + timedelta(days=6), AbsenceKind.sick, session=session,
                                  by=OFFICE)  # fmt: skip
        assert [p.field for p in overlap.value.problems] == ["first_day"]
        with pytest.raises(InvalidInputError) as backwards:
            record_driver_absence(town.id, petko.id, DAY, DAY - timedelta(days=1),
                                  AbsenceKind.day_off, session=session, by=OFFICE)  # fmt: skip
        assert [p.field for p in backwards.value.problems] == ["last_day"]
        with pytest.raises(NotFoundError):  # a driver of another town is nobody here
            record_driver_absence(other.id, petko.id, DAY, DAY, AbsenceKind.day_off,
                                  session=session, by=OFFICE)  # fmt: skip
        later = record_driver_absence(town.id, petko.id, DAY + timedelta(days=5),
                                      DAY + timedelta(days=5), AbsenceKind.day_off,
                                      session=session, by=OFFICE)  # fmt: skip
        audits = session.exec(select(AuditEntry).where(AuditEntry.entity == "driver_absence"))
        assert sorted((a.action, a.entity_id) for a in audits) == sorted(
            [("create", str(first.id)), ("create", str(later.id))]
        )
        assert later.id is not None
        with pytest.raises(NotFoundError):
            remove_driver_absence(other.id, later.id, session=session, by=OFFICE)
        remove_driver_absence(town.id, later.id, session=session, by=OFFICE)
        kinds = [e.kind for e in session.exec(select(Event).order_by(Event.id))]  # type: ignore[arg-type]
        assert kinds == [EventKind.driver_absent] * 2 + [EventKind.driver_back]


def test_a_van_is_without_driver_only_when_all_its_drivers_are_away(engine: Engine) -> None:
    with Session(engine) as session:
        town, v1, _, petko = _town(session)
        assert town.id is not None and petko.id is not None
        spare = _driver(session, town, "D3", "Stoyan", v1)
        assert spare.id is not None
        record_driver_absence(town.id, petko.id, DAY, DAY, AbsenceKind.sick, session=session,
                              by=OFFICE)  # fmt: skip
        assert vans_without_driver(town.id, DAY, session=session) == {}  # Stoyan drives
        record_driver_absence(town.id, spare.id, DAY, DAY + timedelta(days=1),
                              AbsenceKind.day_off, session=session, by=OFFICE)  # fmt: skip
        idle = vans_without_driver(town.id, DAY, session=session)
        assert list(idle) == ["V1"] and set(idle["V1"].drivers) == {"Petko", "Stoyan"}
        assert vans_without_driver(town.id, DAY + timedelta(days=1), session=session) == {}
        assert vans_without_driver(town.id, DAY - timedelta(days=1), session=session) == {}


def test_the_van_of_an_absent_driver_gets_no_stops_and_the_reasons_say_why(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        town, _, _, petko = _town(session)
        assert town.id is not None and petko.id is not None
        record_driver_absence(town.id, petko.id, DAY, DAY, AbsenceKind.sick, session=session,
                              by=OFFICE)  # fmt: skip
        freeze_day(town.id, DAY, Service.meals, session=session)
        version = plan_day(town.id, DAY, Service.meals, session=session, time_limit=LIMIT)
        jobs = _jobs(session, town.id, version.id)
        assert not jobs.get("V1") and 0 < len(jobs["V2"]) <= 4
        assert version.id is not None
        left = unassigned_of(town.id, version.id, session=session)
        assert {u.job_id for u in left} | jobs["V2"] == {f"c{i}" for i in range(9)}
        for row in left:
            assert row.explanation.startswith(
                "Van V1 has no driver this day (away: Petko) and no other van can take this stop:"
            ), row.explanation
            said = Said.from_json(row.detail or {})
            assert said is not None and said.parts[0][0] == NO_DRIVER


def test_a_replan_follows_an_absence_recorded_and_removed_after_the_first_plan(
    engine: Engine,
) -> None:
    now = datetime.combine(DAY, time(6, 0), tzinfo=SOFIA)
    planner = functools.partial(plan_day, now=now)
    with Session(engine) as session:
        town, _, _, petko = _town(session)
        assert town.id is not None and petko.id is not None
        freeze_day(town.id, DAY, Service.meals, session=session)
        first = plan_day(town.id, DAY, Service.meals, session=session, time_limit=LIMIT, now=now)
        assert _jobs(session, town.id, first.id)["V1"], "V1 should have stops before"
        absence = record_driver_absence(town.id, petko.id, DAY - timedelta(days=1), DAY,
                                        AbsenceKind.sick, session=session, by=OFFICE)  # fmt: skip
        asked = session.exec(select(Outbox).where(Outbox.task == "replan")).all()
        replans = [r.args for r in asked if r.args.get("reason") == EventKind.driver_absent]
        assert [r["day"] for r in replans] == [DAY.isoformat()]  # the frozen date only
        run = run_plan(session, town.id, DAY, Service.meals, planner=planner, time_limit=LIMIT,
                       replan_time_limit=LIMIT)  # fmt: skip
        assert run.outcome == "planned" and run.plan_version_id is not None
        assert not _jobs(session, town.id, run.plan_version_id).get("V1")
        left = unassigned_of(town.id, run.plan_version_id, session=session)
        assert left and all("no driver this day" in u.explanation for u in left)

        assert absence.id is not None
        remove_driver_absence(town.id, absence.id, session=session, by=OFFICE)
        back = run_plan(session, town.id, DAY, Service.meals, planner=planner, time_limit=LIMIT,
                        replan_time_limit=LIMIT)  # fmt: skip
        assert back.plan_version_id is not None
        assert _jobs(session, town.id, back.plan_version_id)["V1"]
