"""A dispatcher's pins of home-care visits in planning, and whether each held.

`with_visit_pins` runs on the care problem: a pinned visit's job may go to its pinned caregiver
only (a two-person visit: each pinned caregiver takes one of its halves), and at the pinned
time when the job's window still holds it; the old routes that seed the search lose the
pinned jobs that another caregiver had. A pin is never dropped in silence: `visit_pin_report`
says in words whether the plan the board shows keeps each pin and if not, why.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

import routing
from scheduler.intake.availability import Availability, availability
from scheduler.models import PlanVersion, StopKind, VisitPin
from scheduler.planning.care_explain import clock
from scheduler.planning.meals import seconds
from scheduler.planning.registry import JobRef
from scheduler.repositories.care import list_caregivers
from scheduler.repositories.plans import routes_of, unassigned_of
from scheduler.repositories.visit_pins import list_visit_pins
from scheduler.repositories.visits import get_visit


def with_visit_pins(
    problem: routing.Problem,
    refs: Mapping[str, JobRef],
    pins: Sequence[VisitPin],
    external_ids: Mapping[int, str],
) -> routing.Problem:
    """The problem with each pin it can take (a caregiver in the problem, a visit in it)."""
    present = {j.id: j for j in problem.jobs}
    carers = {v.id for v in problem.vehicles}
    halves: dict[int, list[str]] = {}
    for job_id, ref in refs.items():
        if ref.visit_id is not None and job_id in present:
            halves.setdefault(ref.visit_id, []).append(job_id)
    owner: dict[str, VisitPin] = {}  # job id -> the pin it follows
    for visit_id, ids in halves.items():
        takers = [
            p
            for p in pins
            if p.visit_id == visit_id
            and _may(present[ids[0]], carers, external_ids.get(p.caregiver_id))
        ]
        owner.update(zip(sorted(ids), takers, strict=False))
    if not owner:
        return problem
    jobs = tuple(
        _pinned(j, owner[j.id], external_ids[owner[j.id].caregiver_id]) if j.id in owner else j
        for j in problem.jobs
    )
    who = {job_id: external_ids[pin.caregiver_id] for job_id, pin in owner.items()}
    initial = {
        carer: tuple(j for j in route if who.get(j, carer) == carer)
        for carer, route in problem.initial_routes.items()
    }
    return dataclasses.replace(problem, jobs=jobs, initial_routes=initial)


def _may(job: routing.Job, carers: set[str], carer: str | None) -> bool:
    """Whether the problem lets the pinned caregiver take the job: in it and on duty (a
    caregiver who only keeps visits already made is in the problem, but takes no new one)."""
    allowed = job.allowed_vehicles
    return carer in carers and (allowed is None or carer in allowed)


def _pinned(job: routing.Job, pin: VisitPin, carer: str) -> routing.Job:
    windows = job.time_windows
    if pin.start is not None:
        at = seconds(pin.start)
        if any(low <= at <= high for low, high in job.time_windows):
            windows = ((at, at),)
    return dataclasses.replace(
        job,
        allowed_vehicles=(carer,),
        preferred_vehicles=(),
        preference_cost=0,
        time_windows=windows,
    )


@dataclass(frozen=True)
class VisitPinState:
    """A pin as the board shows it: `holds` is None while no plan made since has seen it."""

    pin: VisitPin
    visit: str  # the visit's external id
    caregiver: str
    holds: bool | None
    note: str


Made = dict[int, list[tuple[int | None, int]]]  # visit -> (caregiver, start second) per half


def visit_pin_report(
    municipality_id: int, day: date, version: PlanVersion | None, *, session: Session
) -> list[VisitPinState]:
    """Each visit pin of the day, and in words whether the plan `version` keeps it."""
    pins = list_visit_pins(municipality_id, day, session=session)
    if not pins:
        return []
    standing = {a.caregiver.id: a for a in availability(municipality_id, day, session=session)}
    names = {c.id: c.name for c in list_caregivers(municipality_id, session=session)}
    made, left = _made(version, session) if version else ({}, {})
    out = []
    for pin in pins:
        visit = get_visit(municipality_id, pin.visit_id, session=session).external_id
        name = names.get(pin.caregiver_id, "")
        verdict = _verdict(pin, name, standing.get(pin.caregiver_id), version, made, left, names)
        out.append(VisitPinState(pin, visit, name, *verdict))
    return out


def _made(version: PlanVersion, session: Session) -> tuple[Made, dict[int, str]]:
    assert version.id is not None
    mid = version.municipality_id
    made: Made = {}
    for route, stops in routes_of(mid, version.id, session=session):
        for s in stops:
            if s.kind == StopKind.job and s.visit_id is not None:
                made.setdefault(s.visit_id, []).append((route.caregiver_id, s.start_s))
    left = {
        u.visit_id: u.explanation or u.reason
        for u in unassigned_of(mid, version.id, session=session)
        if u.visit_id is not None
    }
    return made, left


def _verdict(
    pin: VisitPin,
    name: str,
    found: Availability | None,
    version: PlanVersion | None,
    made: Made,
    left: Mapping[int, str],
    names: Mapping[int | None, str],
) -> tuple[bool | None, str]:
    if found is None:
        return False, f"{name} no longer works here: pin another caregiver or remove the pin."
    if not found.on_duty:
        return False, f"{name} {found.why_not}: pin another caregiver or remove the pin."
    if version is None or version.created_at < pin.created_at:
        return None, "Waits for the next plan: press Plan to re-plan around it."
    if pin.visit_id in left:
        return False, (
            f"Could not hold, so the visit is not planned: {left[pin.visit_id]} "
            "Move or remove the pin and plan again."
        )
    halves = made.get(pin.visit_id, [])
    mine = [start for who, start in halves if who == pin.caregiver_id]
    if not mine:
        if not halves:
            return False, "The visit is not on this plan (it is not in the frozen day)."
        others = ", ".join(sorted({names.get(who, "another caregiver") for who, _ in halves}))
        return False, f"Made by {others}: the visit had started before the pin."
    if pin.start is not None and mine[0] != seconds(pin.start):
        return False, (
            f"{name} makes it at {clock(mine[0])}, not {pin.start:%H:%M}: that time had passed "
            "when the day was re-planned."
        )
    return True, f"Holds: {name} at {clock(mine[0])}."
