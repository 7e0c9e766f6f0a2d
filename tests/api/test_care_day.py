"""The home-care day through the API: a caregiver's day, attendance, hours, absences, sick
reports, one-off visits under the cut-off, lunches on visits and the private calendar feed.

Plan versions are written by hand (as `plan_day` stores them), so every time and move the
tests expect can be read off this file; the solver's own tests are in tests/scheduler.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import time_machine
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session, col, select

from scheduler.intake.attendance import Check, record_check
from scheduler.intake.calendar import local_today
from scheduler.intake.cutoff import freeze_day
from scheduler.intake.delivery_days import DeliveryCalendar
from scheduler.models import (
    AuditEntry,
    Caregiver,
    Client,
    Event,
    Municipality,
    PlanVersion,
    Role,
    Route,
    Stop,
    StopStatus,
    Unassigned,
    Visit,
)
from scheduler.models.base import utcnow
from scheduler.repositories.plans import store_version
from tests.api.conftest import PASSWORD, World, csrf_of

TOWN = "Kazanlak"
SOFIA = ZoneInfo("Europe/Sofia")
DAY = date(2026, 3, 10)  # a Tuesday, in the past: a visit nobody came to is missed
SICK_DAY = date(2026, 3, 11)
# An instant whose tomorrow has no visits yet, for the calendar feed (which starts "today").
FEED_NOW = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)


def _tuesday_ahead() -> date:
    """A Tuesday two to three weeks after the session's today (see tests/timetravel.py) with
    home care: well before its cut-off on any date the tests run."""
    day = local_today(SOFIA.key) + timedelta(days=14)
    day += timedelta(days=(1 - day.weekday()) % 7)
    while not DeliveryCalendar("BG").delivers(day):
        day += timedelta(days=7)
    return day


FUTURE = _tuesday_ahead()


@dataclass
class CareDay:
    """Kazanlak's caregivers (Maria = CG1 and Elena = CG2) and the day's visits by external id."""

    mid: int
    maria: int
    elena: int
    visits: dict[str, Visit]


def _s(hour: int, minute: int = 0) -> int:
    return hour * 3600 + minute * 60


def _visit(session: Session, mid: int, ext: str, day: date, hour: int, minutes: int) -> Visit:
    client = session.exec(
        select(Client).where(Client.municipality_id == mid, Client.external_id == f"K-{ext}")
    ).first()
    if client is None:
        client = Client(municipality_id=mid, external_id=f"K-{ext}", name=f"Client {ext}",
                        address=f"ul. Shipka {ext}", lon=25.39, lat=42.62)  # fmt: skip
        session.add(client)
        session.flush()
    visit = Visit(
        municipality_id=mid,
        external_id=ext,
        client_id=client.id or 0,
        day=day,
        window_start=time(hour),
        window_end=time(hour, 15),
        duration_min=minutes,
    )
    session.add(visit)
    session.flush()
    return visit


def _stop(visit: Visit, start: int, minutes: int, status: StopStatus) -> Stop:
    return Stop(municipality_id=0, route_id=0, seq=0, kind="job", job_id=visit.external_id,
                visit_id=visit.id, client_id=visit.client_id, arrival_s=start, start_s=start,
                departure_s=start + minutes * 60, status=status)  # fmt: skip


def _version(
    session: Session,
    care: CareDay,
    day: date,
    rounds: dict[int, list[tuple[str, int]]],
    *,
    done: tuple[str, ...] = (),
    unassigned: tuple[str, ...] = (),
) -> PlanVersion:
    """A plan version of `day`: caregiver id -> [(visit, start)], in order."""
    routes = []
    for carer_id, visits in rounds.items():
        carer = session.get(Caregiver, carer_id)
        assert carer is not None
        stops = []
        for seq, (ext, start) in enumerate(visits):
            v = care.visits[f"{ext}@{day}"]
            status = StopStatus.done if ext in done else StopStatus.planned
            stop = _stop(v, start, v.duration_min, status)
            stop.seq = seq
            stops.append(stop)
        # The working day: from the first visit's start to the last one's end (no travel).
        first, last = stops[0], stops[-1]
        routes.append((Route(municipality_id=0, plan_version_id=0, resource=carer.external_id,
                             caregiver_id=carer_id, start_s=first.start_s,
                             end_s=last.departure_s), stops))  # fmt: skip
    missing = [
        Unassigned(
            municipality_id=0,
            plan_version_id=0,
            job_id=ext,
            visit_id=care.visits[f"{ext}@{day}"].id,
            reason="no_vehicle",
            explanation="nobody with the skill is free then",
        )
        for ext in unassigned
    ]
    for row in missing:
        row.municipality_id = care.mid
    version = PlanVersion(municipality_id=care.mid, plan_id=0, version=0)
    return store_version(care.mid, day, "care", version, routes, missing, session=session)


def _plan_day(session: Session, care: CareDay, day: date) -> None:
    """Maria: A 09:00 (30 min), B 10:00 (40 min), E 14:00; Elena: C 11:00."""
    for ext, hour, minutes in (("A", 9, 30), ("B", 10, 40), ("C", 11, 30), ("E", 14, 30)):
        care.visits[f"{ext}@{day}"] = _visit(session, care.mid, ext, day, hour, minutes)
    _version(session, care, day, {care.maria: [("A", _s(9)), ("B", _s(10)), ("E", _s(14))],
                                  care.elena: [("C", _s(11))]})  # fmt: skip


@pytest.fixture(scope="module")
def care(world: World) -> CareDay:
    mid = world.town_ids[TOWN]
    with world.session() as session:
        elena = Caregiver(municipality_id=mid, external_id="CG2", name="Elena", start_lon=25.39,
                          start_lat=42.62)  # fmt: skip
        session.add(elena)
        session.flush()
        found = CareDay(mid, world.ids[(TOWN, "caregiver")], elena.id or 0, {})
        _plan_day(session, found, DAY)
        _plan_day(session, found, SICK_DAY)
        session.commit()
    return found


def _problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The problem+json body of an answer that must have this status."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def _fields(problem: dict[str, Any]) -> set[str]:
    """The fields a 422 names, without their location prefix (`body.client_id` -> `client_id`)."""
    return {str(e["field"]).split(".")[-1] for e in problem["errors"]}


def test_a_caregivers_day_in_plan_order_and_only_their_own(world: World, care: CareDay) -> None:
    url = f"/v1/caregivers/{care.maria}/days/{DAY}"
    day = world.client(TOWN, Role.dispatcher).get(url).json()
    assert (day["name"], day["plan_version"], day["published"]) == ("Maria", 1, False)
    assert [(v["external_id"], v["start"], v["end"]) for v in day["visits"]] == [
        ("A", "09:00", "09:30"),
        ("B", "10:00", "10:40"),
        ("E", "14:00", "14:30"),
    ]
    assert day["visits"][0]["address"] == "ul. Shipka A"
    own = world.client(TOWN, Role.caregiver)
    assert own.get(url).json()["visits"] == day["visits"]
    other = own.get(f"/v1/caregivers/{care.elena}/days/{DAY}")
    assert _problem(other, 403)["detail"] == "a caregiver sees only their own day"
    _problem(world.client(TOWN, Role.driver).get(url), 403)
    _problem(world.client("Maribor", Role.admin).get(url), 404)
    empty = world.client(TOWN, Role.admin).get(f"/v1/caregivers/{care.maria}/days/2026-03-12")
    assert empty.json()["plan_version"] is None and empty.json()["visits"] == []


def _check(world: World, care: CareDay, ext: str, kind: str, at: time) -> None:
    visit = care.visits[f"{ext}@{DAY}"]
    moment = datetime.combine(DAY, at, tzinfo=SOFIA)
    check = Check(visit.id or 0, care.maria, kind, moment, f"t-{ext}-{kind}")
    with world.session() as session:
        record_check(care.mid, check, session=session, actor="phone:CG1")
        session.commit()


def test_attendance_flags_and_the_months_hours(world: World, care: CareDay) -> None:
    _check(world, care, "A", "in", time(9, 40))  # 25 min after the latest start: late
    _check(world, care, "A", "out", time(10, 10))
    _check(world, care, "B", "in", time(10, 12))
    _check(world, care, "B", "out", time(10, 22))  # 10 of 40 planned minutes: too short
    staff = world.client(TOWN, Role.dispatcher)
    rows = {r["external_id"]: r for r in staff.get(f"/v1/care-attendance/{DAY}").json()}
    flags = {
        ext: {f for f in ("late", "missed", "too_short") if row[f]} for ext, row in rows.items()
    }
    assert flags == {"A": {"late"}, "B": {"too_short"}, "C": {"missed"}, "E": {"missed"}}
    assert rows["A"]["late_min"] == 25 and rows["A"]["presences"][0]["minutes"] == 30
    _problem(world.client(TOWN, Role.kitchen).get(f"/v1/care-attendance/{DAY}"), 403)

    hours = staff.get("/v1/care-hours", params={"month": "2026-03"}).json()
    (maria,) = hours["caregivers"]
    figures = (maria["external_id"], maria["minutes"], maria["late"], maria["too_short"])
    assert figures == ("CG1", 40, 1, 1)
    assert hours["client_minutes"] == hours["caregiver_minutes"] == 40
    sheet = staff.get("/v1/care-hours.csv", params={"month": "2026-03", "of": "caregivers"})
    assert sheet.headers["content-type"].startswith("text/csv")
    (row,) = csv.DictReader(io.StringIO(sheet.text))  # the columns named in the town's words
    carer = (row["Номер на домашния помощник"], row["Минути"], row["Часове"])
    assert carer == ("CG1", "40", "0.67")
    clients = staff.get("/v1/care-hours.csv", params={"month": "2026-03", "of": "clients"})
    rows = csv.DictReader(io.StringIO(clients.text))
    missed = {r["Номер на потребителя"]: r["Пропуснати"] for r in rows}
    assert missed == {"K-A": "1", "K-B": "1", "K-C": "2", "K-E": "2"}  # the sick day too
    assert "month" in _fields(_problem(staff.get("/v1/care-hours?month=2026-13"), 422))


def test_absences_are_listed_added_refused_when_overlapping_and_removed(
    world: World, care: CareDay
) -> None:
    staff = world.client(TOWN, Role.dispatcher)
    body = {"caregiver_id": care.elena, "start": "2026-04-06", "end": "2026-04-08",
            "kind": "day_off"}  # fmt: skip
    made = staff.post("/v1/absences", json=body)
    assert made.status_code == 201, made.text
    listed = staff.get("/v1/absences", params={"from": "2026-04-01", "to": "2026-04-30"}).json()
    assert [(a["caregiver_id"], a["kind"], a["end"]) for a in listed] == [
        (care.elena, "day_off", "2026-04-08")
    ]
    overlap = staff.post("/v1/absences", json={**body, "start": "2026-04-08", "end": "2026-04-09"})
    assert "start" in _fields(_problem(overlap, 422))
    timed = staff.post("/v1/absences", json={**body, "start": "2026-05-04", "end": "2026-05-04",
                                              "from_time": "10:00"})  # fmt: skip
    assert "from_time" in _fields(_problem(timed, 422))
    foreign = world.client("Maribor", Role.admin)
    _problem(foreign.delete(f"/v1/absences/{made.json()['id']}"), 404)
    _problem(foreign.post("/v1/absences", json=body), 404)
    assert staff.delete(f"/v1/absences/{made.json()['id']}").status_code == 200
    assert staff.get("/v1/absences?from=2026-04-01&to=2026-04-30").json() == []
    _problem(staff.delete(f"/v1/absences/{made.json()['id']}"), 404)


def _handled(world: World, care: CareDay, day: date) -> None:
    """What the worker does after its re-plan: the day's events are handled."""
    with world.session() as session:
        events = session.exec(
            select(Event).where(
                Event.municipality_id == care.mid, Event.day == day,
                col(Event.processed_at).is_(None),
            )
        ).all()  # fmt: skip
        for event in events:
            event.processed_at = utcnow()
            session.add(event)
        session.commit()


