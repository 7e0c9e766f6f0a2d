"""Caregivers' days off, holidays and sick leave; a caregiver sick today re-plans the rest of
the day, keeping what was done or started and telling the dispatcher what moved where."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.errors import InvalidInputError
from scheduler.intake.attendance import Check, record_check
from scheduler.intake.availability import add_absence, availability, remove_absence, report_sick
from scheduler.intake.cutoff import freeze_day
from scheduler.intake.orders import Actor
from scheduler.intake.visit_requests import find_visit
from scheduler.models import AbsenceKind, Caregiver, Event, Municipality, Outbox, StopStatus
from scheduler.planning import plan_day
from scheduler.planning.care_changes import sick_report
from scheduler.repositories.plans import routes_of, unassigned_of
from tests.scheduler import care_town

DAY = date(2025, 6, 3)  # a Tuesday
SOFIA = ZoneInfo("Europe/Sofia")
OFFICE = Actor("office")
LIMIT = 2.0


def _at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SOFIA)


def _staff(session: Session) -> tuple[Municipality, dict[str, Caregiver]]:
    town = care_town.town(session)
    carers = {
        "G1": care_town.caregiver(session, town, "G1", skills=("nurse", "personal_care")),
        "G2": care_town.caregiver(session, town, "G2"),
        "G3": care_town.caregiver(session, town, "G3", weekdays="Mon,Wed,Fri"),
        "G4": care_town.caregiver(session, town, "G4"),
    }
    return town, carers


def test_weekdays_days_off_holidays_and_sick_leave_decide_who_works(engine: Engine) -> None:
    with Session(engine) as session:
        town, g = _staff(session)
        mid = town.id or 0
        add_absence(mid, g["G2"].id or 0, DAY, DAY + timedelta(days=4), AbsenceKind.holiday,
                    session=session, by=OFFICE)  # fmt: skip
        report_sick(mid, g["G4"].id or 0, DAY, session=session, by=OFFICE, from_time=time(10))
        found = {a.caregiver.external_id: a for a in availability(mid, DAY, session=session)}
        assert found["G1"].on_duty and found["G1"].why_not is None
        assert (found["G2"].on_duty, found["G2"].why_not) == (False, "on holiday")
        assert found["G3"].why_not == "does not work on Tuesdays"
        assert (found["G4"].on_duty, found["G4"].sick_from) == (False, time(10))
        assert found["G4"].why_not == "reported sick from 10:00"
        later = {a.caregiver.external_id: a for a in availability(mid, DAY + timedelta(days=7),
                                                                  session=session)}  # fmt: skip
        assert later["G2"].on_duty and later["G4"].on_duty
        session.commit()


def test_absence_records_are_checked_and_stored_once(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, g = _staff(session)
        mid, g1 = town.id or 0, g["G1"].id or 0
        with pytest.raises(InvalidInputError, match="end"):
            add_absence(mid, g1, DAY, DAY - timedelta(days=1), AbsenceKind.day_off,
                        session=session, by=OFFICE)  # fmt: skip
        with pytest.raises(InvalidInputError, match="from_time"):
            add_absence(mid, g1, DAY, DAY, AbsenceKind.day_off, session=session, by=OFFICE,
                        from_time=time(9))  # fmt: skip
        first = add_absence(mid, g1, DAY, DAY, AbsenceKind.day_off, session=session, by=OFFICE)
        again = add_absence(mid, g1, DAY, DAY, AbsenceKind.day_off, session=session, by=OFFICE)
        assert again.id == first.id
        with pytest.raises(InvalidInputError, match="already away"):
            add_absence(mid, g1, DAY - timedelta(days=1), DAY, AbsenceKind.sick,
                        session=session, by=OFFICE)  # fmt: skip
        remove_absence(mid, first.id or 0, session=session, by=OFFICE)
        assert all(a.on_duty for a in availability(mid, DAY, session=session)
                   if a.caregiver.external_id == "G1")  # fmt: skip


def test_sick_on_a_frozen_day_asks_for_a_replan(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, g = _staff(session)
        mid = town.id or 0
        report_sick(mid, g["G1"].id or 0, DAY + timedelta(days=1), session=session, by=OFFICE)
        unfrozen = session.exec(select(Event).where(Event.kind == "caregiver.sick")).one()
        assert not session.exec(select(Outbox).where(Outbox.event_id == unfrozen.id)).all()
        freeze_day(mid, DAY, "care", session=session)
        report_sick(mid, g["G2"].id or 0, DAY, session=session, by=OFFICE, from_time=time(9))
        sick = session.exec(
            select(Event).where(Event.kind == "caregiver.sick").order_by(col(Event.id).desc())
        ).first()
        assert sick is not None and (sick.day, sick.service) == (DAY, "care")
        asks = session.exec(select(Outbox).where(Outbox.event_id == sick.id)).all()
        assert [(a.task, a.args["day"], a.args["service"]) for a in asks] == [
            ("replan", "2025-06-03", "care")
        ]
        assert sick.payload["from_time"] == "09:00:00" and sick.payload["caregiver"] == "G2"


def _care_day(session: Session) -> tuple[Municipality, dict[str, Caregiver]]:
    """G1 is the only nurse: the nurse visits are hers in any plan."""
    town, g = _staff(session)
    people = [care_town.client(session, town, f"c{i}", (0.002 * (i % 4) - 0.003,
                                                       0.002 * (i // 4) - 0.002))
              for i in range(8)]  # fmt: skip
    care_town.plan(session, town, "N1", people[0], (time(8), time(8, 15)), duration=20,
                   skills=["nurse"])  # fmt: skip
    care_town.plan(session, town, "N2", people[1], (time(11), time(11, 30)), duration=20,
                   skills=["nurse"])  # fmt: skip
    for i, hour in enumerate((8, 9, 9, 10, 10, 11), start=2):
        care_town.plan(session, town, f"P{i}", people[i], (time(hour), time(hour, 45)),
                       skills=["personal_care"])  # fmt: skip
    return town, g


def test_a_sick_caregivers_replan_keeps_what_is_done_and_moves_the_rest(engine: Engine) -> None:
    with Session(engine) as session:
        town, g = _care_day(session)
        mid = town.id or 0
        freeze_day(mid, DAY, "care", session=session)
        first = plan_day(mid, DAY, "care", session=session, time_limit=LIMIT, now=_at(6))
        assert first.id is not None
        before = {r.resource: [s for s in stops if s.kind == "job"]
                  for r, stops in routes_of(mid, first.id, session=session)}  # fmt: skip
        g1_jobs = [s.job_id for s in before["G1"]]
        assert g1_jobs[0] == "N1" and "N2" in g1_jobs
        n1 = find_visit(mid, "N1", DAY, session=session)
        for kind, at in (("in", _at(8, 5)), ("out", _at(8, 27))):
            record_check(mid, Check(n1.id or 0, g["G1"].id or 0, kind, at, f"g1-{kind}"),
                         session=session, actor="G1")  # fmt: skip
        other = next(r for r in ("G2", "G4") if r in before)  # someone else checks in too
        theirs = find_visit(mid, before[other][0].job_id or "", DAY, session=session)
        record_check(mid, Check(theirs.id or 0, g[other].id or 0, "in", _at(8, 40), "o-in"),
                     session=session, actor=other)  # fmt: skip
        report_sick(mid, g["G1"].id or 0, DAY, session=session, by=OFFICE, from_time=time(9, 30))
        second = plan_day(mid, DAY, "care", session=session, time_limit=LIMIT, now=_at(9, 30),
                          reason="caregiver.sick")  # fmt: skip
        session.commit()
        assert second.id is not None
        after = {r.resource: [s for s in stops if s.kind == "job"]
                 for r, stops in routes_of(mid, second.id, session=session)}  # fmt: skip
        # G1 keeps N1 at its real times and nothing else.
        assert [(s.job_id, s.status, s.start_s, s.departure_s) for s in after["G1"]] == [
            ("N1", StopStatus.done, 8 * 3600 + 5 * 60, 8 * 3600 + 27 * 60)
        ]
        # The other caregiver's started visit stays theirs, first, at its check-in time.
        head = after[other][0]
        expected = (theirs.external_id, StopStatus.checked_in, 8 * 3600 + 40 * 60)
        assert (head.job_id, head.status, head.start_s) == expected
        # Nothing new starts before the re-plan was made.
        fresh = [s for stops in after.values() for s in stops if s.status == StopStatus.planned]
        assert all(s.start_s >= 9 * 3600 + 1800 for s in fresh)
        left = {u.job_id: u for u in unassigned_of(mid, second.id, session=session)}
        assert left["N2"].reason == "skills"
        report = sick_report(mid, g["G1"].id or 0, DAY, session=session)
        assert report is not None and report.before_version == 1 and report.after_version == 2
        lost = [s.job_id or "" for s in before["G1"] if s.job_id != "N1"]
        assert sorted(c.external_id for c in report.moved + report.uncovered) == sorted(lost)
        assert [c.external_id for c in report.kept] == ["N1"]
        assert all(c.after and "Carer G1" not in c.after for c in report.moved)
        n2 = next(c for c in report.uncovered if c.external_id == "N2")
        assert "could not be covered" in n2.sentence() and "skills" in n2.sentence()
