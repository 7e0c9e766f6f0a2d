"""Caregivers' absences: days off, holidays and sick leave (written by scheduler/intake)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from scheduler.models import CaregiverAbsence
from scheduler.repositories.common import get_owned


def get_absence(municipality_id: int, absence_id: int, *, session: Session) -> CaregiverAbsence:
    return get_owned(CaregiverAbsence, municipality_id, absence_id, session=session)


def absences_between(
    municipality_id: int,
    first: date,
    last: date,
    *,
    session: Session,
    caregiver_id: int | None = None,
) -> list[CaregiverAbsence]:
    """Absences that touch `first`..`last`, by caregiver and start."""
    query = select(CaregiverAbsence).where(
        CaregiverAbsence.municipality_id == municipality_id,
        col(CaregiverAbsence.start) <= last,
        col(CaregiverAbsence.end) >= first,
    )
    if caregiver_id is not None:
        query = query.where(CaregiverAbsence.caregiver_id == caregiver_id)
    order = (col(CaregiverAbsence.caregiver_id), col(CaregiverAbsence.start))
    return list(session.exec(query.order_by(*order)).all())
