"""What the check-ins say: the day's late, missed and too-short visits, and monthly hours.

A presence is one caregiver at one visit: their first check-in and the last check-out after
it, as whole minutes (rounded once per presence, so every total below is a sum of the same
integers and the client and caregiver totals of a month are equal by construction).

- late: the first check-in more than `LATE_GRACE_MIN` after the latest start promised;
- missed: nobody checked in and it is more than `MISSED_AFTER_MIN` past the latest start
  (or the date is past);
- too short: a presence shorter than `TOO_SHORT_SHARE` of the planned duration;
- far: checked in more than `FAR_M` from the client's address (the phone's position);
- open: checked in, not (yet) out; an open presence counts no minutes.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from scheduler.intake.attendance import distance_m
from scheduler.intake.cutoff import as_utc
from scheduler.models import Client, Visit, VisitCheck
from scheduler.models.base import utcnow
from scheduler.planning.care_explain import clock
from scheduler.planning.meals import seconds
from scheduler.refusals import Reason, refuse
from scheduler.repositories.care import list_caregivers
from scheduler.repositories.meals import clients_by_id
from scheduler.repositories.tenancy import get_municipality
from scheduler.repositories.visits import checks_between, visits_between

LATE_GRACE_MIN = 5  # phones' clocks and a door that takes a minute to open
MISSED_AFTER_MIN = 30  # a visit this late without a check-in is reported missed
TOO_SHORT_SHARE = 0.75  # three quarters of the planned time, or the visit is too short
FAR_M = 500  # a check-in further than this from the client was not made at the door


@dataclass(frozen=True)
class Presence:
    caregiver_id: int
    caregiver: str  # name
    checked_in: str  # HH:MM local
    checked_out: str | None
    minutes: int | None  # None while open
    away_m: int | None  # metres from the client at check-in, when the phone gave a position
    in_s: int  # seconds from local midnight


@dataclass(frozen=True)
class VisitAttendance:
    visit_id: int
    external_id: str
    day: date
    client_id: int
    client: str
    window: str
    latest_s: int  # the latest start promised, seconds from local midnight
    duration_min: int
    caregivers_needed: int
    presences: tuple[Presence, ...]
    late_min: int  # minutes after the latest start (0 when on time or not checked in)
    missed: bool
    kind: str = ""  # the kind of care: the first skill the visit asks for, "" for none

    @property
    def late(self) -> bool:
        return self.late_min > LATE_GRACE_MIN

    @property
    def too_short(self) -> bool:
        limit = TOO_SHORT_SHARE * self.duration_min
        return any(p.minutes is not None and p.minutes < limit for p in self.presences)

    @property
    def far(self) -> bool:
        return any(p.away_m is not None and p.away_m > FAR_M for p in self.presences)

    @property
    def open(self) -> bool:
        return any(p.minutes is None for p in self.presences)

    @property
    def minutes(self) -> int:
        """Caregiver minutes given: two people for half an hour are 60."""
        return sum(p.minutes or 0 for p in self.presences)


def month_bounds(month: str) -> tuple[date, date]:
    """`2025-06` -> (1 June, 30 June)."""
    try:
        year, number = (int(part) for part in month.split("-"))
        return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])
    except (ValueError, TypeError):
        raise refuse("month", Reason.not_a_month, value=repr(month)) from None


def attendance_between(
    municipality_id: int,
    first: date,
    last: date,
    *,
    session: Session,
    now: datetime | None = None,
) -> list[VisitAttendance]:
    """Every visit dated `first`..`last` that was not cancelled, with its presences."""
    municipality = get_municipality(municipality_id, session=session)
    zone = ZoneInfo(municipality.timezone)
    local_now = as_utc(now or utcnow()).astimezone(zone)
    visits = visits_between(municipality_id, first, last, session=session)
    checks: dict[int, list[VisitCheck]] = defaultdict(list)
    for visit, check in checks_between(municipality_id, first, last, session=session):
        checks[visit.id or 0].append(check)
    clients = clients_by_id(municipality_id, {v.client_id for v in visits}, session=session)
    caregivers = list_caregivers(municipality_id, session=session)
    names = {c.id: c.name for c in caregivers if c.id is not None}
    return [
        _attendance(v, clients[v.client_id], checks[v.id or 0], names, zone, local_now)
        for v in visits
    ]


def day_attendance(
    municipality_id: int, day: date, *, session: Session, now: datetime | None = None
) -> list[VisitAttendance]:
    """The dispatcher's view of one day's visits (see the module notes for each flag)."""
    return attendance_between(municipality_id, day, day, session=session, now=now)


def _attendance(
    visit: Visit,
    client: Client,
    checks: list[VisitCheck],
    names: dict[int, str],
    zone: ZoneInfo,
    now: datetime,
) -> VisitAttendance:
    presences = _presences(checks, client, names, zone)
    latest = seconds(visit.window_end)
    first_in = min((p.in_s for p in presences), default=None)
    late = max(0, (first_in - latest) // 60) if first_in is not None else 0
    now_s = now.hour * 3600 + now.minute * 60
    overdue = visit.day < now.date() or (
        visit.day == now.date() and now_s > latest + MISSED_AFTER_MIN * 60
    )
    return VisitAttendance(
        visit_id=visit.id or 0,
        external_id=visit.external_id,
        day=visit.day,
        client_id=client.id or 0,
        client=client.name,
        window=f"{visit.window_start:%H:%M}-{visit.window_end:%H:%M}",
        latest_s=latest,
        duration_min=visit.duration_min,
        caregivers_needed=visit.caregivers_needed,
        presences=tuple(presences),
        late_min=late,
        missed=not presences and overdue,
        kind=visit.skills[0] if visit.skills else "",
    )


def _presences(
    checks: list[VisitCheck], client: Client, names: dict[int, str], zone: ZoneInfo
) -> list[Presence]:
    """One presence per caregiver: first check-in, last check-out after it."""
    ins: dict[int, VisitCheck] = {}
    outs: dict[int, VisitCheck] = {}
    for check in checks:  # in time order
        if check.kind == "in":
            ins.setdefault(check.caregiver_id, check)
        elif check.caregiver_id in ins and check.at >= ins[check.caregiver_id].at:
            outs[check.caregiver_id] = check
    found = []
    for who, check_in in ins.items():
        check_out = outs.get(who)
        started = as_utc(check_in.at).astimezone(zone)
        ended = as_utc(check_out.at).astimezone(zone) if check_out else None
        away = None
        if check_in.lon is not None and check_in.lat is not None:
            away = round(distance_m((check_in.lon, check_in.lat), (client.lon, client.lat)))
        in_s = started.hour * 3600 + started.minute * 60 + started.second
        found.append(
            Presence(
                caregiver_id=who,
                caregiver=names.get(who, "?"),
                checked_in=clock(in_s),
                checked_out=f"{ended:%H:%M}" if ended else None,
                minutes=round((ended - started).total_seconds() / 60) if ended else None,
                away_m=away,
                in_s=in_s,
            )
        )
    return sorted(found, key=lambda p: (p.in_s, p.caregiver_id))


@dataclass
class HoursLine:
    """One client's or caregiver's month."""

    external_id: str
    name: str
    visits: int = 0  # visits with a finished presence
    minutes: int = 0
    late: int = 0
    too_short: int = 0
    missed: int = 0  # clients only: visits nobody came to
    open: int = 0  # presences never checked out


@dataclass
class MonthlyHours:
    month: str
    clients: list[HoursLine] = field(default_factory=list)
    caregivers: list[HoursLine] = field(default_factory=list)

    @property
    def client_minutes(self) -> int:
        return sum(line.minutes for line in self.clients)

    @property
    def caregiver_minutes(self) -> int:
        return sum(line.minutes for line in self.caregivers)


def monthly_hours(
    municipality_id: int,
    month: str,
    *,
    session: Session,
    now: datetime | None = None,
    visits: list[VisitAttendance] | None = None,
) -> MonthlyHours:
    """Minutes of care per client and per caregiver in `month`, from the check-ins (or from
    the month's `visits` when the caller has already read them)."""
    first, last = month_bounds(month)
    if visits is None:
        visits = attendance_between(municipality_id, first, last, session=session, now=now)
    carers = {c.id: c for c in list_caregivers(municipality_id, session=session)}
    clients = clients_by_id(municipality_id, {v.client_id for v in visits}, session=session)
    by_client: dict[int, HoursLine] = {}
    by_carer: dict[int, HoursLine] = {}
    for v in visits:
        client = clients[v.client_id]
        line = by_client.setdefault(v.client_id, HoursLine(client.external_id, client.name))
        _count_client(line, v)
        for p in v.presences:
            carer = carers.get(p.caregiver_id)
            ext = carer.external_id if carer else str(p.caregiver_id)
            mine = by_carer.setdefault(p.caregiver_id, HoursLine(ext, p.caregiver))
            _count_presence(mine, v, p)
    return MonthlyHours(month, _sorted(by_client), _sorted(by_carer))


def _sorted(lines: dict[int, HoursLine]) -> list[HoursLine]:
    return sorted(lines.values(), key=lambda line: line.external_id)


def _count_client(line: HoursLine, v: VisitAttendance) -> None:
    line.visits += int(any(p.minutes is not None for p in v.presences))
    line.minutes += v.minutes
    line.late += int(v.late)
    line.too_short += int(v.too_short)
    line.missed += int(v.missed)
    line.open += sum(p.minutes is None for p in v.presences)


def _count_presence(line: HoursLine, v: VisitAttendance, p: Presence) -> None:
    line.visits += int(p.minutes is not None)
    line.minutes += p.minutes or 0
    line.late += int((p.in_s - v.latest_s) // 60 > LATE_GRACE_MIN)
    line.too_short += int(p.minutes is not None and p.minutes < TOO_SHORT_SHARE * v.duration_min)
    line.open += int(p.minutes is None)
