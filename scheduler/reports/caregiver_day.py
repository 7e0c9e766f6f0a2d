"""A caregiver's own day: the visits in order, with times, address, tasks, notes and partner.

Read from the version of the day's home-care plan that caregivers follow (the published one,
else the latest), so the phone, the printed list and the calendar feed say the same thing.
Times are the plan's local wall clock; a visit already checked in shows the times it really
had (a re-plan writes them on the route, see scheduler/planning/care_progress.py).

`caregiver_day(municipality_id, caregiver_id, day, *, session)` is what the API and the
calendar feed call; `CaregiverDay.to_dict()` is its JSON shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from scheduler.intake.visits import SERVICE
from scheduler.models import Client, Route, Stop, Visit
from scheduler.planning.care_explain import clock
from scheduler.repositories.care import caregivers_by_id, get_caregiver
from scheduler.repositories.meals import clients_by_id
from scheduler.repositories.orders import live_orders_of_clients
from scheduler.repositories.plans import followed_version, get_plan, routes_of
from scheduler.repositories.visits import visits_by_ids


@dataclass(frozen=True)
class DayVisit:
    """One visit of the caregiver's day."""

    stop_id: int | None
    visit_id: int
    external_id: str
    start: str  # HH:MM
    end: str
    start_s: int  # seconds from local midnight, as in the plan
    end_s: int
    window: str  # the promised start window, "08:00-09:00"
    client: str
    address: str
    phone: str
    lon: float
    lat: float
    tasks: str
    notes: str  # the client's notes, then how to get in
    partner: str | None  # the other caregiver's name on a visit for two people
    lunch: str | None  # the lunch to bring ("1 x diabetic"), when the visit carries one
    status: str


@dataclass(frozen=True)
class CaregiverDay:
    caregiver_id: int
    caregiver: str  # external id
    name: str
    day: date
    plan_version: int | None  # None: no plan for the day yet
    published: bool
    visits: list[DayVisit] = field(default_factory=list)
    lunch_break: tuple[str, str] | None = None
    lunch_break_s: tuple[int, int] | None = None
    planned_at: datetime | None = None  # when the followed version was made

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["day"] = self.day.isoformat()
        data["planned_at"] = self.planned_at.isoformat() if self.planned_at else None
        return data


def caregiver_day(
    municipality_id: int, caregiver_id: int, day: date, *, session: Session
) -> CaregiverDay:
    """The caregiver's visits on `day` in the order of the followed plan (see module notes)."""
    caregiver = get_caregiver(municipality_id, caregiver_id, session=session)
    plan = get_plan(municipality_id, day, SERVICE, session=session)
    version = followed_version(municipality_id, plan, session=session) if plan else None
    empty = CaregiverDay(
        caregiver_id, caregiver.external_id, caregiver.name, day, None, published=False
    )
    if plan is None or version is None or version.id is None:
        return empty
    routes = routes_of(municipality_id, version.id, session=session)
    mine = next((stops for r, stops in routes if r.resource == caregiver.external_id), None)
    published = plan.published_version == version.version
    if mine is None:
        return replace(empty, plan_version=version.version, planned_at=version.created_at)
    visits = _visits(municipality_id, day, mine, routes, session=session)
    brk = next((s for s in mine if s.kind == "break"), None)
    return CaregiverDay(
        caregiver_id=caregiver_id,
        caregiver=caregiver.external_id,
        name=caregiver.name,
        day=day,
        plan_version=version.version,
        published=published,
        visits=visits,
        lunch_break=(clock(brk.start_s), clock(brk.departure_s)) if brk else None,
        lunch_break_s=(brk.start_s, brk.departure_s) if brk else None,
        planned_at=version.created_at,
    )


def _visits(
    municipality_id: int,
    day: date,
    mine: list[Stop],
    routes: list[tuple[Route, list[Stop]]],
    *,
    session: Session,
) -> list[DayVisit]:
    jobs = [s for s in mine if s.kind == "job" and s.visit_id is not None]
    ids = [s.visit_id for s in jobs if s.visit_id is not None]
    visits = {v.id: v for v in visits_by_ids(municipality_id, ids, session=session)}
    clients = clients_by_id(
        municipality_id, [v.client_id for v in visits.values()], session=session
    )
    partners = _partners(municipality_id, routes, mine, session=session)
    lunches = _lunches(municipality_id, day, visits.values(), session=session)
    found = []
    for stop in jobs:
        visit = visits.get(stop.visit_id)
        if visit is None:
            continue
        client = clients[visit.client_id]
        found.append(_day_visit(stop, visit, client, partners, lunches))
    return found


def _day_visit(
    stop: Stop,
    visit: Visit,
    client: Client,
    partners: dict[int, str],
    lunches: dict[int, str],
) -> DayVisit:
    notes = " ".join(n for n in (client.notes, client.entry_notes) if n)
    return DayVisit(
        stop_id=stop.id,
        visit_id=visit.id or 0,
        external_id=visit.external_id,
        start=clock(stop.start_s),
        end=clock(stop.departure_s),
        start_s=stop.start_s,
        end_s=stop.departure_s,
        window=f"{visit.window_start:%H:%M}-{visit.window_end:%H:%M}",
        client=client.name,
        address=client.address,
        phone=client.phone,
        lon=client.lon,
        lat=client.lat,
        tasks=visit.tasks,
        notes=notes,
        partner=partners.get(visit.id or 0),
        lunch=lunches.get(visit.id or 0) if visit.carries_meal else None,
        status=stop.status.value,
    )


def _partners(
    municipality_id: int,
    routes: list[tuple[Route, list[Stop]]],
    mine: list[Stop],
    *,
    session: Session,
) -> dict[int, str]:
    """Visit id -> the other caregiver's name, for the visits two people make together."""
    own = {s.visit_id for s in mine if s.visit_id is not None}
    others: dict[int, int] = {}
    for route, stops in routes:
        if stops is mine or route.caregiver_id is None:
            continue
        for stop in stops:
            if stop.visit_id in own:
                others[stop.visit_id] = route.caregiver_id
    carers = caregivers_by_id(municipality_id, others.values(), session=session)
    names = {cid: c.name for cid, c in carers.items()}
    return {visit: names.get(cid, "?") for visit, cid in others.items()}


def _lunches(
    municipality_id: int, day: date, visits: Iterable[Visit], *, session: Session
) -> dict[int, str]:
    """Visit id -> the lunch its caregiver brings ("2 x diabetic"), for visits carrying one."""
    carrying = {v.client_id: v.id or 0 for v in visits if v.carries_meal}
    if not carrying:
        return {}
    orders = live_orders_of_clients(municipality_id, day, carrying, session=session)
    found: dict[int, list[str]] = {}
    for order in orders:
        found.setdefault(carrying[order.client_id], []).append(
            f"{order.portions} x {order.diet.value}"
        )
    return {visit: ", ".join(parts) for visit, parts in found.items()}
