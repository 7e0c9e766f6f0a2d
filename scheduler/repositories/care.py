"""Caregivers and recurring home-care visit plans of one municipality.

Skills are short words (`personal_care`, `nurse`, …). A municipality adds its own simply by
giving a caregiver a new skill; a visit plan may then ask for it. A skill no caregiver has and
that is not one of the defaults is refused on a visit plan, because it is almost always a typo
and the visit could never be served.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, time
from typing import Any

from sqlmodel import Field, Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from scheduler.errors import FieldProblem
from scheduler.intake.calendar import runs_on
from scheduler.models import Caregiver, Client, Visit, VisitCheck, VisitPlan, VisitStatus
from scheduler.models.care import CaregiverBase
from scheduler.models.fields import Day
from scheduler.refusals import Reason, problem
from scheduler.repositories.common import (
    Change,
    all_by_external_id,
    by_external_id,
    check_order,
    check_reference,
    check_weekdays,
    get_owned,
    raise_problems,
    require_text,
    save,
    where_day_rows,
)

DEFAULT_SKILLS = ("personal_care", "nurse", "household", "shopping", "companionship")
_SKILL = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class CaregiverIn(CaregiverBase):
    skills: list[str] = Field(default_factory=list)


class VisitPlanIn(SQLModel):
    """A recurring visit as written by an import or a form; references are ids."""

    external_id: str = Field(max_length=64)
    client_id: int
    weekdays: str = Field(default="Mon-Fri", max_length=40)
    window_start: time = Field(description="Earliest start of the visit.")
    window_end: time = Field(description="Latest start of the visit.")
    duration_min: int = Field(gt=0, le=720)
    skills: list[str] = Field(default_factory=list)
    caregivers_needed: int = Field(default=1, ge=1, le=2)
    preferred_caregivers: list[str] = Field(default_factory=list)
    after_visit_id: int | None = None
    min_gap_min: int | None = Field(default=None, ge=0, le=1440)
    max_gap_min: int | None = Field(default=None, ge=0, le=1440)
    tasks: str = Field(default="", max_length=1000)
    valid_from: Day | None = None
    valid_until: Day | None = None


def check_skills(skills: list[str], field: str = "skills") -> list[FieldProblem]:
    problems = [
        problem(field, Reason.not_a_skill, value=repr(s)) for s in skills if not _SKILL.match(s)
    ]
    if len(set(skills)) != len(skills):
        problems.append(problem(field, Reason.skill_twice))
    return problems


# Caregivers


def get_caregiver(municipality_id: int, caregiver_id: int, *, session: Session) -> Caregiver:
    return get_owned(Caregiver, municipality_id, caregiver_id, session=session)


def get_caregiver_by_external_id(
    municipality_id: int, external_id: str, *, session: Session
) -> Caregiver | None:
    return by_external_id(Caregiver, municipality_id, external_id, session=session)


def list_caregivers(
    municipality_id: int, *, session: Session, active: bool | None = None
) -> list[Caregiver]:
    statement = select(Caregiver).where(Caregiver.municipality_id == municipality_id)
    if active is not None:
        statement = statement.where(Caregiver.active == active)
    return list(session.exec(statement.order_by(Caregiver.external_id)).all())


def caregivers_by_external_id(municipality_id: int, *, session: Session) -> dict[str, Caregiver]:
    return all_by_external_id(Caregiver, municipality_id, session=session)


def known_skills(municipality_id: int, *, session: Session) -> set[str]:
    """The default skills and every skill a caregiver of the municipality has."""
    skills = set(DEFAULT_SKILLS)
    for caregiver in list_caregivers(municipality_id, session=session):
        skills.update(caregiver.skills)
    return skills


def check_caregiver(values: dict[str, Any]) -> list[FieldProblem]:
    """Pure checks of a caregiver's fields; normalises `weekdays` in `values`."""
    return (
        require_text(values["external_id"], "external_id")
        + require_text(values["name"], "name")
        + check_order(values, "shift_start", "shift_end")
        + check_order(values, "break_start", "break_end", strict=False)
        + check_weekdays(values)
        + check_skills(values.get("skills", []))
    )


