"""The care week at a glance: each caregiver's minutes per day against their weekly limit, and
who visits each client on each day (continuity), from the latest plan of every day."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from scheduler.models import Service, StopKind
from scheduler.planning.care_week import week_days
from scheduler.repositories.care import list_caregivers
from scheduler.repositories.meals import clients_by_id
from scheduler.repositories.plans import latest_version, routes_of, unassigned_of


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

    @property
    def continuity(self) -> float | None:
        """Of the clients visited on two days or more, the share kept by one caregiver."""
        many = [c for c in self.clients if sum(1 for d in c.carers if d) >= 2]
        return sum(c.kept for c in many) / len(many) if many else None


Day = tuple[dict[str, tuple[int, int]], dict[int, list[str]], int]  # minutes, visits; clients; left


def care_week(municipality_id: int, day: date, *, session: Session) -> CareWeek:
    days = tuple(week_days(day))
    seen = [_day(municipality_id, d, session) for d in days]
    carers = list_caregivers(municipality_id, session=session)
    names = {c.external_id: c.name for c in carers}
    rows = [
        CarerWeek(
            c.name,
            tuple(s[0].get(c.external_id, (0, 0))[0] for s in seen),
            tuple(s[0].get(c.external_id, (0, 0))[1] for s in seen),
            c.max_week_minutes,
        )
        for c in carers
        if c.active or any(c.external_id in s[0] for s in seen)
    ]
    ids = sorted({cid for s in seen for cid in s[1]})
    clients = clients_by_id(municipality_id, set(ids), session=session)
    visited = [
        ClientWeek(
            clients[cid].name,
            tuple(tuple(sorted(names.get(w, w) for w in set(s[1].get(cid, [])))) for s in seen),
        )
        for cid in ids
        if cid in clients
    ]
    visited.sort(key=lambda c: c.client)
    return CareWeek(days, rows, visited, tuple(s[2] for s in seen))


def _day(municipality_id: int, day: date, session: Session) -> Day:
    version = latest_version(municipality_id, day, Service.care, session=session)
    if version is None or version.id is None:
        return {}, {}, 0
    work: dict[str, tuple[int, int]] = {}
    clients: dict[int, list[str]] = {}
    for route, stops in routes_of(municipality_id, version.id, session=session):
        visits = [s for s in stops if s.kind == StopKind.job]
        if not visits:
            continue
        work[route.resource] = (max(route.end_s - route.start_s, 0) // 60, len(visits))
        for stop in visits:
            if stop.client_id is not None:
                clients.setdefault(stop.client_id, []).append(route.resource)
    left = Counter(u.visit_id for u in unassigned_of(municipality_id, version.id, session=session))
    return work, clients, len(left)
