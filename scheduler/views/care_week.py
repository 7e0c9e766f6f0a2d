"""The care week at a glance: each caregiver's minutes per day against their weekly limit, who
visits each client on each day, and continuity: of the recurring visits (a visit plan made on
two days or more), the share the same caregiver made every day; from each day's latest plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from scheduler.models import Service, StopKind
from scheduler.planning.care_week import week_days
from scheduler.repositories.care import list_caregivers
from scheduler.repositories.meals import clients_by_id
from scheduler.repositories.plans import latest_version, routes_of, unassigned_of
from scheduler.repositories.visits import visits_between


@dataclass(frozen=True)
class CarerWeek:
    caregiver: str
    minutes: tuple[int, ...]  # per day, Monday first
    visits: tuple[int, ...]
    limit: int | None  # max_week_minutes

    @property
    def total(self) -> int:
        return sum(self.minutes)


@dataclass(frozen=True)
class ClientWeek:
    client: str
    carers: tuple[tuple[str, ...], ...]  # per day, the caregivers who visit

    @property
    def kept(self) -> bool:
        """One caregiver (or pair) made every visit of the week."""
        return len({c for c in self.carers if c}) <= 1


@dataclass(frozen=True)
class CareWeek:
    days: tuple[date, ...]
    caregivers: list[CarerWeek]
    clients: list[ClientWeek]
    unassigned: tuple[int, ...]  # visits left out, per day
    recurring: int = 0  # visit plans made on two days or more this week
    kept: int = 0  # of those, made by the same caregiver (or pair) every day

    @property
    def continuity(self) -> float | None:
        """Of the recurring visits made on two days or more, the share one caregiver kept."""
        return self.kept / self.recurring if self.recurring else None


@dataclass
class _Seen:
    """One day's latest care plan, as the week view counts it."""

    work: dict[str, tuple[int, int]] = field(default_factory=dict)  # minutes, visits
    clients: dict[int, list[str]] = field(default_factory=dict)  # client -> caregivers
    visits: dict[int, set[str]] = field(default_factory=dict)  # visit -> caregivers
    left: int = 0


def care_week(municipality_id: int, day: date, *, session: Session) -> CareWeek:
    days = tuple(week_days(day))
    seen = [_day(municipality_id, d, session) for d in days]
    carers = list_caregivers(municipality_id, session=session)
    names = {c.external_id: c.name for c in carers}
    rows = [
        CarerWeek(
            c.name,
            tuple(s.work.get(c.external_id, (0, 0))[0] for s in seen),
            tuple(s.work.get(c.external_id, (0, 0))[1] for s in seen),
            c.max_week_minutes,
        )
        for c in carers
        if c.active or any(c.external_id in s.work for s in seen)
    ]
    ids = sorted({cid for s in seen for cid in s.clients})
    clients = clients_by_id(municipality_id, set(ids), session=session)
    visited = [
        ClientWeek(
            clients[cid].name,
            tuple(
                tuple(sorted(names.get(w, w) for w in set(s.clients.get(cid, [])))) for s in seen
            ),
        )
        for cid in ids
        if cid in clients
    ]
    visited.sort(key=lambda c: c.client)
    recurring, kept = _recurring(municipality_id, days, seen, session)
    return CareWeek(days, rows, visited, tuple(s.left for s in seen), recurring, kept)


def _recurring(
    municipality_id: int, days: tuple[date, ...], seen: list[_Seen], session: Session
) -> tuple[int, int]:
    """(visit plans made on two days or more, those made by the same caregivers each day)."""
    plan_of = {
        v.id: v.visit_plan_id
        for v in visits_between(municipality_id, days[0], days[-1], session=session)
    }
    made: dict[int, list[frozenset[str]]] = {}
    for s in seen:
        for visit_id, who in s.visits.items():
            plan = plan_of.get(visit_id)
            if plan is not None:
                made.setdefault(plan, []).append(frozenset(who))
    many = [sets for sets in made.values() if len(sets) >= 2]
    return len(many), sum(1 for sets in many if len(set(sets)) == 1)


def _day(municipality_id: int, day: date, session: Session) -> _Seen:
    found = _Seen()
    version = latest_version(municipality_id, day, Service.care, session=session)
    if version is None or version.id is None:
        return found
    for route, stops in routes_of(municipality_id, version.id, session=session):
        visits = [s for s in stops if s.kind == StopKind.job]
        if not visits:
            continue
        found.work[route.resource] = (max(route.end_s - route.start_s, 0) // 60, len(visits))
        for stop in visits:
            if stop.client_id is not None:
                found.clients.setdefault(stop.client_id, []).append(route.resource)
            if stop.visit_id is not None:
                found.visits.setdefault(stop.visit_id, set()).add(route.resource)
    left = unassigned_of(municipality_id, version.id, session=session)
    found.left = len({u.visit_id for u in left})
    return found
