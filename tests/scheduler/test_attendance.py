"""Check-in and check-out per visit, the dispatcher's late, missed and too-short visits, and
monthly hours per client and per caregiver whose figures add up.

The day (3 June 2025, Sofia time): G1 washes A 08:10-09:05 (window 08:00-08:30, 60 min); G1
and G2 lift B together (window 09:00-09:30, 30 min), arriving 09:40 and 09:41, G2's phone
two kilometres away; G2 shops for C 10:20-10:40 (45 min planned: too short); nobody goes to
D (11:00-11:30); G1 checks in at E at 12:00 and never out. Seen at 12:30.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.errors import InvalidInputError
from scheduler.intake.attendance import Check, record_check
from scheduler.intake.orders import Actor
from scheduler.intake.visit_requests import cancel_visit, find_visit
from scheduler.models import Event, Municipality, PlanVersion, Route, Stop, StopStatus, VisitCheck
from scheduler.reports.attendance import day_attendance, monthly_hours
from scheduler.reports.attendance_sheets import caregiver_hours_csv, client_hours_csv, hours_html
from scheduler.repositories.plans import store_version
from tests.scheduler import care_town

DAY = date(2025, 6, 3)
SOFIA = ZoneInfo("Europe/Sofia")
SEEN = datetime(2025, 6, 3, 12, 30, tzinfo=SOFIA)


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 6, 3, hour, minute, tzinfo=SOFIA)


def _town(session: Session) -> tuple[Municipality, dict[str, int]]:
    town = care_town.town(session)
    ids = {}
    for ext in ("G1", "G2"):
        ids[ext] = care_town.caregiver(session, town, ext).id or 0
    spots = {"a": (0.003, 0.002), "b": (-0.004, 0.001), "c": (0.001, -0.005),
             "d": (-0.002, -0.003), "e": (0.004, -0.001)}  # fmt: skip
    people = {k: care_town.client(session, town, k, v) for k, v in spots.items()}
    care_town.plan(session, town, "WASH", people["a"], (time(8), time(8, 30)), duration=60)
    care_town.plan(session, town, "LIFT", people["b"], (time(9), time(9, 30)),
                   caregivers_needed=2)  # fmt: skip
    care_town.plan(session, town, "SHOP", people["c"], (time(10), time(10, 30)), duration=45)
    care_town.plan(session, town, "MISS", people["d"], (time(11), time(11, 30)))
    care_town.plan(session, town, "OPEN", people["e"], (time(12), time(12, 30)))
    return town, ids


def _plan(session: Session, town: Municipality, ids: dict[str, int]) -> None:
    """A followed plan: G1 has WASH, LIFT, MISS, OPEN; G2 has LIFT#2 and SHOP."""
    mid = town.id or 0
    routes = []
    for who, jobs in (("G1", ["WASH", "LIFT", "MISS", "OPEN"]), ("G2", ["LIFT#2", "SHOP"])):
        stops = [Stop(municipality_id=0, route_id=0, seq=0, kind="start")]
        for job in jobs:
            visit = find_visit(mid, job.removesuffix("#2"), DAY, session=session)
            stops.append(Stop(municipality_id=0, route_id=0, seq=0, kind="job", job_id=job,
                              visit_id=visit.id, client_id=visit.client_id))  # fmt: skip
        for seq, stop in enumerate(stops):
            stop.seq = seq
        routes.append((Route(municipality_id=0, plan_version_id=0, resource=who,
                             caregiver_id=ids[who]), stops))  # fmt: skip
    version = PlanVersion(municipality_id=mid, plan_id=0, version=1)
    store_version(mid, DAY, "care", version, routes, [], session=session)


def _check(session: Session, mid: int, ext: str, who: int, kind: str, at: datetime,
           key: str, where: tuple[float, float] | None = None) -> bool:  # fmt: skip
    visit = find_visit(mid, ext, DAY, session=session)
    lon, lat = where if where else (None, None)
    check = Check(visit.id or 0, who, kind, at, key, lon, lat)
    return record_check(mid, check, session=session, actor="phone")[1]


def _day(session: Session) -> tuple[Municipality, dict[str, int]]:
    town, ids = _town(session)
    mid = town.id or 0
    _plan(session, town, ids)
    near_a = (care_town.CENTRE[0] + 0.0031, care_town.CENTRE[1] + 0.002)
    far_b = (care_town.CENTRE[0] + 0.02, care_town.CENTRE[1] + 0.001)
    g1, g2 = ids["G1"], ids["G2"]
    for ext, who, kind, at, key, where in [
        ("WASH", g1, "in", _at(8, 10), "k1", near_a), ("WASH", g1, "out", _at(9, 5), "k2", None),
        ("LIFT", g1, "in", _at(9, 40), "k3", None), ("LIFT", g2, "in", _at(9, 41), "k4", far_b),
        ("LIFT", g1, "out", _at(10, 10), "k5", None), ("LIFT", g2, "out", _at(10, 12), "k6", None),
        ("SHOP", g2, "in", _at(10, 20), "k7", None), ("SHOP", g2, "out", _at(10, 40), "k8", None),
        ("OPEN", g1, "in", _at(12), "k9", None),
    ]:  # fmt: skip
        assert _check(session, mid, ext, who, kind, at, key, where)
    return town, ids


