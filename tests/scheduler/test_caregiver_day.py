"""A caregiver's day as data and as an iCalendar feed behind a private link.

The plan versions here are written by hand (as `plan_day` stores them), so that every time,
partner and lunch in the expected answers can be read off the test itself.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.errors import NotFoundError
from scheduler.intake.orders import Actor
from scheduler.intake.visit_requests import carry_meal, find_visit
from scheduler.models import Caregiver, Municipality, PlanVersion, Route, Stop, Visit
from scheduler.reports.caregiver_day import caregiver_day
from scheduler.reports.caregiver_ical import (
    calendar_feed,
    caregiver_calendar,
    issue_calendar_link,
    revoke_calendar_link,
)
from scheduler.repositories.plans import store_version
from tests.scheduler import care_town, meal_town

DAY = date(2025, 6, 3)
SOFIA = ZoneInfo("Europe/Sofia")


def _town(session: Session) -> tuple[Municipality, Caregiver, Caregiver]:
    town = care_town.town(session)
    town.caregivers_carry_meals = True
    kitchen = meal_town.kitchen(session, town)
    a = meal_town.client(session, town, kitchen, "a", entry_notes="Key under the mat.")
    b = care_town.client(session, town, "b", (-0.004, 0.001))
    g1 = care_town.caregiver(session, town, "G1")
    g2 = care_town.caregiver(session, town, "G2")
    care_town.plan(session, town, "WASH", a, (time(11), time(12)), tasks="Wash, then lunch")
    care_town.plan(session, town, "LIFT", b, (time(13), time(13, 30)), duration=45,
                   caregivers_needed=2, tasks="Bath with the lift")  # fmt: skip
    wash = find_visit(town.id or 0, "WASH", DAY, session=session)
    carry_meal(town.id or 0, wash.id or 0, session=session, by=Actor("office", now=_at(0, 0, 1)))
    return town, g1, g2


def _at(hour: int, minute: int = 0, day: int = 3) -> datetime:
    return datetime(2025, 6, day, hour, minute, tzinfo=SOFIA)


def _s(hour: int, minute: int = 0) -> int:
    return hour * 3600 + minute * 60


def _stop(kind: str, start: int, end: int, visit: Visit | None = None, job: str = "") -> Stop:
    return Stop(
        municipality_id=0,
        route_id=0,
        seq=0,
        kind=kind,
        job_id=job or (visit.external_id if visit else None),
        visit_id=visit.id if visit else None,
        client_id=visit.client_id if visit else None,
        arrival_s=start,
        start_s=start,
        departure_s=end,
    )


def _version(
    session: Session, town: Municipality, g1: Caregiver, g2: Caregiver, shift: int = 0
) -> PlanVersion:
    """G1: WASH 11:00-11:30, lunch 12:00-12:30, LIFT 13:00-13:45; G2: LIFT 13:00-13:45."""
    mid = town.id or 0
    wash, lift = (find_visit(mid, ext, DAY, session=session) for ext in ("WASH", "LIFT"))
    at = lambda h, m=0: _s(h, m) + shift  # noqa: E731
    g1_stops = [
        _stop("start", at(10, 50), at(10, 50)),
        _stop("job", at(11), at(11, 30), wash),
        _stop("break", at(12), at(12, 30), job="lunch"),
        _stop("job", at(13), at(13, 45), lift),
        _stop("end", at(13, 50), at(13, 50)),
    ]
    g2_stops = [
        _stop("start", at(12, 50), at(12, 50)),
        _stop("job", at(13), at(13, 45), lift, job="LIFT#2"),
        _stop("end", at(13, 55), at(13, 55)),
    ]
    routes = []
    for carer, stops in ((g1, g1_stops), (g2, g2_stops)):
        for seq, stop in enumerate(stops):
            stop.seq = seq
        route = Route(municipality_id=0, plan_version_id=0, resource=carer.external_id,
                      caregiver_id=carer.id)  # fmt: skip
        routes.append((route, stops))
    version = PlanVersion(municipality_id=mid, plan_id=0, version=1)
    return store_version(mid, DAY, "care", version, routes, [], session=session)


def test_a_caregivers_day_in_order_with_partner_lunch_and_break(engine: Engine) -> None:
    with Session(engine) as session:
        town, g1, g2 = _town(session)
        mid = town.id or 0
        empty = caregiver_day(mid, g1.id or 0, DAY, session=session)
        assert empty.plan_version is None and empty.visits == []
        _version(session, town, g1, g2)
        session.commit()
        day = caregiver_day(mid, g1.id or 0, DAY, session=session)
        assert day.plan_version == 1 and not day.published
        assert [(v.external_id, v.start, v.end) for v in day.visits] == [
            ("WASH", "11:00", "11:30"),
            ("LIFT", "13:00", "13:45"),
        ]
        wash, lift = day.visits
        assert (wash.address, wash.tasks, wash.window) == ("ul. Rozova a", "Wash, then lunch",
                                                           "11:00-12:00")  # fmt: skip
        assert wash.notes == "Key under the mat." and wash.lunch == "1 x general"
        assert wash.partner is None and lift.partner == "Carer G2" and lift.lunch is None
        assert lift.tasks == "Bath with the lift" and lift.notes == "Notes for b"
        assert day.lunch_break == ("12:00", "12:30")
        other = caregiver_day(mid, g2.id or 0, DAY, session=session)
        assert [(v.external_id, v.start, v.partner) for v in other.visits] == [
            ("LIFT", "13:00", "Carer G1")
        ]
        data = day.to_dict()
        assert data["day"] == "2025-06-03" and data["visits"][1]["partner"] == "Carer G2"


def _events(feed: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(feed)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_the_calendar_feed_parses_back_to_the_plan(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, g1, g2 = _town(session)
        mid = town.id or 0
        _version(session, town, g1, g2)
        token = issue_calendar_link(mid, g1.id or 0, session=session)
        feed = calendar_feed(token, session=session, today=DAY)
        calendar = Calendar.from_ical(feed)
        assert str(calendar["X-WR-CALNAME"]) == "Carer G1: посещения"  # the town's language
        assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Sofia"]
        events = _events(feed)
        lift = events[f"visit.LIFT.2025-06-03.{mid}@patronage"]
        wash = events[f"visit.WASH.2025-06-03.{mid}@patronage"]
        assert lift["DTSTART"].dt == _at(13) and lift["DTEND"].dt == _at(13, 45)  # type: ignore[index]
        with_g2 = "Client b (заедно с Carer G2)"  # noqa: RUF001
        assert str(lift["SUMMARY"]) == with_g2  # type: ignore[index]
        assert str(wash["LOCATION"]) == "ul. Rozova a"  # type: ignore[index]
        description = str(wash["DESCRIPTION"])  # type: ignore[index]
        assert (
            "Задачи: Wash, then lunch" in description and "Носете обяд: 1 x general" in description
        )
        assert int(wash["SEQUENCE"]) == 1 and str(wash["STATUS"]) == "TENTATIVE"  # type: ignore[index]
        lunch = events[f"lunch.G1.2025-06-03.{mid}@patronage"]
        assert lunch["DTSTART"].dt == _at(12)  # type: ignore[index]
        assert len(events) == 3


def test_a_replan_moves_the_same_event_with_a_higher_sequence(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, g1, g2 = _town(session)
        mid = town.id or 0
        _version(session, town, g1, g2)
        _version(session, town, g1, g2, shift=15 * 60)  # version 2: a quarter of an hour later
        events = _events(caregiver_calendar(mid, g2.id or 0, DAY, DAY, session=session))
        (lift,) = events.values()
        assert lift["DTSTART"].dt == _at(13, 15) and int(lift["SEQUENCE"]) == 2  # type: ignore[index]


def test_a_calendar_link_is_private_and_can_be_replaced(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, g1, _ = _town(session)
        mid = town.id or 0
        first = issue_calendar_link(mid, g1.id or 0, session=session)
        assert first.startswith(f"{mid}-") and g1.calendar_token_hash not in (None, first)
        second = issue_calendar_link(mid, g1.id or 0, session=session)
        calendar_feed(second, session=session, today=DAY)
        for wrong in (first, f"{mid + 1}{second[len(str(mid)) :]}", "nonsense", ""):
            with pytest.raises(NotFoundError):
                calendar_feed(wrong, session=session, today=DAY)
        revoke_calendar_link(mid, g1.id or 0, session=session)
        with pytest.raises(NotFoundError):
            calendar_feed(second, session=session, today=DAY)
