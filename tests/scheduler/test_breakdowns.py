"""A van that breaks down at 11:30: its undelivered stops go to the other van, or are left out
with a reason; what its driver reported stays as it was."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

import routing
from routing.validate import Violation, hard_violations
from scheduler.errors import InvalidInputError, NotFoundError
from scheduler.intake.breakdowns import out_of_service, record_breakdown
from scheduler.intake.cutoff import freeze_day
from scheduler.intake.day_changes import Actor
from scheduler.models import (
    AuditEntry,
    Municipality,
    Plan,
    Role,
    Service,
    Stop,
    StopKind,
    StopStatus,
    Vehicle,
)
from scheduler.planning import day as planning_day
from scheduler.planning import plan_day
from scheduler.planning.replan import kept_part
from scheduler.planning.runs import run_plan
from scheduler.reports.kitchen import kitchen_day
from scheduler.repositories.plans import routes_of, unassigned_of
from scheduler.views.breakdowns import day_breakdowns
from tests.scheduler import meal_town

DAY = date(2025, 6, 3)  # a Tuesday
LIMIT = 1.0
SOFIA = ZoneInfo("Europe/Sofia")
AT = time(11, 30)


def _town(session: Session) -> tuple[Municipality, Vehicle, Vehicle]:
    """One kitchen, V1 (one trip of 6 portions) and V2 (up to three of 4), nine clients: both
    vans are on the road in the first plan."""
    town = meal_town.town(session)
    k1 = meal_town.kitchen(session, town, "K1")
    v1 = meal_town.van(session, town, k1, "V1", capacity_portions=6)
    v2 = meal_town.van(session, town, k1, "V2", capacity_portions=4, max_trips=3)
    for i in range(9):
        meal_town.client(session, town, k1, f"c{i}", offset=(0.003 * (i - 4), 0.002 * (i % 3)))
    return town, v1, v2


def _local(clock: time) -> datetime:
    return datetime.combine(DAY, clock, tzinfo=SOFIA)


def _deliver(session: Session, stops: list[Stop], count: int) -> list[Stop]:
    """The driver reports the van's first `count` stops delivered (the others, before the
    breakdown or not, never reached their clients as far as anyone knows)."""
    done = [s for s in stops if s.kind == "job"][:count]
    for stop in done:
        stop.status = StopStatus.delivered
        stop.confirmed_at = datetime.combine(DAY, time(9, 0), tzinfo=UTC)
        session.add(stop)
    return done


def test_a_broken_van_keeps_its_deliveries_and_hands_the_rest_on(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[int] = []

    def spy(problem: routing.Problem, solution: routing.Solution) -> list[Violation]:
        found = list(hard_violations(problem, solution))
        checked.append(len(found))
        return found

    monkeypatch.setattr(planning_day, "hard_violations", spy)
    with Session(engine) as session:
        town, v1, _ = _town(session)
        assert town.id is not None and v1.id is not None
        freeze_day(town.id, DAY, Service.meals, session=session)
        first = plan_day(town.id, DAY, Service.meals, session=session, time_limit=LIMIT,
                         now=_local(time(6, 0)))  # fmt: skip
        assert first.id is not None
        plan = session.exec(select(Plan)).one()
        plan.published_version = 1  # published: the vans loaded and left
        session.add(plan)
        old = {r.resource: stops for r, stops in routes_of(town.id, first.id, session=session)}
        v1_jobs = [s for s in old["V1"] if s.kind == "job"]
        assert len(v1_jobs) >= 3, "the town should give V1 several stops"
        at_s = AT.hour * 3600 + AT.minute * 60
        delivered = _deliver(session, old["V1"], 2)
        undelivered = {s.job_id for s in v1_jobs} - {s.job_id for s in delivered}
        now = _local(time(11, 40))
        by = Actor("maria", Role.dispatcher, now=now, key="req1")
        _, new = record_breakdown(town.id, DAY, v1.id, AT, by=by, session=session)
        assert new and record_breakdown(town.id, DAY, v1.id, AT, by=by, session=session)[1] is False
        assert out_of_service(town.id, DAY, session=session) == {"V1": at_s}
        planner = functools.partial(plan_day, now=now)
        run = run_plan(session, town.id, DAY, Service.meals, planner=planner, time_limit=LIMIT,
                       replan_time_limit=LIMIT)  # fmt: skip
        session.commit()
        assert run.outcome == "planned" and run.publish  # a late change goes out at once
        assert checked and all(n == 0 for n in checked)  # routing/validate.py: no hard rule broken
        assert run.plan_version_id is not None
        new_routes = {
            r.resource: stops
            for r, stops in routes_of(town.id, run.plan_version_id, session=session)
        }
        after = {s.job_id: s for s in new_routes.get("V1", []) if s.kind == "job"}
        assert not undelivered & after.keys()  # nothing undelivered stays on the broken van
        assert all(s.start_s <= at_s for s in after.values())
        for stop in delivered:  # what the driver reported stays exactly as it was
            kept = after[stop.job_id]
            assert kept.status == StopStatus.delivered and kept.start_s == stop.start_s
        v2_after = {s.job_id: s for s in new_routes["V2"] if s.kind == "job"}
        left_out = {u.job_id: u for u in unassigned_of(town.id, run.plan_version_id,
                                                          session=session)}  # fmt: skip
        for job in undelivered:
            assert job in v2_after or "broke down at 11:30" in left_out[job or ""].explanation
        taken = undelivered & v2_after.keys()
        assert taken, "V2 should take over some of V1's stops"
        # Their meals never were in V2: it fetches them from the kitchen on a trip of its own.
        old_v2_trips = max(s.trip for s in old["V2"])
        assert all(v2_after[j].trip > old_v2_trips for j in taken)
        # The kitchen packs them for V2's new trip; nothing more is packed for the broken van.
        sheet = kitchen_day(town.id, DAY, session=session)
        loads = [load for wave in sheet.kitchens[0].waves for load in wave.vans]
        packed = {(load.vehicle, line.client_id) for load in loads for line in load.lines}
        assert {("V2", job) for job in taken} <= packed
        assert not {("V1", job) for job in undelivered} & packed
        views = day_breakdowns(town.id, DAY, session=session)
        assert [(b.vehicle, b.at, b.version) for b in views] == [("V1", "11:30", 2)]
        v2_change = next(c for c in views[0].changes if c.resource == "V2")
        assert len(v2_change.added) == len(taken)
        assert session.exec(
            select(AuditEntry).where(AuditEntry.action == "vehicle.broke_down")
        ).one().entity_id == str(v1.id)


def test_a_breakdown_names_the_time_and_the_van(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        town, v1, _ = _town(session)
        other = meal_town.town(session, "Stara Zagora")
        k9 = meal_town.kitchen(session, other, "K9")
        foreign = meal_town.van(session, other, k9, "V9")
        assert town.id is not None and v1.id is not None and foreign.id is not None
        by = Actor("maria", Role.dispatcher)
        with pytest.raises(InvalidInputError) as late:
            record_breakdown(town.id, DAY, v1.id, time(15, 0), by=by, session=session)
        assert late.value.problems[0].field == "at"
        with pytest.raises(NotFoundError):
            record_breakdown(town.id, DAY, foreign.id, AT, by=by, session=session)
        # Before the freeze it is only recorded; the first plan then leaves the van out.
        event, _ = record_breakdown(town.id, DAY, v1.id, time(9, 0), by=by, session=session)
        assert not session.exec(select(Plan)).all()
        freeze_day(town.id, DAY, Service.meals, session=session)
        version = plan_day(town.id, DAY, Service.meals, session=session, time_limit=LIMIT,
                           now=_local(time(6, 0)))  # fmt: skip
        assert version.id is not None
        routes = {r.resource for r, _ in routes_of(town.id, version.id, session=session)}
        assert "V1" not in routes and event.payload["at"] == "09:00"


def _stop(
    kind: StopKind, job: str | None, at_s: int, status: StopStatus = StopStatus.planned
) -> Stop:
    return Stop(municipality_id=0, route_id=0, seq=0, kind=kind, job_id=job, trip=1,
                arrival_s=at_s, start_s=at_s, departure_s=at_s, status=status)  # fmt: skip


def test_a_van_breaking_later_keeps_what_it_reaches_before() -> None:
    h = 3600
    stops = [
        _stop(StopKind.start, None, 10 * h + 1800),
        _stop(StopKind.job, "j1", 10 * h + 2700, StopStatus.delivered),
        _stop(StopKind.job, "j2", 11 * h),
        _stop(StopKind.job, "j3", 11 * h + 2400),
        _stop(StopKind.end, None, 12 * h),
    ]
    out = 11 * h + 1800
    live = {"j1", "j2", "j3"}
    ahead = kept_part("V1", stops, published=True, now_s=11 * h + 600, live=live, out_from=out)
    assert ahead is not None and ahead.job_ids == ("j1", "j2") and ahead.back_s == out
    after = kept_part("V1", stops, published=True, now_s=11 * h + 2400, live=live, out_from=out)
    assert after is not None and after.job_ids == ("j1",)  # j2 was never reported: it moves
    assert kept_part("V1", stops[:1] + stops[2:], published=True, now_s=out + 60, live=live,
                     out_from=out) is None  # fmt: skip