def test_a_sick_report_re_plans_and_answers_kept_moved_and_not_covered(
    world: World, care: CareDay
) -> None:
    with world.session() as session:
        freeze_day(care.mid, SICK_DAY, "care", session=session)
        session.commit()
    staff = world.client(TOWN, Role.dispatcher)
    url = f"/v1/caregivers/{care.maria}/sick"
    asked = staff.post(url, json={"day": str(SICK_DAY), "from_time": "09:45"})
    assert asked.status_code == 202, asked.text
    answer = asked.json()
    assert answer["absence"]["kind"] == "sick" and answer["absence"]["from_time"] == "09:45:00"
    assert answer["replanning"] is True and answer["changes"] is None
    with world.session() as session:  # the worker's re-plan: A was done, B to Elena, E dropped
        _version(session, care, SICK_DAY, {care.maria: [("A", _s(9))],
                                           care.elena: [("B", _s(10, 30)), ("C", _s(11, 15))]},
                 done=("A",), unassigned=("E",))  # fmt: skip
        session.commit()
    _handled(world, care, SICK_DAY)
    report = staff.get(f"/v1/caregivers/{care.maria}/sick/{SICK_DAY}").json()
    assert report["replanning"] is False
    changes = report["changes"]
    assert (changes["before_version"], changes["after_version"]) == (1, 2)
    assert [c["external_id"] for c in changes["kept"]] == ["A"]
    (moved,) = changes["moved"]
    assert (moved["external_id"], moved["before"], moved["after"], moved["start"]) == (
        "B",
        ["Maria"],
        ["Elena"],
        "10:30",
    )
    (lost,) = changes["not_covered"]
    assert (lost["external_id"], lost["why"]) == ("E", "nobody with the skill is free then")
    again = staff.post(url, json={"day": str(SICK_DAY), "from_time": "09:45"})
    assert again.json()["absence"]["id"] == answer["absence"]["id"]  # the same report twice
    _problem(world.client("Maribor", Role.admin).get(f"/v1/caregivers/{care.maria}/sick/"
                                                     f"{SICK_DAY}"), 404)  # fmt: skip


