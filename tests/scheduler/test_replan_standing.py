"""A late cancellation re-planned without a search (routing/standing.py, planning/day.py): the
old routes less the cancelled stop, checked by validate.py, and the search when that fails."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

import routing
from scheduler.db import session_scope
from scheduler.intake.cutoff import freeze_day
from scheduler.intake.orders import Actor, cancel_order
from scheduler.lab.bench_meals import bench_day
from scheduler.lab.demo import DemoRun, setup_steps
from scheduler.lab.synthetic import TownSize
from scheduler.models import Client, Municipality, PlanVersion, Role, Service
from scheduler.planning import day as day_module
from scheduler.planning import plan_day
from scheduler.repositories.plans import RouteRows, routes_of

SMALL = TownSize(clients=40, vans=3, kitchens=1, caregivers=2, visits=0)
TODAY = date(2026, 3, 4)


def _planned(run: DemoRun) -> tuple[int, date, datetime, PlanVersion, RouteRows]:
    for step in setup_steps():
        step.run(run)
    mid = run.require_municipality()
    with session_scope(run.engine) as session:
        town = session.get(Municipality, mid)
        assert town is not None
        day = bench_day(session, town, TODAY)
        night = datetime.combine(day - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
        freeze_day(mid, day, Service.meals, session=session, reason="test")
        first = plan_day(mid, day, Service.meals, session=session, time_limit=2.0, now=night)
        assert first.id is not None and first.summary["unassigned"] == 0
        return mid, day, night, first, routes_of(mid, first.id, session=session)


def _searches(monkeypatch: pytest.MonkeyPatch) -> list[float | None]:
    """The time limits of the searches plan_day runs from now on."""
    calls: list[float | None] = []
    real = day_module._solve

    def spy(problem: routing.Problem, time_limit: float | None, *, meals: bool) -> Any:
        calls.append(time_limit)
        return real(problem, time_limit, meals=meals)

    monkeypatch.setattr(day_module, "_solve", spy)
    return calls


def _starts(routes: RouteRows) -> dict[str, tuple[str, int]]:
    return {
        s.job_id or "": (r.resource, s.start_s) for r, ss in routes for s in ss if s.kind == "job"
    }


def _cancel_middle_stop(
    run: DemoRun, mid: int, day: date, night: datetime, routes: RouteRows
) -> str:
    _, stops = max(routes, key=lambda r: len(r[1]))
    gone = [s for s in stops if s.kind == "job"][len(stops) // 4]
    assert gone.client_id is not None and gone.job_id is not None
    with session_scope(run.engine) as session:
        by = Actor("dispatcher", Role.dispatcher, force=True, now=night)
        cancel_order(mid, gone.client_id, day, session=session, by=by)
    return gone.job_id


def test_a_late_cancellation_keeps_every_other_stop_without_a_search(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = DemoRun(database_url=sqlite_url, folder=tmp_path / "files", size=SMALL, today=TODAY)
    mid, day, night, _, before = _planned(run)
    gone = _cancel_middle_stop(run, mid, day, night, before)
    searches = _searches(monkeypatch)
    with session_scope(run.engine) as session:
        second = plan_day(mid, day, Service.meals, session=session, time_limit=2.0, now=night,
                          reason="late")  # fmt: skip
        assert second.id is not None
        after = routes_of(mid, second.id, session=session)
    assert searches == []  # stored without a search, so validate.py passed it (day.py)
    assert second.summary["removed"] == 1 and second.moved_stops == 0
    assert second.summary["unassigned"] == 0
    old, new = _starts(before), _starts(after)
    assert set(new) == set(old) - {gone}
    assert all(new[j] == old[j] for j in new)  # the same van, the same time, for everyone


def test_a_cancellation_whose_old_routes_no_longer_hold_gets_the_search(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = DemoRun(database_url=sqlite_url, folder=tmp_path / "files", size=SMALL, today=TODAY)
    mid, day, night, _, before = _planned(run)
    gone = _cancel_middle_stop(run, mid, day, night, before)
    # Meanwhile another van's client asked for lunch much later than planned for them.
    other = next(s for r, ss in before if r.resource != _starts(before)[gone][0] for s in ss
                 if s.kind == "job" and s.start_s < 12 * 3600)  # fmt: skip
    with session_scope(run.engine) as session:
        client = session.get(Client, other.client_id)
        assert client is not None
        client.window_start, client.window_end = time(13, 30), time(14, 0)
        session.add(client)
    searches = _searches(monkeypatch)
    with session_scope(run.engine) as session:
        second = plan_day(mid, day, Service.meals, session=session, time_limit=2.0, now=night,
                          reason="late")  # fmt: skip
        assert second.id is not None
        after = routes_of(mid, second.id, session=session)
    assert searches == [2.0]
    moved = next(s for r, ss in after for s in ss if s.job_id == other.job_id)
    assert moved.start_s >= 13 * 3600 + 1800
