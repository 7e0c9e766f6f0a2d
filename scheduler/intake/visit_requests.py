"""Changes to a day's home-care visits: one-off visits, cancellations, lunches carried on visits.

They follow the meal orders (`scheduler.intake.orders`): a change is checked against the
cut-off of its date and refused after it unless a dispatcher forces it, which is marked on the
event and written to the audit log. Each accepted change records an event in the same session;
when the date is already frozen it also makes a new freeze version, whose event asks for the
re-plan.
Asking for the same change twice changes nothing the second time.

A lunch carried on a visit (Slovenian practice, allowed per municipality) leaves the vans: the
meal order stays (the kitchen still cooks it, the fee still counts it), the meal plan leaves
the client out, and the caregiver's day says which lunch to bring.
"""

from __future__ import annotations

import uuid
from datetime import date, time
from typing import Any

from sqlmodel import Field, Session, SQLModel

from scheduler.errors import FieldProblem, InvalidInputError, NotFoundError
from scheduler.events import record_event
from scheduler.intake.cutoff import check_change
from scheduler.intake.day_changes import Actor, DayChange, VisitPayload, record_day_change
from scheduler.intake.delivery_days import DeliveryCalendar, delivery_calendar
from scheduler.intake.subscriptions import generate_orders
from scheduler.intake.visits import SERVICE, generate_visits
from scheduler.models import (
    Client,
    ClientStatus,
    EventKind,
    OutboxTask,
    Service,
    Visit,
    VisitStatus,
)
from scheduler.models.base import utcnow
from scheduler.refusals import WORDS, Reason, problem, problem_in_parts, refuse
from scheduler.repositories.care import (
    caregivers_by_external_id,
    check_skills,
    get_visit_plan_by_external_id,
    known_skills,
)
from scheduler.repositories.clients import get_client
from scheduler.repositories.common import check_order, find_owned, raise_problems, require_text
from scheduler.repositories.freezes import latest_freeze
from scheduler.repositories.orders import live_client_order
from scheduler.repositories.tenancy import get_municipality, municipality_by_id
from scheduler.repositories.visits import get_visit, visit_by_external_id
from scheduler.wording import term

STARTED = (VisitStatus.checked_in, VisitStatus.done)


class VisitIn(SQLModel):
    """A one-off visit on one date (a visit after a hospital stay, an extra shopping trip)."""

    external_id: str = Field(max_length=62, description="Unique on its date.")
    client_id: int
    window_start: time = Field(description="Earliest start of the visit.")
    window_end: time = Field(description="Latest start of the visit.")
    duration_min: int = Field(gt=0, le=720)
    skills: list[str] = Field(default_factory=list)
    caregivers_needed: int = Field(default=1, ge=1, le=2)
    preferred_caregivers: list[str] = Field(default_factory=list)
    after_visit_id: int | None = Field(default=None, description="A visit of the same date.")
    min_gap_min: int | None = Field(default=None, ge=0, le=1440)
    max_gap_min: int | None = Field(default=None, ge=0, le=1440)
    tasks: str = Field(default="", max_length=1000)


def _open_day(municipality_id: int, day: date, by: Actor, *, session: Session) -> bool:
    """Refuse a change after the cut-off unless forced; True when the change is late."""
    municipality = get_municipality(municipality_id, session=session)
    calendar = delivery_calendar(session, municipality)
    _works(calendar, day)
    return check_change(municipality, day, by.now, calendar, force=by.force, role=by.role)


def _works(calendar: DeliveryCalendar, day: date) -> None:
    if not calendar.delivers(day):
        message = f"no home care: {calendar.why_not(day)}; mark the date as a working day first"
        parts = [(WORDS[Reason.no_home_care], {}), calendar.why_not_said(day) or ("", {}),
                 (WORDS[Reason.working_day_first], {})]  # fmt: skip
        found = problem_in_parts("day", Reason.no_home_care, *parts, message=message)
        raise InvalidInputError([found])


