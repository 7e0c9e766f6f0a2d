"""What drivers and caregivers report from the road: a stop delivered, not at home, refused,
a problem; a visit checked in and out.

Each report carries the phone's own id for it (`client_event_id`), made when the button was
pressed, so a phone that retries after losing signal changes nothing the second time: the
report is an event keyed by that id, written with its effects in one transaction.

Effects: the stop's status and time; the meal order's status (delivered meals are what the
monthly fee counts); the visit's status and check row; and an alert for the dispatcher when a
"check on me" client does not open the door (the lunch van is their daily welfare check:
scheduler/welfare.py), or when the driver reports a problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from scheduler.alerts import AlertKind, raise_alert
from scheduler.errors import InvalidInputError, NotFoundError
from scheduler.events import record_event
from scheduler.models import (
    Client,
    MealOrder,
    OrderStatus,
    Route,
    Stop,
    StopStatus,
    Visit,
    VisitCheck,
    VisitStatus,
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
EVENT_TASK = "event"  # the relay sends it as the Celery task "patronage.event"


@dataclass(frozen=True)
class Report:
    stop_id: int
    outcome: StopStatus
    client_event_id: str
    at: datetime
    note: str = ""
    lon: float | None = None
    lat: float | None = None


def confirm_stop(
    municipality_id: int, route_id: int, report: Report, *, actor: str, session: Session
) -> tuple[Stop, bool]:
    """Apply the report to a stop of `route_id`; (stop, False) when this report was applied."""
    stop = session.get(Stop, report.stop_id)
    if stop is None or stop.municipality_id != municipality_id or stop.route_id != route_id:
        raise NotFoundError("stop", report.stop_id)
    _check(stop, report)
    key = f"report:{report.client_event_id}"
    payload = {"stop_id": stop.id, "status": report.outcome.value, "note": report.note[:500]}
    _, is_new = record_event(
        session,
        municipality_id=municipality_id,
        kind="stop_reported",
        key=key,
        payload=payload,
        actor=actor,
        tasks=[(EVENT_TASK, {})],
    )
    if not is_new:
        return stop, False
    stop.status = report.outcome
    stop.confirmed_at = report.at
    stop.note = report.note[:500]
    session.add(stop)
    if stop.order_id is not None:
        _order(session, stop, report)
    if stop.visit_id is not None:
        _visit(session, stop, report, route_id)
    _alert(session, stop, report)
    session.flush()
    return stop, True


def _check(stop: Stop, report: Report) -> None:
    if stop.kind != "job":
        raise InvalidInputError.one("stop_id", "only a client's stop can be reported")
    allowed = VISIT_OUTCOMES if stop.visit_id is not None else MEAL_OUTCOMES
    if report.outcome not in allowed:
        choices = ", ".join(sorted(s.value for s in allowed))
        raise InvalidInputError.one("status", f"must be one of {choices}")
    if not 1 <= len(report.client_event_id) <= 64:
        raise InvalidInputError.one("client_event_id", "must have 1 to 64 characters")


def _order(session: Session, stop: Stop, report: Report) -> None:
    status = MEAL_OUTCOMES[report.outcome]
    order = session.get(MealOrder, stop.order_id)
    if order is not None and status is not None and order.status != OrderStatus.cancelled:
        order.status = status
        order.updated_at = report.at
        session.add(order)


def _visit(session: Session, stop: Stop, report: Report, route_id: int) -> None:
    status = VISIT_OUTCOMES[report.outcome]
    visit = session.get(Visit, stop.visit_id)
    route = session.get(Route, route_id)
    if visit is None or status is None:
        return
    visit.status = status
    visit.updated_at = report.at
    session.add(visit)
    if route is not None and route.caregiver_id is not None:
        session.add(
            VisitCheck(
                municipality_id=stop.municipality_id,
                visit_id=visit.id,  # type: ignore[arg-type]
                caregiver_id=route.caregiver_id,
                kind="in" if report.outcome == StopStatus.checked_in else "out",
                at=report.at,
                lon=report.lon,
                lat=report.lat,
                client_event_id=report.client_event_id,
            )
        )


def _alert(session: Session, stop: Stop, report: Report) -> None:
    client = session.get(Client, stop.client_id) if stop.client_id else None
    who = client.name if client else f"stop {stop.id}"
    if report.outcome == StopStatus.not_home and client is not None and client.check_on_me:
        raise_welfare_alert(session, stop, client, report.at)
        return
    if report.outcome == StopStatus.problem:
        kind = AlertKind.problem
        message = f"{who}: {report.note or 'problem reported'}"
    else:
        return
    raise_alert(
        session, stop.municipality_id, kind, message, client_id=stop.client_id, stop_id=stop.id
    )
