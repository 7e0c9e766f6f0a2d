"""A dispatcher's pins of home-care visits: a caregiver, and a time when asked.

The town: clients a and b a few hundred metres from the centre, where G1 and G2 start by car.
WASH (a, 08:00-12:00, 30 min) prefers G1, so with no pin G1 makes it at 08:00-ish; pinned to
G2 at 10:00, G2 makes it at 10:00. LIFT (b, 09:00-11:00) needs two people. Every case can be
followed by hand; the plan itself is the real solver's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.errors import InvalidInputError
from scheduler.intake.availability import add_absence
from scheduler.intake.cutoff import freeze_day
from scheduler.intake.orders import Actor
from scheduler.intake.visit_requests import find_visit
from scheduler.models import AbsenceKind, Caregiver, Municipality, Role, Service
from scheduler.planning import plan_day
from scheduler.planning.visit_pins import VisitPinState, visit_pin_report
from scheduler.repositories.plans import latest_version, routes_of
from scheduler.repositories.visit_pins import pin_visit, unpin_visit
from tests.scheduler import care_town

DAY = date(2025, 6, 3)  # a Tuesday
NIGHT_BEFORE = datetime(2025, 6, 2, 18, 0, tzinfo=UTC)
LIMIT = 2.0


def _town(session: Session) -> tuple[Municipality, Caregiver, Caregiver]:
    town = care_town.town(session)
    a = care_town.client(session, town, "a", (0.003, 0.002))
    b = care_town.client(session, town, "b", (-0.004, 0.001))
    g1 = care_town.caregiver(session, town, "G1")
    g2 = care_town.caregiver(session, town, "G2")
    care_town.plan(session, town, "WASH", a, (time(8), time(12)), skills=["personal_care"],
                   preferred_caregivers=["G1"])  # fmt: skip
    care_town.plan(session, town, "LIFT", b, (time(9), time(11)), duration=45,
                   skills=["personal_care"], caregivers_needed=2)  # fmt: skip
    return town, g1, g2


def _pin(session: Session, town: Municipality, visit: str, who: Caregiver, at: time | None) -> int:
    row = find_visit(town.id or 0, visit, DAY, session=session)
    pin = pin_visit(town.id or 0, DAY, visit_id=row.id or 0, caregiver_id=who.id or 0, start=at,
                    by="dispatcher", session=session)  # fmt: skip
    return pin.id or 0


def _planned(session: Session, town: Municipality) -> dict[str, list[tuple[str, int]]]:
    """Visit external id -> [(caregiver external id, start second)] of the plan made now."""
    mid = town.id or 0
    freeze_day(mid, DAY, Service.care, session=session)
    plan_day(mid, DAY, Service.care, session=session, time_limit=LIMIT, now=NIGHT_BEFORE)
    version = latest_version(mid, DAY, Service.care, session=session)
    assert version is not None and version.id is not None
    made: dict[str, list[tuple[str, int]]] = {}
    for route, stops in routes_of(mid, version.id, session=session):
        for stop in stops:
            if stop.kind == "job" and stop.job_id:
                made.setdefault(stop.job_id.split("#")[0], []).append(
                    (route.resource, stop.start_s)
                )
    return made


def _report(session: Session, town: Municipality) -> list[VisitPinState]:
    version = latest_version(town.id or 0, DAY, Service.care, session=session)
    return visit_pin_report(town.id or 0, DAY, version, session=session)


def test_with_no_pin_the_preferred_caregiver_makes_the_visit(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, _, _ = _town(session)
        assert [who for who, _ in _planned(session, town)["WASH"]] == ["G1"]


def test_a_pinned_caregiver_and_time_hold_and_the_board_says_so(engine: Engine) -> None:
    with Session(engine) as session:
        town, _, g2 = _town(session)
        _pin(session, town, "WASH", g2, time(10))
        assert [s.holds for s in _report(session, town)] == [None]  # no plan has seen it yet
        assert _planned(session, town)["WASH"] == [("G2", 10 * 3600)]
        (state,) = _report(session, town)
        assert (state.holds, state.note) == (True, "Holds: Carer G2 at 10:00.")


def test_a_two_person_visit_takes_both_pinned_caregivers(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, g1, g2 = _town(session)
        _pin(session, town, "LIFT", g1, None)
        _pin(session, town, "LIFT", g2, time(10, 15))
        lift = _planned(session, town)["LIFT"]
        assert sorted(lift) == [("G1", 10 * 3600 + 900), ("G2", 10 * 3600 + 900)]
        assert [s.holds for s in _report(session, town)] == [True, True]


def test_a_pin_on_a_caregiver_off_that_day_is_reported_and_the_visit_still_made(
    sqlite_engine: Engine,
) -> None:
    with Session(sqlite_engine) as session:
        town, _, g2 = _town(session)
        add_absence(town.id or 0, g2.id or 0, DAY, DAY, AbsenceKind.holiday, session=session,
                    by=Actor("test", Role.dispatcher))  # fmt: skip
        _pin(session, town, "WASH", g2, None)
        assert [who for who, _ in _planned(session, town)["WASH"]] == ["G1"]
        (state,) = _report(session, town)
        assert state.holds is False and state.note.startswith("Carer G2 ")
        assert "pin another caregiver or remove the pin" in state.note


def test_wrong_pins_name_the_field_and_write_nothing(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, g1, g2 = _town(session)
        g3 = care_town.caregiver(session, town, "G3")
        with pytest.raises(InvalidInputError) as early:
            _pin(session, town, "WASH", g1, time(7, 30))
        assert [p.field for p in early.value.problems] == ["start"]
        _pin(session, town, "LIFT", g1, None)
        _pin(session, town, "LIFT", g2, None)
        with pytest.raises(InvalidInputError) as third:
            _pin(session, town, "LIFT", g3, None)
        assert [p.field for p in third.value.problems] == ["caregiver_id"]
        assert [s.caregiver for s in _report(session, town)] == ["Carer G1", "Carer G2"]


def test_pinning_a_single_visit_again_moves_the_pin_and_unpin_frees_it(
    sqlite_engine: Engine,
) -> None:
    with Session(sqlite_engine) as session:
        town, g1, g2 = _town(session)
        _pin(session, town, "WASH", g1, None)
        moved = _pin(session, town, "WASH", g2, time(9))
        assert [(s.caregiver, s.pin.start) for s in _report(session, town)] == [
            ("Carer G2", time(9))
        ]
        unpin_visit(town.id or 0, moved, session=session)
        assert _report(session, town) == []
