"""Stops by what they serve: the day's meal order or visit, across the versions of its plan.

A stop row belongs to one plan version, and every re-plan writes new rows. What a driver
reports on, and what a phone keeps while offline, is the order or visit itself (`StopKey`),
which all versions of the day share; these reads find its stop in a given version. A meal
stop serves all of a client's orders of the day under the first one's id, so an order's stop
is found through its client (the first order may have been cancelled since).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from scheduler.models import MealOrder, Plan, PlanVersion, Route, Stop, StopStatus, Visit

KINDS = ("order", "visit")
_KEY = re.compile(r"^(order|visit):([1-9][0-9]{0,9})$")


@dataclass(frozen=True)
class StopKey:
    """ "order:<id>" or "visit:<id>": a stop that keeps its name through every re-plan."""

    kind: str
    id: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> StopKey:
        found = _KEY.match(text)
        if found is None:
            raise ValueError("Expected 'order:<id>' or 'visit:<id>'")
        return cls(found.group(1), int(found.group(2)))


def key_of(stop: Stop) -> StopKey | None:
    if stop.visit_id is not None:
        return StopKey("visit", stop.visit_id)
    if stop.order_id is not None:
        return StopKey("order", stop.order_id)
    return None


@dataclass(frozen=True)
class Served:
    """What a key names, in one municipality: the order or visit, and its client."""

    key: StopKey
    client_id: int
    cancelled: bool
    row: MealOrder | Visit


def served(municipality_id: int, key: StopKey, *, session: Session) -> Served | None:
    row: MealOrder | Visit | None = (
        session.get(MealOrder, key.id) if key.kind == "order" else session.get(Visit, key.id)
    )
    if row is None or row.municipality_id != municipality_id:
        return None
    return Served(key, row.client_id, str(row.status) == "cancelled", row)


def stop_with_version(
    municipality_id: int, stop_id: int, *, session: Session
) -> tuple[Stop, Route, PlanVersion] | None:
    """A stop row of any version, with its route and version, if it is the municipality's."""
    row = session.exec(
        select(Stop, Route, PlanVersion)
        .join(Route, col(Route.id) == col(Stop.route_id))
        .join(PlanVersion, col(PlanVersion.id) == col(Route.plan_version_id))
        .where(Stop.id == stop_id, Stop.municipality_id == municipality_id)
    ).first()
    return (row[0], row[1], row[2]) if row else None


def _serving(found: Served) -> object:
    """The condition on Stop of the stops that serve `found` (see the module notes)."""
    if found.key.kind == "visit":
        return col(Stop.visit_id) == found.key.id
    return (col(Stop.client_id) == found.client_id) & col(Stop.order_id).is_not(None)


def stops_serving(
    municipality_id: int, version_ids: Sequence[int], found: Served, *, session: Session
) -> list[tuple[PlanVersion, Route, Stop]]:
    """The job stops of those versions that serve the order or visit, oldest version first."""
    if not version_ids:
        return []
    rows = session.exec(
        select(PlanVersion, Route, Stop)
        .join(Route, col(Route.plan_version_id) == col(PlanVersion.id))
        .join(Stop, col(Stop.route_id) == col(Route.id))
        .where(
            PlanVersion.municipality_id == municipality_id,
            Stop.municipality_id == municipality_id,
            col(PlanVersion.id).in_(list(version_ids)),
            Stop.kind == "job",
            _serving(found),  # type: ignore[arg-type]
        )
        .order_by(col(PlanVersion.version), col(Route.resource), col(Stop.seq))
    ).all()
    return [(v, r, s) for v, r, s in rows]


def versions_of(municipality_id: int, plan: Plan, *, session: Session) -> list[PlanVersion]:
    return list(
        session.exec(
            select(PlanVersion)
            .where(PlanVersion.municipality_id == municipality_id, PlanVersion.plan_id == plan.id)
            .order_by(col(PlanVersion.version))
        ).all()
    )


def reported(stop: Stop) -> bool:
    return stop.status != StopStatus.planned or stop.confirmed_at is not None


def carry_reports(municipality_id: int, before_id: int, after_id: int, *, session: Session) -> int:
    """Copy what drivers reported on `before`'s stops to the same jobs' stops of `after`.

    A version is built from the one drivers follow while they keep reporting on it, so a
    report can land on the old rows after the new version was stored; publishing the new one
    carries those reports over (a newer report on the new rows wins). Returns how many.
    """

    def jobs(version_id: int) -> dict[str, Stop]:
        rows = session.exec(
            select(Stop)
            .join(Route, col(Route.id) == col(Stop.route_id))
            .where(
                Route.plan_version_id == version_id,
                Stop.municipality_id == municipality_id,
                Stop.kind == "job",
            )
        ).all()
        return {s.job_id: s for s in rows if s.job_id}

    new = jobs(after_id)
    carried = 0
    for job_id, old in jobs(before_id).items():
        target = new.get(job_id)
        if target is None or not reported(old) or not newer(old, target):
            continue
        target.status, target.confirmed_at, target.note = old.status, old.confirmed_at, old.note
        target.report_lat, target.report_lon = old.report_lat, old.report_lon
        target.report_accuracy_m = old.report_accuracy_m
        session.add(target)
        carried += 1
    return carried


def newer(report: Stop, on: Stop) -> bool:
    """Whether `report`'s confirmation is later than what `on` holds (none is oldest)."""
    if on.confirmed_at is None:
        return True
    return report.confirmed_at is not None and report.confirmed_at > on.confirmed_at
