"""Check-in and check-out per visit, and what the dispatcher sees of them on the day.

A caregiver checks in on arriving and out on leaving, from the phone, with the time and the
phone's position when it gives one. Each report carries the phone's own id for it
(`client_event_id`), so a phone that sends it again after losing signal changes nothing: the
report is an event keyed `report:<id>`, the same key the route confirmations use
(scheduler/intake/confirmations.py), so a check made through either door counts once.

Effects, in one transaction: a `VisitCheck` row, the visit's status (checked in, then done),
the caregiver's stop in the followed plan (so a re-plan keeps the visit where it happened),
and the event. The record feeds the day's view (late, missed, too short, checked in far from
the client) and the monthly hours (scheduler/attendance_hours.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from scheduler.errors import InvalidInputError
from scheduler.events import record_event
from scheduler.intake.cutoff import as_utc
from scheduler.intake.visits import SERVICE
from scheduler.models import (
    Caregiver,
    CheckInKind,
    EventKind,
    OutboxTask,
    Stop,
    StopStatus,
    Visit,
    VisitCheck,
    VisitStatus,
)
from scheduler.refusals import Reason, problem, refuse
from scheduler.repositories.care import get_caregiver
from scheduler.repositories.plans import followed_version, get_plan, routes_of
from scheduler.repositories.tenancy import get_municipality
from scheduler.repositories.visits import check_by_client_event_id, get_visit, has_checked_in

CHECKED = {
    CheckInKind.in_: EventKind.visit_checked_in,
    CheckInKind.out: EventKind.visit_checked_out,
}


@dataclass(frozen=True)
class Check:
    """One check from a phone, in or out; `at` an aware instant."""

    visit_id: int
    caregiver_id: int
    kind: CheckInKind
    at: datetime
    client_event_id: str
    lon: float | None = None
    lat: float | None = None


class OffDayCheckError(InvalidInputError):
    """A check-in or check-out dated on another day than its visit's (a phone left on
    Monday's link that checks in on Friday): refused, never counted as 4 days late."""

    def __init__(self, day: date, local: date, field: str = "at") -> None:
        self.day = day
        self.local = local
        super().__init__([problem(field, Reason.off_day, local=local, day=day)])


def require_visit_day(day: date, at: datetime, timezone: str, field: str = "at") -> None:
    """OffDayCheckError unless `at` falls on `day` in the municipality's time zone."""
    local = as_utc(at).astimezone(ZoneInfo(timezone)).date()
    if local != day:
        raise OffDayCheckError(day, local, field)


def record_check(
    municipality_id: int, check: Check, *, session: Session, actor: str
) -> tuple[VisitCheck, bool]:
    """Store a check-in or check-out; (row, False) when this report was stored before."""
    visit = get_visit(municipality_id, check.visit_id, session=session)
    caregiver = get_caregiver(municipality_id, check.caregiver_id, session=session)
    earlier = check_by_client_event_id(municipality_id, check.client_event_id, session=session)
    if earlier is not None:
        return earlier, False
    _validate(municipality_id, check, visit, session=session)
    stop = _plan_stop(municipality_id, visit, caregiver, session=session)
    _, is_new = record_event(
        session,
        municipality_id=municipality_id,
        kind=CHECKED[check.kind],
        key=f"report:{check.client_event_id}",
        payload={
            "visit_id": visit.id,
            "caregiver_id": caregiver.id,
            "at": as_utc(check.at).isoformat(),
            "lon": check.lon,
            "lat": check.lat,
            "stop_id": stop.id if stop else None,
        },
        day=visit.day,
        service=SERVICE,
        actor=actor,
        tasks=[(OutboxTask.event, {})],
    )
    if not is_new:  # the same phone report came through the route confirmation first
        found = check_by_client_event_id(municipality_id, check.client_event_id, session=session)
        if found is not None:
            return found, False
    row = VisitCheck(
        municipality_id=municipality_id,
        visit_id=check.visit_id,
        caregiver_id=check.caregiver_id,
        kind=check.kind,
        at=as_utc(check.at),
        lon=check.lon,
        lat=check.lat,
        client_event_id=check.client_event_id,
    )
    session.add(row)
    _apply(visit, stop, check)
    session.flush()
    return row, True


def _validate(municipality_id: int, check: Check, visit: Visit, *, session: Session) -> None:
    if check.kind not in set(CheckInKind):  # a caller may still hand a plain string
        raise refuse("kind", Reason.not_one_of_got, choices="in, out", value=repr(check.kind))
    if not 1 <= len(check.client_event_id) <= 64:
        raise refuse("client_event_id", Reason.event_id_length)
    if check.at.tzinfo is None:
        raise refuse("at", Reason.needs_zone)
    if (check.lon is None) != (check.lat is None):
        raise refuse("lon", Reason.both_or_neither, first="lon", second="lat")
    lon, lat = check.lon, check.lat
    if lon is not None and lat is not None and not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise refuse("lon", Reason.no_such_position, lon=check.lon, lat=check.lat)
    if visit.status == VisitStatus.cancelled:
        raise refuse("visit_id", Reason.visit_cancelled, value=visit.external_id)
    town = get_municipality(municipality_id, session=session)
    require_visit_day(visit.day, check.at, town.timezone)
    if check.kind == "out" and not has_checked_in(
        municipality_id, check.visit_id, check.caregiver_id, session=session
    ):
        raise refuse("kind", Reason.check_in_first)


def _plan_stop(
    municipality_id: int, visit: Visit, caregiver: Caregiver, *, session: Session
) -> Stop | None:
    """The caregiver's stop for this visit in the followed plan, if the plan has one."""
    plan = get_plan(municipality_id, visit.day, SERVICE, session=session)
    version = followed_version(municipality_id, plan, session=session) if plan else None
    if version is None or version.id is None:
        return None
    for route, stops in routes_of(municipality_id, version.id, session=session):
        if route.caregiver_id == caregiver.id:
            return next((s for s in stops if s.visit_id == visit.id), None)
    return None


def _apply(visit: Visit, stop: Stop | None, check: Check) -> None:
    if check.kind == "in" and visit.status == VisitStatus.requested:
        visit.status = VisitStatus.checked_in
    elif check.kind == "out":
        visit.status = VisitStatus.done
    visit.updated_at = as_utc(check.at)
    if stop is not None:
        stop.status = StopStatus.checked_in if check.kind == "in" else StopStatus.done
        stop.confirmed_at = as_utc(check.at)


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Metres between two (lon, lat) points, near enough for "was the phone at the door"."""
    dx = (a[0] - b[0]) * 111_320 * math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot(dx, (a[1] - b[1]) * 110_570)
