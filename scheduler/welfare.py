"""Welfare alerts: a "check on me" client did not open the door, and someone must find out why.

The alert stores the facts a dispatcher needs to act, as a typed detail (`WelfareDetail`):
when, which van and driver, the address, the client's phone and whom to call. The words around
them are chosen when the alert is read, in the reader's language, so nothing English is stored.

Who is told: at step 0 the dispatchers on duty; when nobody has acknowledged the alert after
the municipality's `welfare_escalate_after_min`, the clock's sweep moves it to step 1 (the
first person on the escalation list), then step 2, and so on until someone takes it or the
list ends. Each step is one conditional update, one audit entry and one event whose key names
the alert and the step, so a step taken twice (two sweeps, a retried task) sends nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, Field
from sqlmodel import Session

from scheduler.alerts import AlertKind, raise_alert
from scheduler.audit import audit
from scheduler.events import record_event
from scheduler.models import Alert, Client, EventKind, OutboxTask, Route, User
from scheduler.refusals import Reason, refuse
from scheduler.repositories.alerts import (
    acknowledge_alert,
    advance_step,
    get_alert,
    open_alerts_of_kind,
)
from scheduler.repositories.tenancy import get_municipality
from scheduler.repositories.welfare import (
    crew_of_route,
    dispatchers_on_duty,
    escalation_list,
    list_contacts,
)

NOTIFY_TASK = OutboxTask.notify_alert  # sent as the Celery task "patronage.notify_alert"


class ContactDetail(BaseModel):
    name: str
    relation: str = ""
    phone: str


class WelfareDetail(BaseModel):
    """What a welfare alert's `detail` holds (facts only; the reader's words come later)."""

    at: datetime = Field(description="When the driver reported that nobody opened.")
    client: str
    address: str = ""
    phone: str = ""
    entry_notes: str = ""
    van: str = ""
    driver: str = ""
    contacts: list[ContactDetail] = Field(default_factory=list)


def welfare_detail(
    session: Session, municipality_id: int, route: Route | None, client: Client, at: datetime
) -> WelfareDetail:
    mid = municipality_id
    crew = crew_of_route(mid, route, session=session)
    assert client.id is not None
    contacts = list_contacts(mid, client.id, session=session)
    return WelfareDetail(
        at=at,
        client=client.name,
        address=client.address,
        phone=client.phone,
        entry_notes=client.entry_notes,
        van=crew.van,
        driver=crew.driver,
        contacts=[ContactDetail(name=c.name, relation=c.relation, phone=c.phone) for c in contacts],
    )


def detail_of(alert: Alert) -> WelfareDetail | None:
    """The typed detail of a welfare alert (None for other kinds and for older rows)."""
    if alert.kind != AlertKind.welfare.value or not alert.detail:
        return None
    return WelfareDetail.model_validate(alert.detail)


def raise_welfare_alert(
    session: Session,
    municipality_id: int,
    route: Route | None,
    stop_id: int | None,
    client: Client,
    at: datetime,
) -> Alert:
    """The alert with its facts, and the event that tells the dispatchers on duty (step 0).
    `route` is the reporter's route and `stop_id` the client's stop on it, where known: a
    report made against an older plan version may have neither in the published one."""
    detail = welfare_detail(session, municipality_id, route, client, at)
    alert = raise_alert(
        session,
        municipality_id,
        AlertKind.welfare,
        "",  # the words are the reader's: see WelfareDetail
        client_id=client.id,
        stop_id=stop_id,
        detail=detail.model_dump(mode="json"),
    )
    session.flush()
    _announce(session, alert, 0, actor="system")
    return alert


def _announce(session: Session, alert: Alert, step: int, *, actor: str) -> None:
    assert alert.id is not None
    args = {"municipality_id": alert.municipality_id, "alert_id": alert.id, "step": step}
    record_event(
        session,
        municipality_id=alert.municipality_id,
        kind=EventKind.alert_raised if step == 0 else EventKind.alert_escalated,
        key=f"alert:{alert.id}:{step}",
        payload={"alert_id": alert.id, "step": step},
        actor=actor,
        tasks=[(NOTIFY_TASK, args)],
    )


def recipients(session: Session, alert: Alert, step: int) -> list[User]:
    """Who is told at `step`: the dispatchers on duty, then one person of the list per step."""
    mid = alert.municipality_id
    if step == 0:
        return dispatchers_on_duty(mid, session=session)
    people = escalation_list(mid, session=session)
    return [people[step - 1]] if 0 < step <= len(people) else []


def escalate_due(session: Session, *, now: datetime) -> list[tuple[int, int]]:
    """Move every open welfare alert whose time ran out one step on; (alert id, new step).

    Idempotent: run twice at the same `now`, the second run finds nothing due (the step
    moved, and with it the time the next one is due)."""
    done: list[tuple[int, int]] = []
    towns: dict[int, tuple[int, list[User]]] = {}
    for alert in open_alerts_of_kind(AlertKind.welfare.value, session=session):
        mid = alert.municipality_id
        if mid not in towns:
            minutes = get_municipality(mid, session=session).welfare_escalate_after_min
            towns[mid] = (minutes, escalation_list(mid, session=session))
        minutes, people = towns[mid]
        since = alert.step_at or alert.created_at
        if alert.step >= len(people) or now < since + timedelta(minutes=minutes):
            continue
        step = alert.step + 1
        if not advance_step(alert, to=step, at=now, session=session):
            continue  # another sweep took this step, or someone acknowledged meanwhile
        person = people[step - 1]
        audit(
            mid,
            session=session,
            actor="clock",
            action="escalate",
            entity="alert",
            entity_id=alert.id,
            detail={"step": step, "user_id": person.id, "username": person.username},
        )
        _announce(session, alert, step, actor="clock")
        assert alert.id is not None
        done.append((alert.id, step))
    return done


def acknowledge(
    municipality_id: int, alert_id: int, *, note: str, by: str, session: Session
) -> tuple[Alert, bool]:
    """Take the alert; a welfare alert needs a note of what happened (reached by phone, a
    neighbour checked, ambulance called). The first to take it stays on record."""
    alert = get_alert(municipality_id, alert_id, session=session)
    if alert.kind == AlertKind.welfare.value and not note.strip():
        raise refuse("note", Reason.say_what_happened)
    return acknowledge_alert(municipality_id, alert_id, session=session, by=by, note=note.strip())
