"""Drivers' absences: days off, holidays and sick leave (written by scheduler/intake)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from scheduler.models import DriverAbsence
from scheduler.repositories.common import get_owned


def get_driver_absence(municipality_id: int, absence_id: int, *, session: Session) -> DriverAbsence:
    return get_owned(DriverAbsence, municipality_id, absence_id, session=session)


def driver_absences_between(
    municipality_id: int,
    first: date,
    last: date,
    *,
    session: Session,
    driver_id: int | None = None,
) -> list[DriverAbsence]:
    """Absences that touch `first`..`last`, by driver and first day."""
    query = select(DriverAbsence).where(
        DriverAbsence.municipality_id == municipality_id,
        col(DriverAbsence.first_day) <= last,
        col(DriverAbsence.last_day) >= first,
    )
    if driver_id is not None:
        query = query.where(DriverAbsence.driver_id == driver_id)
    order = (col(DriverAbsence.driver_id), col(DriverAbsence.first_day), col(DriverAbsence.id))
    return list(session.exec(query.order_by(*order)).all())


def add_driver_absence(absence: DriverAbsence, *, session: Session) -> DriverAbsence:
    session.add(absence)
    session.flush()
    return absence


def delete_driver_absence(absence: DriverAbsence, *, session: Session) -> None:
    session.delete(absence)
    session.flush()