def upsert_caregiver(
    municipality_id: int, data: CaregiverIn, *, session: Session
) -> tuple[Caregiver, Change]:
    """Create the caregiver or update the fields `data` sets; matched on external_id."""
    values = data.model_dump(exclude_unset=True)
    raise_problems(check_caregiver(values))
    existing = get_caregiver_by_external_id(municipality_id, data.external_id, session=session)
    return save(session, Caregiver, existing, municipality_id, values)


# Visit plans


def get_visit_plan(municipality_id: int, plan_id: int, *, session: Session) -> VisitPlan:
    return get_owned(VisitPlan, municipality_id, plan_id, session=session)


def get_visit_plan_by_external_id(
    municipality_id: int, external_id: str, *, session: Session
) -> VisitPlan | None:
    return by_external_id(VisitPlan, municipality_id, external_id, session=session)


def list_visit_plans(
    municipality_id: int, *, session: Session, client_id: int | None = None
) -> list[VisitPlan]:
    statement = select(VisitPlan).where(VisitPlan.municipality_id == municipality_id)
    if client_id is not None:
        statement = statement.where(VisitPlan.client_id == client_id)
    return list(session.exec(statement.order_by(VisitPlan.external_id)).all())


def visit_plans_by_external_id(municipality_id: int, *, session: Session) -> dict[str, VisitPlan]:
    return all_by_external_id(VisitPlan, municipality_id, session=session)


def visit_plans_for_day(municipality_id: int, day: date, *, session: Session) -> list[VisitPlan]:
    """The plans that call for a visit on `day`: valid then, and `day` is one of their weekdays."""
    statement = (
        select(VisitPlan)
        .where(VisitPlan.municipality_id == municipality_id)
        .where((col(VisitPlan.valid_from).is_(None)) | (col(VisitPlan.valid_from) <= day))
        .where((col(VisitPlan.valid_until).is_(None)) | (col(VisitPlan.valid_until) >= day))
    )
    plans = session.exec(statement.order_by(VisitPlan.external_id)).all()
    return [p for p in plans if runs_on(p.weekdays, day)]


def check_visit_plan(values: dict[str, Any]) -> list[FieldProblem]:
    """Pure checks of a visit plan's fields; normalises `weekdays` in `values`."""
    problems = (
        require_text(values["external_id"], "external_id")
        + check_order(values, "window_start", "window_end", strict=False)
        + check_weekdays(values)
        + check_skills(values.get("skills", []))
    )
    preferred = values.get("preferred_caregivers", [])
    if len(set(preferred)) != len(preferred):
        problems.append(problem("preferred_caregivers", Reason.caregiver_twice))
    return problems + _check_gaps(values) + _check_validity(values)


def _check_gaps(values: dict[str, Any]) -> list[FieldProblem]:
    after = values.get("after_visit_id")
    low, high = values.get("min_gap_min"), values.get("max_gap_min")
    if after is None:
        return [
            problem(name, Reason.only_with_after_visit)
            for name, value in (("min_gap_min", low), ("max_gap_min", high))
            if value is not None
        ]
    problems = [
        problem(name, Reason.needs_after_visit)
        for name, value in (("min_gap_min", low), ("max_gap_min", high))
        if value is None
    ]
    if low is not None and high is not None and high < low:
        problems.append(problem("max_gap_min", Reason.gap_too_small, n=low))
    return problems


def _check_validity(values: dict[str, Any]) -> list[FieldProblem]:
    start, end = values.get("valid_from"), values.get("valid_until")
    if start is not None and end is not None and end < start:
        return [problem("valid_until", Reason.end_before, first="valid_from", start=start)]
    return []