def _request(client_id: int, day: date, **extra: object) -> dict[str, object]:
    return {"day": str(day), "external_id": "EXTRA", "client_id": client_id,
            "window_start": "11:00", "window_end": "12:00", "duration_min": 45,
            "tasks": "Shopping after the hospital", **extra}  # fmt: skip


def test_one_off_visits_and_cancellations_under_the_cut_off(world: World, care: CareDay) -> None:
    staff = world.client(TOWN, Role.dispatcher)
    ivan = world.ids[(TOWN, "client")]
    made = staff.post("/v1/visits", json=_request(ivan, FUTURE))
    assert made.status_code == 201, made.text
    assert (made.json()["status"], made.json()["duration_min"]) == ("requested", 45)
    assert staff.post("/v1/visits", json=_request(ivan, FUTURE)).json()["id"] == made.json()["id"]
    bad = staff.post("/v1/visits", json=_request(999_999, FUTURE, window_end="10:00"))
    assert {"client_id", "window_end"} <= _fields(_problem(bad, 422))
    foreign = world.client("Maribor", Role.dispatcher).post(
        "/v1/visits", json=_request(ivan, FUTURE)
    )
    assert "client_id" in _fields(_problem(foreign, 422))

    past = date(2026, 3, 12)
    late = _problem(staff.post("/v1/visits", json=_request(ivan, past)), 409)
    assert late["title"] == "Cut-off passed"
    forced = staff.post("/v1/visits", json=_request(ivan, past, force=True))
    assert forced.status_code == 201, forced.text
    with world.session() as session:
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "visit.requested.forced")
        ).one()
        assert entry.actor == "user:dispatcher" and entry.detail["late"] is True

    url = f"/v1/visits/{made.json()['id']}/cancel"
    _problem(world.client(TOWN, Role.caregiver).post(url, json={}), 403)
    assert staff.post(url, json={"reason": "back in hospital"}).json()["status"] == "cancelled"
    old = f"/v1/visits/{forced.json()['id']}/cancel"
    assert _problem(staff.post(old, json={}), 409)["title"] == "Cut-off passed"
    assert staff.post(old, json={"force": True}).json()["status"] == "cancelled"
    _problem(world.client("Maribor", Role.admin).post(url, json={}), 404)


