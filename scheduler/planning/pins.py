"""A dispatcher's pins in planning, and whether each held in the plan the board shows.

`with_pins` runs on the problem of what is left to plan (after replan.continue_day): each
pinned client's job may use its pinned van only, and each van's pinned jobs keep their order
(routing's `ordered`); the solver places every other stop around them. Where the old routes
seed the search, pinned jobs are moved there first, at the places the dispatcher chose, so
the search starts from the board the dispatcher saw.

A pin is never dropped in silence. One the problem cannot take (the stop is not on the day,
its trip is under way on another van, the van does not work that day or is of another
kitchen) stays out of the problem, and `pin_report` says why in words; one the solver cannot
keep leaves the stop unassigned with its reason, which the report repeats.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

import routing
from scheduler.intake.calendar import parse_weekdays
from scheduler.models import Client, OrderStatus, PlanVersion, RoutePin, Service, Vehicle
from scheduler.planning.registry import BuiltProblem
from scheduler.repositories.clients import get_client
from scheduler.repositories.fleet import get_vehicle
from scheduler.repositories.orders import client_order_statuses
from scheduler.repositories.pins import list_pins
from scheduler.repositories.plans import routes_of, unassigned_of


def with_pins(
    problem: routing.Problem,
    built: BuiltProblem,
    municipality_id: int,
    day: date,
    service: Service,
    *,
    session: Session,
) -> routing.Problem:
    """The problem with the day's pins that it can take (see the module notes)."""
    pins = list_pins(municipality_id, day, service, session=session)
    held = _held(problem, built, pins)
    if not held:
        return problem
    van_of = {jid: vid for vid, jobs in held.items() for jid, _ in jobs}
    jobs = tuple(
        dataclasses.replace(j, allowed_vehicles=(van_of[j.id],), preferred_vehicles=())
        if j.id in van_of
        else j
        for j in problem.jobs
    )
    ordered = {vid: tuple(jid for jid, _ in jobs) for vid, jobs in held.items()}
    seeds = _seeded(problem.initial_routes, problem.initial_trips, held)
    initial = {vid: tuple(j for j, _ in seq) for vid, seq in seeds.items()}
    trips = {
        vid: tuple(t for _, t in seq) for vid, seq in seeds.items() if vid in problem.initial_trips
    }
    return dataclasses.replace(
        problem, jobs=jobs, ordered=ordered, initial_routes=initial, initial_trips=trips
    )


def _held(
    problem: routing.Problem, built: BuiltProblem, pins: Sequence[RoutePin]
) -> dict[str, list[tuple[str, int]]]:
    """(job id, position) of each van's pins the problem can take, in pin order."""
    job_of = {ref.client_id: jid for jid, ref in built.jobs.items() if ref.client_id}
    # A van given to the solver as one vehicle per trip cannot hold an order across trips.
    van_of = {r.vehicle_id: vid for vid, r in built.vehicles.items() if r.vehicle_id and not r.trip}
    present = {j.id: j for j in problem.jobs}
    vans = {v.id for v in problem.vehicles}
    held: dict[str, list[tuple[str, int]]] = {}
    for pin in pins:
        job = present.get(job_of.get(pin.client_id, ""))
        van = van_of.get(pin.vehicle_id)
        if job is None or van not in vans or van is None:
            continue
        if job.allowed_vehicles is not None and van not in job.allowed_vehicles:
            continue  # a van of another kitchen: the meal is not cooked where it loads
        held.setdefault(van, []).append((job.id, pin.position))
    return held


def _seeded(
    routes: Mapping[str, tuple[str, ...]],
    trips: Mapping[str, tuple[int, ...]],
    held: dict[str, list[tuple[str, int]]],
) -> dict[str, list[tuple[str, int]]]:
    """The old routes, as (job, trip) per van, with each pinned job taken out and put at its
    place on its van (after the van's pins before it, so the seed keeps their order). A job put
    in rides on the trip of the stop before it (else after it), so trips never go back; a van
    seeded without trips carries 1 throughout, which the caller leaves out."""
    pinned = {jid for jobs in held.values() for jid, _ in jobs}
    out: dict[str, list[tuple[str, int]]] = {}
    for vid, route in routes.items():
        numbers = trips.get(vid) or (1,) * len(route)
        out[vid] = [(j, t) for j, t in zip(route, numbers, strict=True) if j not in pinned]
    for vid, jobs in held.items():
        seq = out.setdefault(vid, [])
        at = -1
        for jid, position in jobs:
            at = min(max(position - 1, at + 1), len(seq))
            near = seq[at - 1] if at > 0 else (seq[at] if seq else (jid, 1))
            seq.insert(at, (jid, near[1]))
    return {vid: route for vid, route in out.items() if route}


