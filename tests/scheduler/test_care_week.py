"""The caregiver week: weekly hour limits across the days, the week view, and a sickness on
Wednesday that re-plans the rest of the week with the fewest changes.

The town: four clients a few hundred metres from the centre, each with a 30-minute visit every
weekday between 08:00 and 16:00; G1 and G2 start at the centre by car. Travel is a minute or
two, so any caregiver can make any visit: who makes which is the planner's choice, which is
what these tests watch.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.intake.availability import add_absence
from scheduler.intake.orders import Actor
from scheduler.models import AbsenceKind, Municipality, Role, Service
from scheduler.planning import plan_day
from scheduler.planning.week import plan_week
from scheduler.repositories.care import get_caregiver_by_external_id
from scheduler.repositories.plans import latest_version, routes_of
from scheduler.views.care_week import care_week
from tests.scheduler import care_town

MONDAY = date(2025, 6, 2)
WEEK = [MONDAY + timedelta(days=k) for k in range(5)]
SUNDAY_NIGHT = datetime(2025, 6, 1, 18, 0, tzinfo=UTC)
LIMIT = 1.5
SPOTS = ((0.003, 0.002), (-0.004, 0.001), (0.001, -0.005), (-0.002, -0.003))


def _town(session: Session, g1_week: int | None = None) -> Municipality:
    town = care_town.town(session)
    for k, spot in enumerate(SPOTS):
        who = care_town.client(session, town, f"c{k}", spot)
        care_town.plan(session, town, f"V{k}", who, (time(8), time(16)), skills=["household"])
    care_town.caregiver(session, town, "G1", max_week_minutes=g1_week)
    care_town.caregiver(session, town, "G2")
    return town


def _who(session: Session, town: Municipality, day: date) -> dict[str, str]:
    """Visit -> caregiver in the day's latest plan."""
    version = latest_version(town.id or 0, day, Service.care, session=session)
    assert version is not None and version.id is not None
    return {
        stop.job_id or "": route.resource
        for route, stops in routes_of(town.id or 0, version.id, session=session)
        for stop in stops
        if stop.kind == "job"
    }


def _minutes(session: Session, town: Municipality, day: date, carer: str) -> int:
    version = latest_version(town.id or 0, day, Service.care, session=session)
    assert version is not None and version.id is not None
    return sum(
        (r.end_s - r.start_s) // 60
        for r, stops in routes_of(town.id or 0, version.id, session=session)
        if r.resource == carer and any(s.kind == "job" for s in stops)
    )


def test_the_weekly_limit_holds_across_the_days(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town = _town(session, g1_week=150)
        plan_week(town.id or 0, MONDAY, session=session, time_limit=LIMIT, now=SUNDAY_NIGHT)
        g1 = [_minutes(session, town, d, "G1") for d in WEEK]
        assert sum(g1) <= 150 and g1[0] > 0, g1
        served = Counter(len(_who(session, town, d)) for d in WEEK)
        assert served == Counter({4: 5})  # G2 takes what G1's week cannot


def test_a_sickness_on_wednesday_moves_only_the_sick_caregivers_visits(
    sqlite_engine: Engine,
) -> None:
    with Session(sqlite_engine) as session:
        town = _town(session)
        mid = town.id or 0
        plan_week(mid, MONDAY, session=session, time_limit=LIMIT, now=SUNDAY_NIGHT)
        before = {d: _who(session, town, d) for d in WEEK}
        sick = get_caregiver_by_external_id(mid, "G1", session=session)
        assert sick is not None
        add_absence(mid, sick.id or 0, WEEK[2], WEEK[4], AbsenceKind.sick, session=session,
                    by=Actor("office", Role.dispatcher))  # fmt: skip
        for day in WEEK[2:]:  # what the re-plans the absence asks for do
            plan_day(mid, day, Service.care, session=session, time_limit=LIMIT, now=SUNDAY_NIGHT)
        for day in WEEK[:2]:
            assert _who(session, town, day) == before[day]
        for day in WEEK[2:]:
            after = _who(session, town, day)
            assert set(after.values()) == {"G2"}
            kept = {v: c for v, c in before[day].items() if c == "G2"}
            assert {v: after[v] for v in kept} == kept
            assert set(after) == set(before[day])  # every visit still made


def test_the_week_view_counts_minutes_and_continuity(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town = _town(session, g1_week=150)
        mid = town.id or 0
        plan_week(mid, MONDAY, session=session, time_limit=LIMIT, now=SUNDAY_NIGHT)
        week = care_week(mid, WEEK[3], session=session)  # any day of the week shows the week
        assert week.days[0] == MONDAY and len(week.days) == 7
        rows = {c.caregiver: c for c in week.caregivers}
        assert rows["Carer G1"].minutes[:5] == tuple(_minutes(session, town, d, "G1") for d in WEEK)
        assert rows["Carer G1"].limit == 150 and rows["Carer G1"].total <= 150
        assert rows["Carer G2"].minutes[5:] == (0, 0)
        visits = sum(sum(c.visits) for c in week.caregivers)
        assert visits == 4 * 5 and week.unassigned == (0,) * 7
        assert {c.client for c in week.clients} == {f"Client c{k}" for k in range(4)}
        same = sum(len({_who(session, town, d)[f"V{k}"] for d in WEEK}) == 1 for k in range(4))
        assert (week.recurring, week.kept) == (4, same) and week.continuity == same / 4