def test_a_lunch_carried_on_a_visit_where_the_town_allows_it(world: World, care: CareDay) -> None:
    staff = world.client(TOWN, Role.dispatcher)
    ivan = world.ids[(TOWN, "client")]
    visit = staff.post("/v1/visits", json=_request(ivan, FUTURE, external_id="LUNCH")).json()
    url = f"/v1/visits/{visit['id']}/carry-meal"
    refused = _problem(staff.post(url, json={}), 422)
    assert "carries_meal" in _fields(refused)
    with world.session() as session:
        town = session.get(Municipality, care.mid)
        assert town is not None
        town.caregivers_carry_meals = True
        session.add(town)
        session.commit()
    assert staff.post(url, json={}).json()["carries_meal"] is True
    assert staff.post(url, json={"carry": False}).json()["carries_meal"] is False


def test_the_private_calendar_feed_holds_the_visits_in_order(world: World, care: CareDay) -> None:
    with time_machine.travel(FEED_NOW, tick=True):
        _check_the_calendar_feed(world, care, local_today(SOFIA.key) + timedelta(days=1))


def _check_the_calendar_feed(world: World, care: CareDay, tomorrow: date) -> None:
    with world.session() as session:
        _plan_day(session, care, tomorrow)
        session.commit()
    staff = world.client(TOWN, Role.dispatcher)
    link = staff.post(f"/v1/caregivers/{care.maria}/calendar-link")
    assert link.status_code == 201, link.text
    token, url = link.json()["token"], link.json()["url"]
    assert url.endswith(f"/ical/{token}.ics")
    feed = world.client().get(f"/ical/{token}.ics")  # no sign-in: the link is the key
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    mine = sorted((e.decoded("dtstart"), str(e["summary"]), str(e["uid"])) for e in events
                  if e.decoded("dtstart").date() == tomorrow)  # fmt: skip
    assert [summary for _, summary, _ in mine] == ["Client A", "Client B", "Client E"]
    assert [start.astimezone(SOFIA).time() for start, _, _ in mine] == [time(9), time(10),
                                                                       time(14)]  # fmt: skip
    assert all(uid.startswith("visit.") for _, _, uid in mine)

    newer = staff.post(f"/v1/caregivers/{care.maria}/calendar-link").json()["token"]
    _problem(world.client().get(f"/ical/{token}.ics"), 404)  # the old link ended
    assert world.client().get(f"/ical/{newer}.ics").status_code == 200
    _problem(world.client("Maribor", Role.admin).delete(
        f"/v1/caregivers/{care.maria}/calendar-link"), 404)  # fmt: skip
    assert world.client().get(f"/ical/{newer}.ics").status_code == 200
    gone = staff.delete(f"/v1/caregivers/{care.maria}/calendar-link")
    assert gone.status_code == 204
    _problem(world.client().get(f"/ical/{newer}.ics"), 404)
    for wrong in ("nothing", f"{care.mid}-{'x' * 32}", f"{'9' * 30}-{'x' * 32}"):
        _problem(world.client().get(f"/ical/{wrong}.ics"), 404)


