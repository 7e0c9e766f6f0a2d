"""What drivers and caregivers report from the road: a stop delivered, not at home, refused,
a problem; a visit checked in and out.

Each report carries the phone's own id for it (`client_event_id`), made when the button was
pressed, so a phone that retries after losing signal changes nothing the second time: the
report is an event keyed by that id, written with its effects in one transaction.

A report names the day's meal order or visit (`StopKey`, "order:12"), not a stop row: every
re-plan writes new rows, and a phone may send a report hours after it was made, against the
version it had then. (Pages opened before keys existed send a stop row id of any version; it
is read as the order or visit that row served.) The report is applied to that order's or
visit's stop in the published version when it is on the reporter's route; when it is in no
published route (left unserved) it is still recorded on the order or visit. When it truly
conflicts (the order was cancelled, or the stop is now on another driver's route) nothing
else is changed, but the report is kept as its event and the dispatcher gets an alert: a
report is never dropped.

Effects: the stop's status and time (and the same stop of any newer, not yet published
version, so a held re-plan shows it too); the meal order's status (delivered meals are what
the monthly fee counts); the visit's status and check row; and an alert for the dispatcher
when a "check on me" client does not open the door (the lunch van is their daily welfare
check, so this alert is raised whatever became of the stop: scheduler/welfare.py), or when
the driver reports a problem.

A report may carry the phone's position (lat, lon, accuracy), kept on the stop for the
board. A report with status `planned` that names another (`corrects`) undoes it within the
minute (intake/undo.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from scheduler.alerts import N_, AlertKind, raise_alert
from scheduler.errors import NotFoundError
from scheduler.events import record_event
from scheduler.intake.undo import before_report, corrected_report, undo
from scheduler.models import (
    CheckInKind,
    Client,
    EventKind,
    MealOrder,
    OrderStatus,
    OutboxTask,
    Plan,
    PlanVersion,
    Route,
    Service,
    Stop,
    StopKind,
    StopStatus,
    Visit,
    VisitCheck,
    VisitStatus,
)
from scheduler.refusals import Reason, refuse
from scheduler.repositories.common import find_owned
from scheduler.repositories.plans import get_plan, get_version
from scheduler.repositories.stops import (
    Served,
    StopKey,
    key_of,
    newer,
    served,
    stop_with_version,
    stops_serving,
    versions_of,
)
from scheduler.welfare import raise_welfare_alert

MEAL_OUTCOMES = {
    StopStatus.delivered: OrderStatus.delivered,
    StopStatus.not_home: OrderStatus.not_home,
    StopStatus.refused: OrderStatus.refused,
    StopStatus.problem: None,
}
VISIT_OUTCOMES = {
    StopStatus.checked_in: VisitStatus.checked_in,
    StopStatus.done: VisitStatus.done,
    StopStatus.problem: None,
}
MOVED, CANCELLED = "moved", "cancelled"  # the conflicts a report can meet


@dataclass(frozen=True)
class Report:
    stop_id: int | None  # a stop row id of any version (pages opened before keys existed)
    outcome: StopStatus
    client_event_id: str
    at: datetime
    note: str = ""
    lon: float | None = None
    lat: float | None = None
    key: StopKey | None = None  # what the phone names now: "order:12" or "visit:7"
    version: int = 0  # the plan version the phone showed when the button was pressed
    accuracy: float | None = None  # of lat/lon, in metres
    corrects: str = ""  # an undo: the client_event_id of the report it takes back


@dataclass(frozen=True)
class DayRoute:
    """Whose report it is: a driver's or caregiver's route on a day (the phone's day link)."""

    municipality_id: int
    day: date
    service: Service
    resource: str


@dataclass(frozen=True)
class Confirmation:
    key: StopKey
    stop: Stop | None  # the published stop the report was applied to, if any
    status: StopStatus
    applied: bool  # False when this client_event_id was already recorded
    conflict: str = ""  # "", MOVED or CANCELLED: kept, and shown to the dispatcher


@dataclass(frozen=True)
class _Found:
    """The report's order or visit and where it stands in the day's plan."""

    subject: Served
    published: PlanVersion
    own: Stop | None  # its stop on the reporter's route in the published version
    own_route: Route | None
    elsewhere: Route | None  # its route in the published version when it is another's
    reporter: Route  # the reporter's route that had it (the published one when it still does)


def confirm_stop(where: DayRoute, report: Report, *, actor: str, session: Session) -> Confirmation:
    """Record the report and apply it where it belongs (see the module notes)."""
    plan = get_plan(where.municipality_id, where.day, where.service, session=session)
    key = _key(where, plan, report, session)
    assert plan is not None  # _key found a stop of this plan or an order of its day
    _check(key, report)
    found = _locate(where, plan, key, session)
    original = (
        corrected_report(
            where.municipality_id, str(key), report.corrects, report.at, session=session
        )
        if report.outcome == StopStatus.planned
        else None
    )
    conflict = CANCELLED if found.subject.cancelled else (MOVED if found.elsewhere else "")
    payload = {
        "stop_key": str(key),
        "stop_id": found.own.id if found.own else None,
        "seen_version": report.version,
        "published_version": found.published.version,
        "resource": where.resource,
        "status": report.outcome.value,
        "note": report.note[:500],
        "conflict": conflict,
        "at": report.at.isoformat(),
        "position": [report.lat, report.lon, report.accuracy] if report.lat is not None else None,
        "corrects": report.corrects,
        "before": before_report(found.own, found.subject.row),
    }
    _, is_new = record_event(
        session,
        municipality_id=where.municipality_id,
        kind=EventKind.stop_reported,
        key=f"report:{report.client_event_id}",
        payload=payload,
        actor=actor,
        tasks=[(OutboxTask.event, {})],
    )
    if not is_new:
        status = found.own.status if found.own else report.outcome
        return Confirmation(key, found.own, status, False, conflict)
    if original is not None:
        undo(session, original, _stops(plan, found, session), found.subject.row)
    elif conflict != MOVED:
        _apply(session, plan, found, report)
    client = _client(where, found, session=session)
    _alert(session, where, found, report, client)
    if conflict and original is None:
        _conflict(session, where, found, report, client, conflict)
    session.flush()
    status = found.own.status if found.own else report.outcome
    return Confirmation(key, found.own, status, True, conflict)


def _key(where: DayRoute, plan: Plan | None, report: Report, session: Session) -> StopKey:
    """The order or visit the report names; NotFoundError when it is not of this day."""
    if report.key is not None:
        return report.key
    if report.stop_id is None:
        raise refuse("stop_key", Reason.name_the_stop)
    row = stop_with_version(where.municipality_id, report.stop_id, session=session)
    if row is None or plan is None or row[2].plan_id != plan.id:
        raise NotFoundError("stop", report.stop_id)
    key = key_of(row[0])
    if row[0].kind != "job" or key is None:
        raise refuse("stop_id", Reason.only_client_stop)
    return key


def _check(key: StopKey, report: Report) -> None:
    allowed = VISIT_OUTCOMES if key.kind == "visit" else MEAL_OUTCOMES
    if report.outcome == StopStatus.planned and report.corrects:
        return  # an undo: intake/undo.py checks what it corrects
    if report.outcome not in allowed:
        choices = ", ".join(sorted(s.value for s in allowed))
        raise refuse("status", Reason.must_be_one_of, choices=choices)
    if not 1 <= len(report.client_event_id) <= 64:
        raise refuse("client_event_id", Reason.event_id_length)


def _locate(where: DayRoute, plan: Plan, key: StopKey, session: Session) -> _Found:
    """Where the order or visit is now. NotFoundError unless it is of the day and was on the
    reporter's route in some version (a phone reports only on what it was given)."""
    mid = where.municipality_id
    subject = served(mid, key, session=session)
    if subject is None or subject.row.day != where.day:
        raise NotFoundError("stop", str(key))
    published = get_version(mid, plan, plan.published_version, session=session)
    if published is None or published.id is None:
        raise NotFoundError("published plan", where.day.isoformat())
    versions = [v.id for v in versions_of(mid, plan, session=session) if v.id is not None]
    rows = stops_serving(mid, versions, subject, session=session)
    theirs = [route for _, route, _ in rows if route.resource == where.resource]
    if not theirs:
        raise NotFoundError("stop", str(key))
    now = [(route, stop) for version, route, stop in rows if version.id == published.id]
    own = next(((r, s) for r, s in now if r.resource == where.resource), None)
    other = next((r for r, _ in now if r.resource != where.resource), None)
    return _Found(
        subject,
        published,
        own[1] if own else None,
        own[0] if own else None,
        None if own else other,
        own[0] if own else theirs[-1],
    )


def _apply(session: Session, plan: Plan, found: _Found, report: Report) -> None:
    """The stop's, the order's or visit's status; the same stop of newer versions too."""
    if found.own is not None:
        _set(session, found.own, report)
    later = [
        v.id
        for v in versions_of(found.published.municipality_id, plan, session=session)
        if v.version > found.published.version and v.id is not None
    ]
    for _, _, stop in stops_serving(found.published.municipality_id, later, found.subject,
                                    session=session):  # fmt: skip
        probe = Stop(
            municipality_id=0, route_id=0, seq=0, kind=StopKind.job, confirmed_at=report.at
        )
        if newer(probe, stop):
            _set(session, stop, report)
    row = found.subject.row
    if isinstance(row, MealOrder):
        _order(session, row, report)
    else:
        _visit(session, row, report, found.own_route)


def _stops(plan: Plan, found: _Found, session: Session) -> list[Stop]:
    """Its stop on the reporter's published route, and its stops of newer versions."""
    mid = found.published.municipality_id
    later = [
        v.id
        for v in versions_of(mid, plan, session=session)
        if v.version > found.published.version and v.id is not None
    ]
    newer_stops = [s for _, _, s in stops_serving(mid, later, found.subject, session=session)]
    return ([found.own] if found.own else []) + newer_stops


def _set(session: Session, stop: Stop, report: Report) -> None:
    stop.status = report.outcome
    stop.confirmed_at = report.at
    stop.note = report.note[:500]
    stop.report_lat, stop.report_lon = report.lat, report.lon
    stop.report_accuracy_m = report.accuracy if report.lat is not None else None
    session.add(stop)


def _order(session: Session, order: MealOrder, report: Report) -> None:
    status = MEAL_OUTCOMES[report.outcome]
    if status is not None and order.status != OrderStatus.cancelled:
        order.status = status
        order.updated_at = report.at
        session.add(order)


def _visit(session: Session, visit: Visit, report: Report, route: Route | None) -> None:
    status = VISIT_OUTCOMES[report.outcome]
    if status is None or visit.status == VisitStatus.cancelled:
        return
    visit.status = status
    visit.updated_at = report.at
    session.add(visit)
    if route is not None and route.caregiver_id is not None:
        session.add(
            VisitCheck(
                municipality_id=visit.municipality_id,
                visit_id=visit.id,  # type: ignore[arg-type]
                caregiver_id=route.caregiver_id,
                kind=CheckInKind.in_
                if report.outcome == StopStatus.checked_in
                else CheckInKind.out,
                at=report.at,
                lon=report.lon,
                lat=report.lat,
                client_event_id=report.client_event_id,
            )
        )


def _alert(
    session: Session, where: DayRoute, found: _Found, report: Report, client: Client | None
) -> None:
    who = client.name if client else str(found.subject.key)
    if report.outcome == StopStatus.not_home and client is not None and client.check_on_me:
        stop_id = found.own.id if found.own else None
        mid = where.municipality_id
        raise_welfare_alert(session, mid, found.reporter, stop_id, client, report.at)
        return
    if report.outcome != StopStatus.problem:
        return
    if report.note:
        message, params = N_("%(who)s: %(note)s"), {"who": who, "note": report.note}
    else:
        message, params = N_("%(who)s: problem reported"), {"who": who}
    _raise(session, where, found, AlertKind.problem, message, params)


def _conflict(
    session: Session,
    where: DayRoute,
    found: _Found,
    report: Report,
    client: Client | None,
    conflict: str,
) -> None:
    """Kept, not applied (or applied to a cancelled order's stop only): the dispatcher decides."""
    who = client.name if client else str(found.subject.key)
    said = {"resource": where.resource, "outcome": report.outcome.value, "who": who}
    if conflict == CANCELLED:
        message = N_(
            "%(resource)s reported %(outcome)s for %(who)s, but the order was cancelled; "
            "check whether the meal was left"
        )
    else:
        said["van"] = found.elsewhere.resource if found.elsewhere else "?"
        message = N_(
            "%(resource)s reported %(outcome)s for %(who)s, but the stop is now on route "
            "%(van)s; tell %(van)s before it goes there"
        )
    _raise(session, where, found, AlertKind.report_conflict, message, said)


def _client(where: DayRoute, found: _Found, *, session: Session) -> Client | None:
    client_id = found.subject.client_id
    if client_id is None:
        return None
    return find_owned(Client, where.municipality_id, client_id, session=session)


def _raise(
    session: Session,
    where: DayRoute,
    found: _Found,
    kind: AlertKind,
    message: str,
    params: dict[str, str],
) -> None:
    stop_id = found.own.id if found.own else None
    raise_alert(
        session,
        where.municipality_id,
        kind,
        message,
        params=params,
        client_id=found.subject.client_id,
        stop_id=stop_id,
    )