def _check_visit_refs(
    municipality_id: int, values: dict[str, Any], own_id: int | None, *, session: Session
) -> list[FieldProblem]:
    problems = check_reference(
        Client, municipality_id, values.get("client_id"), "client_id", session=session
    )
    after = values.get("after_visit_id")
    problems += check_reference(
        VisitPlan, municipality_id, after, "after_visit_id", session=session
    )
    if after is not None and own_id is not None and _reaches(after, own_id, session=session):
        problems.append(problem("after_visit_id", Reason.visits_in_circle))
    known = caregivers_by_external_id(municipality_id, session=session)
    for ext in values.get("preferred_caregivers", []):
        if ext not in known:
            problems.append(problem("preferred_caregivers", Reason.no_caregiver, value=repr(ext)))
    skills = set(DEFAULT_SKILLS).union(*(c.skills for c in known.values()))
    for skill in values.get("skills", []):
        if skill not in skills:
            problems.append(problem("skills", Reason.no_caregiver_with_skill, value=repr(skill)))
    return problems


def _reaches(start_id: int, target_id: int, *, session: Session) -> bool:
    """True when following after_visit links from `start_id` arrives at `target_id`."""
    seen: set[int] = set()
    current: int | None = start_id
    while current is not None and current not in seen:
        if current == target_id:
            return True
        seen.add(current)
        plan = session.get(VisitPlan, current)
        current = plan.after_visit_id if plan is not None else None
    return False


def upsert_visit_plan(
    municipality_id: int, data: VisitPlanIn, *, session: Session
) -> tuple[VisitPlan, Change]:
    """Create the visit plan or update the fields `data` sets; matched on external_id.

    The client, the earlier visit (`after_visit_id`) and the preferred caregivers must all be
    this municipality's, and following `after_visit` links must never come back to this plan.
    """
    values = data.model_dump(exclude_unset=True)
    existing = get_visit_plan_by_external_id(municipality_id, data.external_id, session=session)
    own_id = existing.id if existing is not None else None
    raise_problems(
        check_visit_plan(values)
        + _check_visit_refs(municipality_id, values, own_id, session=session)
    )
    return save(session, VisitPlan, existing, municipality_id, values)


def select_visits(
    municipality_id: int,
    *,
    day: date | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    status: VisitStatus | None = None,
    client_id: int | None = None,
) -> SelectOfScalar[Visit]:
    """The municipality's visits by date and time window, filtered as the visit list is."""
    query = where_day_rows(
        select(Visit).where(Visit.municipality_id == municipality_id),
        Visit,
        day=day,
        date_from=date_from,
        date_to=date_to,
        status=status,
        client_id=client_id,
    )
    return query.order_by(col(Visit.day), col(Visit.window_start), col(Visit.id))


def caregivers_by_id(
    municipality_id: int, caregiver_ids: Iterable[int], *, session: Session
) -> dict[int, Caregiver]:
    """The municipality's caregivers with these ids (ids of other towns are simply absent)."""
    rows = session.exec(
        select(Caregiver).where(
            Caregiver.municipality_id == municipality_id,
            col(Caregiver.id).in_(sorted(set(caregiver_ids))),
        )
    ).all()
    return {c.id: c for c in rows if c.id is not None}


def caregiver_by_calendar_token(
    municipality_id: int, token_hash: str, *, session: Session
) -> Caregiver | None:
    """The caregiver whose private calendar link has this hash, active or not."""
    return session.exec(
        select(Caregiver).where(
            Caregiver.municipality_id == municipality_id,
            Caregiver.calendar_token_hash == token_hash,
        )
    ).first()


def drop_check(municipality_id: int, client_event_id: str, *, session: Session) -> bool:
    """Delete the check-in or -out a phone report made (an undone report); whether one was."""
    row = session.exec(
        select(VisitCheck).where(
            VisitCheck.municipality_id == municipality_id,
            VisitCheck.client_event_id == client_event_id,
        )
    ).first()
    if row is not None:
        session.delete(row)
    return row is not None