def _signed_in(world: World, role: Role) -> TestClient:
    client = world.client()
    who = {"municipality": TOWN, "username": role.value, "password": PASSWORD}
    assert client.post("/login", data=who, follow_redirects=False).status_code == 303
    return client


def test_the_boards_care_panel_flags_check_ins_and_reports_sick(
    world: World, care: CareDay
) -> None:
    day = date(2026, 3, 13)
    with world.session() as session:
        _plan_day(session, care, day)
        freeze_day(care.mid, day, "care", session=session)
        session.commit()
    board = _signed_in(world, Role.dispatcher)
    assert 'id="care-panel"' not in board.get(f"/board?day={day}&service=meals").text
    page = board.get(f"/board?day={day}&service=care").text
    for ext in ("A", "B", "C", "E", "VP1"):  # VP1: Ivan's weekly visit, made by the freeze
        assert f'<tr data-visit="{ext}">' in page
    assert page.count('data-flag="missed"') == 5 and 'name="caregiver_id"' in page
    # Maria works 09:00-14:30, Elena 11:00-11:30: the board says who has the longest day.
    assert 'data-longest="330">Maria, 5 ч 30 мин' in page
    assert 'data-shortest="30">Elena, 0 ч 30 мин' in page
    workload = world.client(TOWN, Role.dispatcher).get(f"/v1/care-workload/{day}").json()
    assert workload["longest"] == {"caregiver": "Maria", "minutes": 330}
    assert workload["spread_minutes"] == 300 and workload["caregivers"] == 2

    form = {"day": str(day), "caregiver_id": str(care.maria), "from_time": "08:00"}
    form["csrf"] = csrf_of(board)
    sent = board.post("/board/sick", data=form, follow_redirects=False)
    assert sent.status_code == 303 and f"sick={care.maria}" in sent.headers["location"]
    assert "Препланиране…" in board.get(sent.headers["location"]).text  # Kazanlak speaks bg
    with world.session() as session:  # the worker: B and E to Elena, A not covered
        _version(session, care, day, {care.elena: [("B", _s(10)), ("C", _s(11)), ("E", _s(14))]},
                 unassigned=("A",))  # fmt: skip
        session.commit()
    _handled(world, care, day)
    shown = board.get(sent.headers["location"]).text
    assert 'data-change="moved" data-visit="B"' in shown
    assert "B (Client B) се мести от Maria при Elena в 10:00." in shown  # noqa: RUF001
    assert "could not be covered" not in shown
    assert 'data-change="not_covered" data-visit="A"' in shown

    again = board.post("/board/sick", data={**form, "from_time": "25:00"})
    assert again.status_code == 422 and "няма такъв час" in again.text
    assert _signed_in(world, Role.kitchen).post("/board/sick", data=form).status_code == 403
