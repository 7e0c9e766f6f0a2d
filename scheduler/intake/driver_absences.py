"""Drivers' days off, holidays and sick leave, and the vans left without a driver by them.

An absence covers `first_day` to `last_day` inclusive; one that overlaps another absence of the
same driver is refused, so a day never has two answers to "why is he away". A van whose every
driver is away on a date serves nothing that date: the meal planner treats it like a van that
broke down at the start of its shift (`vans_without_driver`, read by planning/meals.py), so its
stops go to the other vans of its kitchen or are left out saying why. A van with no driver
recorded at all is not affected: many towns keep no list of drivers.

Recording or removing an absence of a driver who has a van records an event (`driver.absent`,
`driver.back`) for each date of it already frozen for meals, asking for a re-plan of that date;
every change is audited.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from sqlmodel import Session

from scheduler.audit import audit
from scheduler.events import record_event
from scheduler.intake.absences import Away, check_days, same_or_refused
from scheduler.intake.day_changes import Actor
from scheduler.models import AbsenceKind, Driver, DriverAbsence, EventKind, OutboxTask, Service
from scheduler.refusals import Reason, refuse
from scheduler.repositories.driver_absences import (
    add_driver_absence,
    delete_driver_absence,
    driver_absences_between,
    get_driver_absence,
)
from scheduler.repositories.fleet import get_driver, list_drivers, list_vehicles
from scheduler.repositories.freezes import frozen_days

SERVICE = Service.meals
MAX_NOTE = 500


@dataclass(frozen=True)
class VanWithoutDriver:
    """A van none of whose drivers works on a date: its name and who is away."""

    vehicle_id: int
    van: str  # the van's external id (its route's resource)
    label: str  # the van's name
    drivers: tuple[str, ...]  # the names of its drivers, all away


def vans_without_driver(
    municipality_id: int, day: date, *, session: Session
) -> dict[str, VanWithoutDriver]:
    """Van external id -> the van, for each van with drivers all of whom are away on `day`."""
    away = {a.driver_id for a in driver_absences_between(municipality_id, day, day,
                                                         session=session)}  # fmt: skip
    if not away:
        return {}
    crews: dict[int, list[Driver]] = defaultdict(list)
    for driver in list_drivers(municipality_id, session=session):
        if driver.vehicle_id is not None:
            crews[driver.vehicle_id].append(driver)
    found: dict[str, VanWithoutDriver] = {}
    for van in list_vehicles(municipality_id, session=session):
        crew = crews.get(van.id or 0, [])
        if crew and all(d.id in away for d in crew):
            names = tuple(d.name for d in crew)
            found[van.external_id] = VanWithoutDriver(van.id or 0, van.external_id, van.name, names)
    return found


def record_driver_absence(
    municipality_id: int,
    driver_id: int,
    first_day: date,
    last_day: date,
    kind: AbsenceKind,
    *,
    session: Session,
    by: Actor,
    note: str = "",
) -> DriverAbsence:
    """Record an absence (the same one twice is stored once); frozen dates re-plan.

    Raises NotFoundError for a driver of another municipality, InvalidInputError naming the
    field for days in the wrong order, too long an absence or one that overlaps another.
    """
    driver = get_driver(municipality_id, driver_id, session=session)
    _check(first_day, last_day, note)
    overlapping = driver_absences_between(
        municipality_id, first_day, last_day, session=session, driver_id=driver_id
    )
    same = same_or_refused(
        ((a, Away(a.first_day, a.last_day, a.kind)) for a in overlapping),
        Away(first_day, last_day, kind),
        field="first_day",
        name=driver.name,
    )
    if same is not None:
        return same
    absence = DriverAbsence(
        municipality_id=municipality_id,
        driver_id=driver_id,
        first_day=first_day,
        last_day=last_day,
        kind=kind,
        note=note.strip(),
    )
    add_driver_absence(absence, session=session)
    _record(driver, absence, EventKind.driver_absent, by, session=session)
    return absence


def _check(first_day: date, last_day: date, note: str) -> None:
    check_days(first_day, last_day, "last_day")
    if len(note) > MAX_NOTE:
        raise refuse("note", Reason.too_long, n=MAX_NOTE)


def remove_driver_absence(
    municipality_id: int, absence_id: int, *, session: Session, by: Actor
) -> DriverAbsence:
    """Delete an absence recorded by mistake (or a driver back early); frozen dates re-plan."""
    absence = get_driver_absence(municipality_id, absence_id, session=session)
    driver = get_driver(municipality_id, absence.driver_id, session=session)
    _record(driver, absence, EventKind.driver_back, by, session=session)
    delete_driver_absence(absence, session=session)
    return absence


class DriverAbsencePayload(TypedDict):
    """The payload of driver.absent and driver.back, one per frozen date."""

    driver_id: int
    driver: str  # the driver's external id
    vehicle_id: int | None
    absence_id: int
    absence: str  # the absence's kind
    first_day: str
    last_day: str
    reason: str  # what the re-plan's version says it was for (runs.describe)


def _record(
    driver: Driver, absence: DriverAbsence, kind: EventKind, by: Actor, *, session: Session
) -> None:
    """The audit row, and one event per frozen date of the absence (asking to re-plan it when
    the driver has a van); one event if no date is frozen yet."""
    mid = driver.municipality_id
    payload = DriverAbsencePayload(
        driver_id=driver.id or 0,
        driver=driver.external_id,
        vehicle_id=driver.vehicle_id,
        absence_id=absence.id or 0,
        absence=absence.kind.value,
        first_day=absence.first_day.isoformat(),
        last_day=absence.last_day.isoformat(),
        reason=f"{kind} {driver.external_id}",
    )
    action = "create" if kind == EventKind.driver_absent else "delete"
    audit(mid, session=session, actor=by.name, action=action, entity="driver_absence",
          entity_id=absence.id, detail=dict(payload))  # fmt: skip
    key = by.key or uuid.uuid4().hex[:16]
    frozen = frozen_days(mid, SERVICE, absence.first_day, absence.last_day, session=session)
    replans = driver.vehicle_id is not None
    for day in frozen or [absence.first_day]:
        task = {"municipality_id": mid, "day": day.isoformat(), "service": SERVICE, "reason": kind}
        record_event(
            session,
            municipality_id=mid,
            kind=kind,
            key=f"{key}:{kind}:{absence.id}:{day.isoformat()}"[:80],
            payload=payload,
            day=day,
            service=SERVICE,
            actor=by.name,
            tasks=[(OutboxTask.replan, task)] if replans and day in frozen else [],
        )
