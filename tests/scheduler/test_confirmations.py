"""Reports name the order or visit, so a re-plan never loses one.

A tiny town (one kitchen, vans V1 and V2, four clients next to it); v1 is published, a re-plan
writes v2 with new stop rows, and the phone reports against what it saw in v1.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.errors import NotFoundError
from scheduler.intake.confirmations import (
    CANCELLED,
    MOVED,
    DayRoute,
    Report,
    confirm_stop,
)
from scheduler.intake.cutoff import freeze_day
from scheduler.intake.orders import Actor, cancel_order
from scheduler.models import (
    Alert,
    Client,
    Event,
    MealOrder,
    OrderStatus,
    Plan,
    PlanVersion,
    Role,
    Route,
    Stop,
    StopStatus,
)
from scheduler.planning import plan_day
from scheduler.repositories.plans import routes_of
from scheduler.repositories.stops import StopKey, carry_reports, key_of
from tests.scheduler import meal_town

DAY = date(2025, 6, 3)  # a Tuesday
NIGHT = datetime(2025, 6, 2, 22, 0, tzinfo=UTC)  # before the vans leave
AT = datetime(2025, 6, 3, 9, 30, tzinfo=UTC)


def _town(session: Session) -> int:
    town = meal_town.town(session)
    kitchen = meal_town.kitchen(session, town, "K1")
    meal_town.van(session, town, kitchen, "V1")
    meal_town.van(session, town, kitchen, "V2")
    for i in range(4):
        meal_town.client(
            session, town, kitchen, f"a{i}", offset=(0.003 * i - 0.004, 0.002), lives_alone=i == 0
        )
    assert town.id is not None
    freeze_day(town.id, DAY, "meals", session=session)
    return town.id


def _version(session: Session, mid: int, *, publish: bool) -> PlanVersion:
    version = plan_day(mid, DAY, "meals", session=session, time_limit=1.0, now=NIGHT)
    if publish:
        plan = session.exec(select(Plan)).one()
        plan.published_version = version.version
        session.add(plan)
    session.flush()
    return version


def _job_stops(session: Session, mid: int, version: PlanVersion) -> list[tuple[Route, Stop]]:
    assert version.id is not None
    rows = routes_of(mid, version.id, session=session)
    return [(route, s) for route, stops in rows for s in stops if s.kind == "job"]


def _report(stop: Stop, outcome: StopStatus, event: str, *, by_key: bool = True) -> Report:
    key = key_of(stop)
    return Report(
        None if by_key else stop.id, outcome, event, AT, key=key if by_key else None, version=1
    )


def _alerts(session: Session, kind: str) -> list[Alert]:
    return list(session.exec(select(Alert).where(Alert.kind == kind)).all())


def _where(mid: int, route: Route) -> DayRoute:
    return DayRoute(mid, DAY, "meals", route.resource)


def test_a_report_against_an_older_version_lands_on_the_current_stop(engine: Engine) -> None:
    with Session(engine) as session:
        mid = _town(session)
        v1 = _version(session, mid, publish=True)
        (route, first), (_, second) = _job_stops(session, mid, v1)[:2]
        v2 = _version(session, mid, publish=True)  # a re-plan: every stop is a new row
        now = {s.job_id: s for _, s in _job_stops(session, mid, v2)}
        assert now[first.job_id].id != first.id

        by_key = confirm_stop(
            _where(mid, route),
            _report(first, StopStatus.delivered, "e1"),
            actor="t",
            session=session,
        )
        # A page opened before keys existed sends the v1 row id: read as its order.
        by_row = confirm_stop(
            _where(mid, route),
            _report(second, StopStatus.refused, "e2", by_key=False),
            actor="t",
            session=session,
        )
        assert (by_key.applied, by_key.conflict, by_key.stop) == (True, "", now[first.job_id])
        assert by_row.stop is not None and by_row.stop.id == now[second.job_id].id
        assert now[first.job_id].status == StopStatus.delivered
        assert now[second.job_id].status == StopStatus.refused
        order = session.get(MealOrder, first.order_id)
        assert order is not None and order.status == OrderStatus.delivered
        again = confirm_stop(
            _where(mid, route),
            _report(first, StopStatus.delivered, "e1"),
            actor="t",
            session=session,
        )
        assert again.applied is False


def test_not_at_home_alone_after_a_replan_raises_the_welfare_alert(engine: Engine) -> None:
    with Session(engine) as session:
        mid = _town(session)
        v1 = _version(session, mid, publish=True)
        alone = session.exec(select(Client).where(Client.external_id == "a0")).one()
        route, stop = next(
            (r, s) for r, s in _job_stops(session, mid, v1) if s.client_id == alone.id
        )
        _version(session, mid, publish=True)
        done = confirm_stop(
            _where(mid, route),
            _report(stop, StopStatus.not_home, "e1", by_key=False),
            actor="t",
            session=session,
        )
        assert done.applied and done.status == StopStatus.not_home
        (alert,) = _alerts(session, "welfare")
        assert alert.client_id == alone.id and alert.stop_id == (done.stop and done.stop.id)


def test_a_stop_now_on_another_route_keeps_the_report_and_tells_the_dispatcher(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        mid = _town(session)
        v1 = _version(session, mid, publish=True)
        alone = session.exec(select(Client).where(Client.external_id == "a0")).one()
        route, stop = next(
            (r, s) for r, s in _job_stops(session, mid, v1) if s.client_id == alone.id
        )
        v2 = _version(session, mid, publish=True)
        # In v2 the stop rides with the other van.
        other = "V2" if route.resource == "V1" else "V1"
        moved = next(s for _, s in _job_stops(session, mid, v2) if s.job_id == stop.job_id)
        target = Route(municipality_id=mid, plan_version_id=v2.id or 0, resource=other)
        session.add(target)
        session.flush()
        moved.route_id = target.id or 0
        session.add(moved)
        session.flush()

        done = confirm_stop(
            _where(mid, route), _report(stop, StopStatus.not_home, "e1"), actor="t", session=session
        )
        assert (done.applied, done.conflict, done.stop) == (True, MOVED, None)
        assert moved.status == StopStatus.planned  # the other driver's stop is not touched
        (conflict,) = _alerts(session, "report_conflict")
        assert other in conflict.message and conflict.client_id == alone.id
        assert len(_alerts(session, "welfare")) == 1  # raised whatever became of the stop
        event = session.exec(select(Event).where(Event.event_key == "report:e1")).one()
        assert event.payload["conflict"] == MOVED and event.payload["stop_key"] == str(key_of(stop))


def test_a_report_on_a_cancelled_order_is_kept_and_flagged(engine: Engine) -> None:
    with Session(engine) as session:
        mid = _town(session)
        v1 = _version(session, mid, publish=True)
        route, stop = _job_stops(session, mid, v1)[1]
        assert stop.client_id is not None
        by = Actor("ana", Role.dispatcher, force=True, now=NIGHT + timedelta(hours=1))
        cancel_order(mid, stop.client_id, DAY, session=session, by=by)
        v2 = _version(session, mid, publish=True)
        assert stop.job_id not in {s.job_id for _, s in _job_stops(session, mid, v2)}

        done = confirm_stop(
            _where(mid, route),
            _report(stop, StopStatus.delivered, "e1"),
            actor="t",
            session=session,
        )
        assert (done.applied, done.conflict) == (True, CANCELLED)
        order = session.get(MealOrder, stop.order_id)
        assert order is not None and order.status == OrderStatus.cancelled
        assert len(_alerts(session, "report_conflict")) == 1
        assert session.exec(select(Event).where(Event.event_key == "report:e1")).one()


def test_an_order_left_out_of_the_new_version_is_still_recorded(engine: Engine) -> None:
    with Session(engine) as session:
        mid = _town(session)
        v1 = _version(session, mid, publish=True)
        route, stop = _job_stops(session, mid, v1)[0]
        v2 = _version(session, mid, publish=True)
        gone = next(s for _, s in _job_stops(session, mid, v2) if s.job_id == stop.job_id)
        session.delete(gone)  # as if the solver could not fit it any more
        session.flush()
        done = confirm_stop(
            _where(mid, route),
            _report(stop, StopStatus.delivered, "e1"),
            actor="t",
            session=session,
        )
        assert (done.applied, done.conflict, done.stop) == (True, "", None)
        order = session.get(MealOrder, stop.order_id)
        assert order is not None and order.status == OrderStatus.delivered


def test_a_held_replan_shows_the_report_and_publishing_carries_it(engine: Engine) -> None:
    with Session(engine) as session:
        mid = _town(session)
        v1 = _version(session, mid, publish=True)
        route, stop = _job_stops(session, mid, v1)[0]
        v2 = _version(session, mid, publish=False)  # held: drivers still follow v1
        confirm_stop(
            _where(mid, route),
            _report(stop, StopStatus.delivered, "e1"),
            actor="t",
            session=session,
        )
        assert stop.status == StopStatus.delivered
        draft = next(s for _, s in _job_stops(session, mid, v2) if s.job_id == stop.job_id)
        assert draft.status == StopStatus.delivered  # mirrored onto the held version
        # A report that reached v1 only (made while v3 was being planned) is carried over.
        v3 = _version(session, mid, publish=False)
        late = _job_stops(session, mid, v1)[1][1]
        late.status, late.confirmed_at = StopStatus.refused, AT
        session.add(late)
        session.flush()
        assert v1.id is not None and v3.id is not None
        # v3 took the first report when it was planned; only the late one is carried.
        assert carry_reports(mid, v1.id, v3.id, session=session) == 1
        copied = next(s for _, s in _job_stops(session, mid, v3) if s.job_id == late.job_id)
        assert copied.status == StopStatus.refused


def test_a_stop_never_on_the_reporters_route_is_not_found(engine: Engine) -> None:
    with Session(engine) as session:
        mid = _town(session)
        v1 = _version(session, mid, publish=True)
        route, stop = _job_stops(session, mid, v1)[0]
        stranger = DayRoute(mid, DAY, "meals", "V9")
        with pytest.raises(NotFoundError):
            confirm_stop(stranger, _report(stop, StopStatus.delivered, "e1"), actor="t",
                         session=session)  # fmt: skip
        with pytest.raises(NotFoundError):
            bogus = Report(None, StopStatus.delivered, "e2", AT, key=StopKey("order", 999999))
            confirm_stop(_where(mid, route), bogus, actor="t", session=session)