@dataclass(frozen=True)
class PinState:
    """A pin as the board shows it: `holds` is None while no plan made since has seen it."""

    pin: RoutePin
    client: str
    van: str
    holds: bool | None
    note: str


def pin_report(
    municipality_id: int,
    day: date,
    service: Service,
    version: PlanVersion | None,
    *,
    session: Session,
) -> list[PinState]:
    """Each pin of the day, and in words whether the plan `version` keeps it and if not, why."""
    pins = list_pins(municipality_id, day, service, session=session)
    if not pins:
        return []
    placed = _placed(session, version) if version else {}
    left = _left_out(session, version) if version else {}
    out = []
    for pin in pins:
        # Both cascade to their pins, so neither is ever missing.
        client = get_client(municipality_id, pin.client_id, session=session)
        van = get_vehicle(municipality_id, pin.vehicle_id, session=session)
        holds, note = _verdict(session, pin, client, van, version, placed, left, pins)
        out.append(PinState(pin, client.name, van.name, holds, note))
    return out


def _placed(session: Session, version: PlanVersion) -> dict[int, tuple[int | None, int]]:
    """Client -> (van row, place in its route) in the version."""
    assert version.id is not None
    return {
        s.client_id: (route.vehicle_id, s.seq)
        for route, stops in routes_of(version.municipality_id, version.id, session=session)
        for s in stops
        if s.kind == "job" and s.client_id is not None
    }


def _left_out(session: Session, version: PlanVersion) -> dict[int, str]:
    assert version.id is not None
    rows = unassigned_of(version.municipality_id, version.id, session=session)
    return {u.client_id: u.explanation or u.reason for u in rows if u.client_id is not None}


def _verdict(
    session: Session,
    pin: RoutePin,
    client: Client,
    van: Vehicle,
    version: PlanVersion | None,
    placed: dict[int, tuple[int | None, int]],
    left: dict[int, str],
    pins: Sequence[RoutePin],
) -> tuple[bool | None, str]:
    if not van.active:
        return False, f"{van.name} is out of service: re-pin the stop or remove the pin."
    if pin.day.weekday() not in parse_weekdays(van.weekdays):
        return (
            False,
            f"{van.name} does not work on {pin.day:%A}: re-pin the stop or remove the pin.",
        )
    if _cancelled(session, pin):
        return False, f"The meal of {client.name} on this day is cancelled; remove the pin."
    if version is None or version.created_at < pin.created_at:
        return None, "Waits for the next plan: press Plan to re-plan the rest around it."
    if pin.client_id in left:
        return False, (
            f"Could not hold, so the stop is not served: {left[pin.client_id]} "
            "Move or remove the pin and plan again."
        )
    if pin.client_id not in placed:
        return False, "The stop is not on this plan (its order is not in the frozen day)."
    on, seq = placed[pin.client_id]
    if on != pin.vehicle_id:
        if client.kitchen_id is not None and client.kitchen_id != van.kitchen_id:
            return False, f"{van.name} loads at another kitchen than the meal of {client.name}."
        return False, "The stop rides on another van whose trip was already under way."
    before = [p for p in pins if p.vehicle_id == pin.vehicle_id and p.position < pin.position]
    if any(placed.get(p.client_id, (None, 0))[1] > seq for p in before
           if placed.get(p.client_id, (None, 0))[0] == pin.vehicle_id):  # fmt: skip
        return False, "The order among this van's pinned stops could not be kept."
    return True, f"Holds: stop {seq} of {van.name}."


def _cancelled(session: Session, pin: RoutePin) -> bool:
    statuses = client_order_statuses(pin.municipality_id, pin.client_id, pin.day, session=session)
    return bool(statuses) and all(s == OrderStatus.cancelled for s in statuses)