def request_visit(
    municipality_id: int, day: date, data: VisitIn, *, session: Session, by: Actor
) -> Visit:
    """A one-off visit on `day`, or a change to one; the same request twice changes nothing."""
    values = data.model_dump()
    existing = visit_by_external_id(municipality_id, data.external_id, day, session=session)
    raise_problems(_check_visit(municipality_id, day, values, existing, session=session))
    if existing is not None and existing.visit_plan_id is not None:
        raise refuse("external_id", Reason.recurring_visit, value=data.external_id)
    if existing is not None and existing.status in STARTED:
        raise refuse("external_id", Reason.already_started, value=data.external_id)
    unchanged = existing is not None and existing.status == VisitStatus.requested
    if existing is not None and unchanged and _same(existing, values):
        return existing
    late = _open_day(municipality_id, day, by, session=session)
    visit = existing or Visit(municipality_id=municipality_id, day=day, **values)
    for name, value in values.items():
        setattr(visit, name, value)
    visit.status, visit.updated_at = VisitStatus.requested, utcnow()
    session.add(visit)
    session.flush()
    kind = EventKind.visit_requested if existing is None else EventKind.visit_changed
    _record(visit, kind, by, late, session=session)
    return visit


def _same(visit: Visit, values: dict[str, Any]) -> bool:
    return all(getattr(visit, name) == value for name, value in values.items())


def _check_visit(
    municipality_id: int,
    day: date,
    values: dict[str, Any],
    existing: Visit | None,
    *,
    session: Session,
) -> list[FieldProblem]:
    problems = (
        require_text(values["external_id"], "external_id")
        + check_order(values, "window_start", "window_end", strict=False)
        + check_skills(values["skills"])
        + _check_gaps(values)
    )
    client = find_owned(Client, municipality_id, values["client_id"], session=session)
    if client is None:
        problems.append(problem("client_id", Reason.no_client_here, value=values["client_id"]))
    elif client.status != ClientStatus.active:
        problems.append(
            problem(
                "client_id",
                Reason.client_not_active,
                client=client.external_id,
                status=term(client.status),
            )
        )
    known = caregivers_by_external_id(municipality_id, session=session)
    problems += [
        problem("preferred_caregivers", Reason.no_caregiver, value=repr(ext))
        for ext in values["preferred_caregivers"]
        if ext not in known
    ]
    skills = known_skills(municipality_id, session=session)
    problems += [
        problem("skills", Reason.no_caregiver_with_skill, value=repr(s))
        for s in values["skills"]
        if s not in skills
    ]
    return problems + _check_names(municipality_id, day, values, existing, session=session)


def _check_gaps(values: dict[str, Any]) -> list[FieldProblem]:
    given = [values["min_gap_min"] is not None, values["max_gap_min"] is not None]
    if values["after_visit_id"] is None:
        return [problem("after_visit_id", Reason.after_visit_for_gap)] if any(given) else []
    if not all(given):
        return [problem("min_gap_min", Reason.both_gaps)]
    if values["max_gap_min"] < values["min_gap_min"]:
        return [problem("max_gap_min", Reason.gap_too_small, n=values["min_gap_min"])]
    return []


def _check_names(
    municipality_id: int,
    day: date,
    values: dict[str, Any],
    existing: Visit | None,
    *,
    session: Session,
) -> list[FieldProblem]:
    """The one-off's id must not be a visit plan's (its visit would collide on some date), and
    the visit it follows must be another live visit of the same date."""
    problems = []
    plan = get_visit_plan_by_external_id(municipality_id, values["external_id"], session=session)
    if plan is not None and (existing is None or existing.visit_plan_id is None):
        problems.append(problem("external_id", Reason.visit_plan_id))
    after_id = values["after_visit_id"]
    if after_id is not None:
        after = find_owned(Visit, municipality_id, after_id, session=session)
        own = existing.id if existing is not None else None
        if after is None or after.day != day:
            problems.append(
                problem("after_visit_id", Reason.no_visit_on_day, value=after_id, day=day)
            )
        elif after.id == own or after.status == VisitStatus.cancelled:
            problems.append(problem("after_visit_id", Reason.cannot_follow, value=after_id))
    return problems


def find_visit(municipality_id: int, external_id: str, day: date, *, session: Session) -> Visit:
    """The visit with this external id on `day` (plan visits are generated first)."""
    generate_visits(municipality_id, day, session=session)
    visit = visit_by_external_id(municipality_id, external_id, day, session=session)
    if visit is None:
        raise NotFoundError("Visit", f"{external_id} on {day.isoformat()}")
    return visit


