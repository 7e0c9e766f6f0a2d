"""Who works on a date: caregivers' weekdays, and days off, holidays and sick leave as records.

An absence covers `start` to `end` inclusive. A sick leave reported during the day carries the
time it began (`from_time`) on its first day: the caregiver worked until then, and what they
checked in on before it stays theirs (see scheduler/planning/care.py); everything else they
had that day is planned again without them.

Every absence that touches a date already frozen for home care records an event asking for a
re-plan of that date (`caregiver.sick` for sick leave, `caregiver.absent` otherwise), with the
plan version the caregivers followed then, so the dispatcher can be told afterwards which
visits moved to whom and which could not be covered (scheduler/planning/care_changes.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, time
from typing import TypedDict

from sqlmodel import Session

from scheduler.events import record_event
from scheduler.intake.absences import Away, check_days, same_or_refused
from scheduler.intake.calendar import parse_weekdays
from scheduler.intake.orders import Actor
from scheduler.intake.visits import SERVICE
from scheduler.models import AbsenceKind, Caregiver, CaregiverAbsence, EventKind, OutboxTask
from scheduler.refusals import Reason, refuse
from scheduler.repositories.absences import absences_between as absences_between  # for screens
from scheduler.repositories.absences import get_absence
from scheduler.repositories.care import get_caregiver, list_caregivers
from scheduler.repositories.common import local_time_problems, raise_problems
from scheduler.repositories.freezes import frozen_days
from scheduler.repositories.plans import get_plan


@dataclass(frozen=True)
class Availability:
    """One active caregiver on one date.

    `on_duty`: works that date (one of their weekdays, no absence). `sick_from`: reported sick
    that day from this time (`on_duty` is then False). `why_not` says it in words.
    """

    caregiver: Caregiver
    on_duty: bool
    sick_from: time | None = None
    why_not: str | None = None


def availability(municipality_id: int, day: date, *, session: Session) -> list[Availability]:
    """Every active caregiver's standing on `day`, by external id."""
    absent: dict[int, CaregiverAbsence] = {}
    for row in absences_between(municipality_id, day, day, session=session):
        absent.setdefault(row.caregiver_id, row)
    found = []
    for caregiver in list_caregivers(municipality_id, session=session, active=True):
        found.append(_standing(caregiver, absent.get(caregiver.id or 0), day))
    return found


def _standing(caregiver: Caregiver, absence: CaregiverAbsence | None, day: date) -> Availability:
    if day.weekday() not in parse_weekdays(caregiver.weekdays):
        return Availability(caregiver, False, why_not=f"does not work on {day:%A}s")
    if absence is None:
        return Availability(caregiver, True)
    if absence.kind == AbsenceKind.sick and absence.start == day and absence.from_time:
        text = f"reported sick from {absence.from_time:%H:%M}"
        return Availability(caregiver, False, absence.from_time, text)
    words = {
        AbsenceKind.sick: "on sick leave",
        AbsenceKind.day_off: "has a day off",
        AbsenceKind.holiday: "on holiday",
    }
    return Availability(caregiver, False, why_not=words[absence.kind])


def add_absence(
    municipality_id: int,
    caregiver_id: int,
    start: date,
    end: date,
    kind: AbsenceKind,
    *,
    session: Session,
    by: Actor,
    from_time: time | None = None,
) -> CaregiverAbsence:
    """Record an absence; frozen dates it touches are asked to re-plan (see the module notes).

    The same absence twice is stored once; one that overlaps another absence of the same
    caregiver is refused, so a day never has two answers to "why is she away".
    """
    caregiver = get_caregiver(municipality_id, caregiver_id, session=session)
    _check_absence(start, end, kind, from_time)
    overlapping = absences_between(
        municipality_id, start, end, session=session, caregiver_id=caregiver_id
    )
    same = same_or_refused(
        ((a, Away(a.start, a.end, a.kind, a.from_time)) for a in overlapping),
        Away(start, end, kind, from_time),
        field="start",
        name=caregiver.name,
    )
    if same is not None:
        return same
    absence = CaregiverAbsence(
        municipality_id=municipality_id,
        caregiver_id=caregiver_id,
        start=start,
        end=end,
        kind=kind,
        from_time=from_time,
    )
    session.add(absence)
    session.flush()
    kind_text = EventKind.caregiver_sick if kind == AbsenceKind.sick else EventKind.caregiver_absent
    _record(caregiver, absence, kind_text, by, session=session)
    return absence


def _check_absence(start: date, end: date, kind: AbsenceKind, from_time: time | None) -> None:
    check_days(start, end, "end")
    if from_time is not None and kind != AbsenceKind.sick:
        raise refuse("from_time", Reason.only_sick_leave)
    raise_problems(local_time_problems({"from_time": from_time}, "from_time"))


def report_sick(
    municipality_id: int,
    caregiver_id: int,
    day: date,
    *,
    session: Session,
    by: Actor,
    from_time: time | None = None,
    until: date | None = None,
) -> CaregiverAbsence:
    """A caregiver is sick from `from_time` on `day` (and, with `until`, the days after)."""
    return add_absence(
        municipality_id,
        caregiver_id,
        day,
        until or day,
        AbsenceKind.sick,
        session=session,
        by=by,
        from_time=from_time,
    )


def remove_absence(
    municipality_id: int, absence_id: int, *, session: Session, by: Actor
) -> CaregiverAbsence:
    """Delete an absence recorded by mistake (or a caregiver back early); dates re-plan."""
    absence = get_absence(municipality_id, absence_id, session=session)
    caregiver = get_caregiver(municipality_id, absence.caregiver_id, session=session)
    _record(caregiver, absence, EventKind.caregiver_back, by, session=session)
    session.delete(absence)
    session.flush()
    return absence


class AbsencePayload(TypedDict):
    """The payload of caregiver.sick, caregiver.absent and caregiver.back, one per date."""

    caregiver_id: int | None
    caregiver: str  # the caregiver's external id
    absence_id: int | None
    absence: str  # the absence's kind
    start: str
    end: str
    from_time: str | None
    followed_version: int  # the version the dispatcher followed: the re-plan keeps to it


def _payload(caregiver: Caregiver, absence: CaregiverAbsence, followed: int) -> AbsencePayload:
    return AbsencePayload(
        caregiver_id=caregiver.id,
        caregiver=caregiver.external_id,
        absence_id=absence.id,
        absence=absence.kind.value,
        start=absence.start.isoformat(),
        end=absence.end.isoformat(),
        from_time=absence.from_time.isoformat() if absence.from_time else None,
        followed_version=followed,
    )


def _record(
    caregiver: Caregiver, absence: CaregiverAbsence, kind: EventKind, by: Actor, *, session: Session
) -> None:
    """One event per frozen date of the absence (asking to re-plan it); one if none is."""
    municipality_id = caregiver.municipality_id
    key = by.key or uuid.uuid4().hex[:16]
    frozen = frozen_days(municipality_id, SERVICE, absence.start, absence.end, session=session)
    for day in frozen or [absence.start]:
        task = {"municipality_id": municipality_id, "day": day.isoformat(), "service": SERVICE}
        plan = get_plan(municipality_id, day, SERVICE, session=session)
        followed = (plan.published_version or plan.current_version) if plan else 0
        record_event(
            session,
            municipality_id=municipality_id,
            kind=kind,
            key=f"{key}:{kind}:{absence.id}:{day.isoformat()}"[:80],
            payload=_payload(caregiver, absence, followed),
            day=day,
            service=SERVICE,
            actor=by.name,
            tasks=[(OutboxTask.replan, {**task, "reason": kind})] if day in frozen else [],
        )
