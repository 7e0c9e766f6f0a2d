"""The board's home-care panel: the day's attendance flags and what a sick report changed.

Shared by the page (server-rendered, api/routes/pages_board.py) and the REST routes
(api/routes/care_day.py), so both say the same thing about a sick caregiver's visits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from api.schemas.care_day import (
    AbsencePublic,
    CareChangesPublic,
    SickReportPublic,
    VisitAttendancePublic,
)
from api.schemas.pins import VisitPinPublic
from scheduler.intake.availability import absences_between
from scheduler.models import AbsenceKind, Caregiver, Service, Visit
from scheduler.planning.care_changes import sick_report
from scheduler.planning.visit_pins import visit_pin_report
from scheduler.reports.attendance import day_attendance
from scheduler.repositories.care import list_caregivers
from scheduler.repositories.plans import latest_version
from scheduler.repositories.visits import day_visits
from scheduler.views.board import is_planning
from scheduler.views.workload import Workload, care_workload
from scheduler.wording import Wording

FLAGS = ("late", "missed", "too_short")  # what the dispatcher acts on during the day


def sick_outcome(
    session: Session, municipality_id: int, caregiver_id: int, day: date, words: Wording
) -> SickReportPublic:
    """The caregiver's sick leave on `day`, whether its re-plan is still coming, and, once
    made, which visits were kept, moved to whom, or not covered (said in `words`)."""
    mid = municipality_id
    sick = [
        a
        for a in absences_between(mid, day, day, session=session, caregiver_id=caregiver_id)
        if a.kind == AbsenceKind.sick
    ]
    changes = sick_report(mid, caregiver_id, day, session=session)
    return SickReportPublic(
        caregiver_id=caregiver_id,
        day=day,
        absence=AbsencePublic.model_validate(sick[0], from_attributes=True) if sick else None,
        replanning=is_planning(mid, day, Service.care, session=session),
        changes=CareChangesPublic.of(changes, words) if changes else None,
    )


@dataclass
class CarePanel:
    flagged: list[VisitAttendancePublic]
    caregivers: list[Caregiver]
    sick: SickReportPublic | None = None
    sick_name: str = ""
    problem: str = ""
    visits: int = field(default=0)  # the day's visits, flagged or not
    workload: Workload | None = None  # the longest and shortest working day
    pins: list[VisitPinPublic] = field(default_factory=list)  # with whether each held
    day_visits: list[Visit] = field(default_factory=list)  # what the pin form offers


def care_panel(
    session: Session,
    municipality_id: int,
    day: date,
    sick_id: int | None,
    words: Wording,
    problem: str = "",
) -> CarePanel:
    found = day_attendance(municipality_id, day, session=session)
    rows = [VisitAttendancePublic.of(r) for r in found]
    carers = list_caregivers(municipality_id, session=session, active=True)
    panel = CarePanel(
        flagged=[r for r in rows if any(getattr(r, f) for f in FLAGS)],
        caregivers=carers,
        problem=problem,
        visits=len(rows),
        workload=care_workload(municipality_id, day, session=session),
        pins=visit_pins(session, municipality_id, day),
        day_visits=day_visits(municipality_id, day, session=session),
    )
    chosen = next((c for c in carers if c.id == sick_id), None)
    if chosen is not None and chosen.id is not None:
        panel.sick = sick_outcome(session, municipality_id, chosen.id, day, words)
        panel.sick_name = chosen.name
    return panel


def visit_pins(session: Session, municipality_id: int, day: date) -> list[VisitPinPublic]:
    """The day's visit pins with whether the plan the board shows keeps each (the panel and
    REST say the same)."""
    version = latest_version(municipality_id, day, Service.care, session=session)
    states = visit_pin_report(municipality_id, day, version, session=session)
    return [VisitPinPublic.of(s) for s in states]