def cancel_visit(
    municipality_id: int, visit_id: int, *, session: Session, by: Actor, reason: str = ""
) -> Visit:
    """Cancel a visit of its date; cancelling it again changes nothing."""
    visit = get_visit(municipality_id, visit_id, session=session)
    if visit.status == VisitStatus.cancelled:
        return visit
    if visit.status in STARTED:
        raise refuse("visit_id", Reason.already_started, value=visit.external_id)
    late = _open_day(municipality_id, visit.day, by, session=session)
    visit.status, visit.carries_meal, visit.updated_at = VisitStatus.cancelled, False, utcnow()
    session.add(visit)
    session.flush()
    _record(visit, EventKind.visit_cancelled, by, late, session=session, reason=reason[:200])
    return visit


def carry_meal(
    municipality_id: int, visit_id: int, *, session: Session, by: Actor, carry: bool = True
) -> Visit:
    """Let the visit's caregiver bring the client's lunch instead of a van (or take it back)."""
    visit = get_visit(municipality_id, visit_id, session=session)
    if visit.carries_meal == carry:
        return visit
    if carry:
        _check_meal(municipality_id, visit, session=session)
    late = _open_day(municipality_id, visit.day, by, session=session)
    visit.carries_meal, visit.updated_at = carry, utcnow()
    session.add(visit)
    session.flush()
    kind = EventKind.visit_meal_carried if carry else EventKind.visit_meal_to_van
    _record(visit, kind, by, late, session=session)
    _replan_meals(visit, kind, by, session=session)
    return visit


def _check_meal(municipality_id: int, visit: Visit, *, session: Session) -> None:
    municipality = municipality_by_id(municipality_id, session=session)
    if municipality is None or not municipality.caregivers_carry_meals:
        raise refuse("carries_meal", Reason.no_meals_carried)
    if visit.status != VisitStatus.requested:
        raise refuse("visit_id", Reason.visit_is, value=visit.external_id, status=visit.status)
    generate_orders(municipality_id, visit.day, session=session, client_ids={visit.client_id})
    ordered = live_client_order(municipality_id, visit.client_id, visit.day, session=session)
    if ordered is None:
        raise refuse("carries_meal", Reason.no_meal_to_carry, day=visit.day)
    client = get_client(municipality_id, visit.client_id, session=session)
    if visit.window_end < client.window_start or visit.window_start > client.window_end:
        raise refuse(
            "carries_meal", Reason.misses_lunch,
            visit=f"{visit.window_start:%H:%M}-{visit.window_end:%H:%M}",
            lunch=f"{client.window_start:%H:%M}-{client.window_end:%H:%M}",
        )  # fmt: skip


def _record(
    visit: Visit,
    kind: EventKind,
    by: Actor,
    late: bool,
    *,
    session: Session,
    reason: str | None = None,
) -> None:
    """The event (and audit entry when forced); a re-freeze, and so a re-plan, when frozen."""
    municipality = get_municipality(visit.municipality_id, session=session)
    payload = VisitPayload(
        visit_id=visit.id,
        external_id=visit.external_id,
        client_id=visit.client_id,
        late=late,
    )
    if reason is not None:
        payload["reason"] = reason
    change = DayChange(kind, SERVICE, visit.day, "Visit", visit.id, str(visit.id), payload)
    record_day_change(municipality, change, by, late=late, session=session)


def _replan_meals(visit: Visit, kind: EventKind, by: Actor, *, session: Session) -> None:
    """A frozen meal day re-plans: the meal order did not change, so no new freeze asks."""
    municipality_id, day = visit.municipality_id, visit.day
    if latest_freeze(municipality_id, day, Service.meals, session=session) is None:
        return
    task = {"municipality_id": municipality_id, "day": day.isoformat(), "service": Service.meals}
    record_event(
        session,
        municipality_id=municipality_id,
        kind=kind,
        key=f"{by.key or uuid.uuid4().hex[:16]}:{kind}:meals:{visit.id}"[:80],
        payload={"visit_id": visit.id, "client_id": visit.client_id},
        day=day,
        service=Service.meals,
        actor=by.name,
        tasks=[(OutboxTask.replan, {**task, "reason": kind})],
    )
