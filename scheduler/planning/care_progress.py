"""How far the home-care day has gone: visits checked in, kept on whoever checked in.

A visit is under way once a caregiver checks in, and done once they check out. In a re-plan
those visits stay where they happened, in check-in order, at their real times; they are not
given to the solver. Each caregiver comes back into the problem at the client of their last
kept visit, when that visit ends (the check-out, else the check-in plus the planned duration)
and not before the present moment. The kept visits are written first on the caregiver's
route, as the meal planner writes the trips a van is on (scheduler/planning/replan.py).

A two-person visit checked in by one caregiver only keeps its other half on the caregiver the
followed plan had for it, when that caregiver is on duty: they are most likely there and
forgot the phone. Otherwise that half is reported as not covered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from scheduler.intake.cutoff import as_utc
from scheduler.models import Stop, StopKind, StopStatus, Visit, VisitCheck, VisitStatus
from scheduler.planning.replan import KeptPart
from scheduler.repositories.visits import checks_of_visits

SECOND = "#2"


def job_ids(visit: Visit) -> tuple[str, ...]:
    """The routing job ids of a visit: its external id, and a second one for a second person.

    Job ids fit the 64 characters of a stop's `job_id`; a very long external id gives the
    second job an id made of the visit's row id instead.
    """
    first = visit.external_id
    if visit.caregivers_needed < 2:
        return (first,)
    second = first + SECOND if len(first) + len(SECOND) <= 64 else f"visit-{visit.id}{SECOND}"
    return (first, second)


@dataclass(frozen=True)
class KeptVisit:
    """A visit half kept on a caregiver: (job id, visit, start second, end second)."""

    job_id: str
    visit: Visit
    start_s: int
    end_s: int
    status: StopStatus


@dataclass
class Progress:
    """Kept visit halves per caregiver (external id), in order, and halves left uncovered."""

    kept: dict[str, list[KeptVisit]] = field(default_factory=dict)
    orphans: list[tuple[str, Visit, str]] = field(default_factory=list)  # job, visit, who

    @property
    def kept_jobs(self) -> frozenset[str]:
        return frozenset(k.job_id for ks in self.kept.values() for k in ks)


def local_seconds(moment: datetime, timezone: str) -> int:
    """Wall-clock seconds from local midnight of a stored (UTC) instant."""
    local = as_utc(moment).astimezone(ZoneInfo(timezone))
    return local.hour * 3600 + local.minute * 60 + local.second


def checks_by_visit(
    municipality_id: int, visit_ids: Sequence[int], *, session: Session
) -> dict[int, list[VisitCheck]]:
    """Check-ins and check-outs of these visits, in time order."""
    if not visit_ids:
        return {}
    found: dict[int, list[VisitCheck]] = defaultdict(list)
    for row in checks_of_visits(municipality_id, visit_ids, session=session):
        found[row.visit_id].append(row)
    return found


def progress(
    visits: Sequence[Visit],
    checks: Mapping[int, list[VisitCheck]],
    caregivers: Mapping[int, str],
    old_halves: Mapping[tuple[int, str], str],
    on_duty: frozenset[str],
    timezone: str,
) -> Progress:
    """What is kept (see the module notes). `caregivers`: caregiver id -> external id;
    `old_halves`: (visit id, caregiver external id) -> job id in the followed plan."""
    found = Progress()
    for visit in visits:
        rows = checks.get(visit.id or 0, [])
        if visit.status not in (VisitStatus.checked_in, VisitStatus.done) and not rows:
            continue
        times = _times(rows, caregivers, timezone)
        if not times:
            continue  # a status without a check row (set by hand): nothing to keep it on
        _keep(found, visit, times, old_halves, on_duty)
    for halves in found.kept.values():
        halves.sort(key=lambda k: (k.start_s, k.job_id))
    return found


def _times(
    rows: list[VisitCheck], caregivers: Mapping[int, str], timezone: str
) -> dict[str, tuple[int, int | None]]:
    """Caregiver -> (first check-in, last check-out after it) as local seconds."""
    times: dict[str, tuple[int, int | None]] = {}
    for row in rows:
        who = caregivers.get(row.caregiver_id)
        if who is None:
            continue
        at = local_seconds(row.at, timezone)
        if row.kind == "in" and who not in times:
            times[who] = (at, None)
        elif row.kind == "out" and who in times and at >= times[who][0]:
            times[who] = (times[who][0], at)
    return times


def _keep(
    found: Progress,
    visit: Visit,
    times: dict[str, tuple[int, int | None]],
    old_halves: Mapping[tuple[int, str], str],
    on_duty: frozenset[str],
) -> None:
    ids = list(job_ids(visit))
    planned = visit.duration_min * 60
    who_first = sorted(times, key=lambda w: (times[w][0], w))[: len(ids)]
    mine = {w: old_halves.get((visit.id or 0, w)) for w in who_first}
    free = [j for j in ids if j not in mine.values()]
    for who in who_first:
        own = mine[who]
        job = own if own is not None and own in ids else free.pop(0)
        start, end = times[who]
        status = StopStatus.done if end is not None else StopStatus.checked_in
        halves = found.kept.setdefault(who, [])
        halves.append(KeptVisit(job, visit, start, end or start + planned, status))
    taken = {k.job_id for ks in found.kept.values() for k in ks if k.visit.id == visit.id}
    start = min(t[0] for t in times.values())
    for job in (j for j in ids if j not in taken):
        partner = next((w for (v, w), j in old_halves.items() if v == visit.id and j == job), None)
        if partner is not None and partner in on_duty and partner not in times:
            kept = KeptVisit(job, visit, start, start + planned, StopStatus.planned)
            found.kept.setdefault(partner, []).append(kept)
        else:
            found.orphans.append((job, visit, ", ".join(sorted(times))))


def kept_parts(
    found: Progress,
    first_stop: Mapping[str, Stop],
    old_stops: Mapping[str, Stop],
    resume_s: Mapping[str, int],
) -> dict[str, KeptPart]:
    """Each caregiver's kept visits as the stops written first on their route.

    `first_stop`: the caregiver's start stop in the followed plan; `old_stops`: its job stops
    by job id (their confirmation and note are kept); `resume_s`: when each is free again.
    """
    parts: dict[str, KeptPart] = {}
    for who, halves in found.kept.items():
        departure = first_stop[who].departure_s if who in first_stop else halves[0].start_s
        departure = min(departure, halves[0].start_s)
        stops = [_stop(StopKind.start, departure, departure)]
        for half in halves:
            stop = _stop(StopKind.job, half.start_s, half.end_s)
            stop.job_id, stop.visit_id = half.job_id, half.visit.id
            stop.client_id, stop.status = half.visit.client_id, half.status
            old = old_stops.get(half.job_id)
            if old is not None:
                stop.confirmed_at, stop.note = old.confirmed_at, old.note
            stops.append(stop)
        # trips=0: a caregiver makes no trips, so the re-planned rest keeps trip number 1.
        parts[who] = KeptPart(who, tuple(stops), 0, resume_s[who])
    return parts


def _stop(kind: StopKind, start: int, end: int) -> Stop:
    return Stop(
        municipality_id=0,
        route_id=0,
        seq=0,
        kind=kind,
        arrival_s=start,
        start_s=start,
        departure_s=end,
        trip=1,
    )