def test_checks_are_events_stored_once_and_mark_visit_and_stop(engine: Engine) -> None:
    with Session(engine) as session:
        town, ids = _day(session)
        mid = town.id or 0
        assert not _check(session, mid, "WASH", ids["G1"], "out", _at(9, 5), "k2")  # resent
        assert len(session.exec(select(VisitCheck)).all()) == 9
        events = session.exec(select(Event).where(Event.kind == "visit.checked_in")).all()
        assert len(events) == 5 and all(e.service == "care" and e.day == DAY for e in events)
        assert events[0].event_key == "report:k1" and events[0].payload["lon"] is not None
        wash = find_visit(mid, "WASH", DAY, session=session)
        assert wash.status == "done"
        stop = session.exec(select(Stop).where(Stop.job_id == "WASH")).one()
        assert stop.status == StopStatus.done and stop.confirmed_at is not None
        lift2 = session.exec(select(Stop).where(Stop.job_id == "LIFT#2")).one()
        assert lift2.status == StopStatus.done  # G2's own stop on the shared visit
        session.commit()


def test_impossible_checks_are_refused_by_field(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, ids = _town(session)
        mid = town.id or 0
        with pytest.raises(InvalidInputError, match="check in on this visit before"):
            _check(session, mid, "WASH", ids["G1"], "out", _at(9), "x1")
        with pytest.raises(InvalidInputError, match="kind"):
            _check(session, mid, "WASH", ids["G1"], "maybe", _at(9), "x2")
        with pytest.raises(InvalidInputError, match="lon"):
            _check(session, mid, "WASH", ids["G1"], "in", _at(9), "x3", (200.0, 1.0))
        miss = find_visit(mid, "MISS", DAY, session=session)
        cancel_visit(mid, miss.id or 0, session=session,
                     by=Actor("office", now=datetime(2025, 6, 1, tzinfo=SOFIA)))  # fmt: skip
        with pytest.raises(InvalidInputError, match="cancelled"):
            _check(session, mid, "MISS", ids["G1"], "in", _at(11), "x4")


def test_the_dispatcher_sees_late_missed_too_short_and_far(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, _ = _day(session)
        seen = {a.external_id: a for a in day_attendance(town.id or 0, DAY, session=session,
                                                          now=SEEN)}  # fmt: skip
        wash, lift, shop, miss, open_ = (seen[k] for k in ("WASH", "LIFT", "SHOP", "MISS", "OPEN"))
        assert (wash.late, wash.missed, wash.too_short, wash.far) == (False, False, False, False)
        assert [(p.checked_in, p.checked_out, p.minutes) for p in wash.presences] == [
            ("08:10", "09:05", 55)
        ]
        assert wash.presences[0].away_m is not None and wash.presences[0].away_m < 50
        assert lift.late and lift.late_min == 10 and lift.far and lift.minutes == 61
        assert shop.too_short and not shop.late
        assert miss.missed and not miss.presences
        assert open_.open and open_.minutes == 0 and not open_.missed
        earlier = day_attendance(town.id or 0, DAY, session=session, now=_at(11, 20))
        assert not next(a for a in earlier if a.external_id == "MISS").missed  # not yet


def test_monthly_hours_per_client_and_caregiver_add_up(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, _ = _day(session)
        month = monthly_hours(town.id or 0, "2025-06", session=session, now=SEEN)
        clients = {line.external_id: line for line in month.clients}
        carers = {line.external_id: line for line in month.caregivers}
        assert {k: v.minutes for k, v in clients.items()} == {"a": 55, "b": 61, "c": 20, "d": 0,
                                                              "e": 0}  # fmt: skip
        assert {k: (v.visits, v.minutes, v.open) for k, v in carers.items()} == {
            "G1": (2, 85, 1),
            "G2": (2, 51, 0),
        }
        assert month.client_minutes == month.caregiver_minutes == 136
        assert (clients["b"].late, clients["c"].too_short, clients["d"].missed) == (1, 1, 1)
        assert (carers["G1"].late, carers["G2"].late, carers["G2"].too_short) == (1, 1, 1)
        by_client = list(csv.DictReader(io.StringIO(client_hours_csv(month))))
        by_carer = list(csv.DictReader(io.StringIO(caregiver_hours_csv(month))))
        assert sum(int(r["minutes"]) for r in by_client) == 136
        assert sum(int(r["minutes"]) for r in by_carer) == 136
        assert [(r["caregiver_id"], r["hours"]) for r in by_carer] == [
            ("G1", "1.42"),
            ("G2", "0.85"),
        ]
        page = hours_html(month, municipality=town.name, locale="bg")
        assert page.count(">2,27<") == 2  # the same total under both tables, as Bulgarian writes it
        july = monthly_hours(town.id or 0, "2025-07", session=session, now=SEEN)
        assert july.clients == [] and july.caregivers == []
        with pytest.raises(InvalidInputError, match="month"):
            monthly_hours(town.id or 0, "June", session=session)
