"""The jobs of a home-care day: windows, two people at once, visits that follow another.

A visit that follows another (`after_visit`) is planned with the earlier one as a `sequential`
sync pair when both are single visits not linked otherwise; in every other case (either needs
two people, a chain of three) each job of the later visit `follows` the earlier visit's first
job (docs/format.md): the solver holds the gap, or leaves the linked visits out together with
reason `sync`. When the earlier visit has started, its real start gives the later window
exactly; when it cannot be planned at all, neither can the visit that follows it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import routing
from scheduler.intake.addresses import flagged, unplaced_reason
from scheduler.models import Client, Visit
from scheduler.planning.care_explain import clock
from scheduler.planning.care_progress import Progress, job_ids
from scheduler.planning.meals import seconds
from scheduler.planning.registry import JobRef, Unroutable

# What serving a visit with someone other than a preferred caregiver costs, in seconds of
# travel: a caregiver the client knows is worth a quarter of an hour on the road.
CONTINUITY_COST = 15 * 60

Window = tuple[int, int]


@dataclass(frozen=True)
class JobFacts:
    visits: Sequence[Visit]
    clients: Mapping[int, Client]
    done: Progress
    on_duty: frozenset[str]  # caregivers who may take new visits
    vehicles: frozenset[str]  # every caregiver in the problem (the on duty, and who kept some)
    now_s: int | None  # the plan day's present second on a re-plan during the day


@dataclass
class _Links:
    syncs: dict[int, routing.Sync]  # visit id -> its sync
    follows: dict[int, routing.Follow]  # visit id -> the link to the visit it follows
    windows: dict[int, Window]  # visit id -> the window a started earlier visit gives it
    why: dict[int, str]  # visit id -> why its link leaves no time


def visit_jobs(facts: JobFacts) -> tuple[list[routing.Job], dict[str, JobRef], list[Unroutable]]:
    """Jobs and their references, and what cannot be planned with the reason in words."""
    started = _started(facts.done)
    links = _links(facts.visits, started)
    orphans = {job: (visit, who) for job, visit, who in facts.done.orphans}
    kept = facts.done.kept_jobs
    takers = facts.on_duty & facts.vehicles
    allowed = tuple(sorted(takers)) if facts.vehicles - takers else None
    jobs: list[routing.Job] = []
    refs: dict[str, JobRef] = {}
    unroutable: list[Unroutable] = []
    for visit in facts.visits:
        client = facts.clients[visit.client_id]
        ref = _ref(visit, client)
        for job_id in job_ids(visit):
            if job_id in orphans:
                text = f"The visit to {ref.label} started with {orphans[job_id][1]} alone; the "
                text += "second caregiver it needs was not there. Send someone, or note it."
                unroutable.append(Unroutable(job_id, ref, routing.Reason.sync, text))
        ids = [j for j in job_ids(visit) if j not in kept and j not in orphans]
        if not ids:
            continue
        if flagged(client):  # no trusted coordinates: left out rather than sent astray
            text = unplaced_reason(client)
            unroutable += [Unroutable(j, ref, routing.Reason.no_vehicle, text) for j in ids]
            continue
        window, why = _window(visit, client, links, facts.now_s)
        if why is None and not takers:
            why = "No caregiver is on duty this day to make the visit."
        if why is not None:
            reason = routing.Reason.no_vehicle if not takers else routing.Reason.time_window
            unroutable += [Unroutable(j, ref, reason, why) for j in ids]
            continue
        assert window is not None
        for job_id in ids:
            jobs.append(_job(job_id, visit, client, window, facts, allowed, links))
            refs[job_id] = ref
    jobs, cut = _without_broken_links(jobs)
    for job_id in cut:
        text = "The visit it must follow cannot be planned today, so neither can this one."
        unroutable.append(Unroutable(job_id, refs.pop(job_id), routing.Reason.sync, text))
    return jobs, refs, unroutable


def _without_broken_links(jobs: list[routing.Job]) -> tuple[list[routing.Job], list[str]]:
    """Jobs whose followed job is not in the problem (not plannable today) are cut, and what
    follows them in turn."""
    cut: list[str] = []
    while True:
        ids = {j.id for j in jobs}
        broken = [j for j in jobs if any(f.job not in ids for f in j.follows)]
        if not broken:
            return jobs, cut
        cut += [j.id for j in broken]
        jobs = [j for j in jobs if j not in broken]


def _ref(visit: Visit, client: Client) -> JobRef:
    label = f"{client.name}, {client.address}" if client.address else client.name
    window = (seconds(visit.window_start), seconds(visit.window_end))
    return JobRef(client.id, visit_id=visit.id, label=label, home="", window=window)


def _job(
    job_id: str,
    visit: Visit,
    client: Client,
    window: Window,
    facts: JobFacts,
    allowed: tuple[str, ...] | None,
    links: _Links,
) -> routing.Job:
    preferred = tuple(p for p in visit.preferred_caregivers if p in facts.on_duty)
    sync = links.syncs.get(visit.id or 0)
    if visit.caregivers_needed > 1:
        sync = routing.Sync(group=f"pair:{visit.external_id}", type="simultaneous")
    return routing.Job(
        id=job_id,
        location=(client.lon, client.lat),
        service=visit.duration_min * 60,
        time_windows=(window,),
        skills=frozenset(visit.skills),
        preferred_vehicles=preferred,
        preference_cost=CONTINUITY_COST if preferred else 0,
        allowed_vehicles=allowed,
        sync=sync,
        follows=(links.follows[visit.id or 0],) if (visit.id or 0) in links.follows else (),
    )


def _started(done: Progress) -> dict[int, int]:
    """Visit id -> the second it started, for visits kept on someone."""
    found: dict[int, int] = {}
    for halves in done.kept.values():
        for half in halves:
            visit_id = half.visit.id or 0
            found[visit_id] = min(found.get(visit_id, half.start_s), half.start_s)
    return found


def _window(
    visit: Visit, client: Client, links: _Links, now_s: int | None
) -> tuple[Window | None, str | None]:
    """The start window of the visit's jobs today, or why there is none."""
    start, end = seconds(visit.window_start), seconds(visit.window_end)
    if visit.carries_meal:
        start = max(start, seconds(client.window_start))
        end = min(end, seconds(client.window_end))
        if start > end:
            return None, (
                f"The visit ({visit.window_start:%H:%M}-{visit.window_end:%H:%M}) does not meet "
                f"{client.name}'s lunch window ({client.window_start:%H:%M}-"
                f"{client.window_end:%H:%M}); move the visit or let a van bring the lunch."
            )
    if visit.id in links.why:
        return None, links.why[visit.id or 0]
    if visit.id in links.windows:
        low, high = links.windows[visit.id or 0]
        start, end = max(start, low), min(end, high)
        if start > end:
            return None, (
                f"The visit must start {visit.min_gap_min}-{visit.max_gap_min} minutes after "
                f"the visit it follows, which leaves no time in {clock(start)}-{clock(end)}."
            )
    if now_s is not None and now_s > end:
        return None, (
            f"Its latest start ({clock(end)}) has passed and nobody checked in; move the "
            "visit to a later time or another day."
        )
    return (max(start, now_s or 0), end), None


def _links(visits: Sequence[Visit], started: Mapping[int, int]) -> _Links:
    """Sync pairs or follows for visits that follow another (module notes)."""
    by_id = {v.id: v for v in visits}
    found = _Links({}, {}, {}, {})
    leads: set[int] = set()
    for visit in visits:
        earlier = by_id.get(visit.after_visit_id) if visit.after_visit_id else None
        if earlier is None or visit.min_gap_min is None or visit.max_gap_min is None:
            continue
        low, high = visit.min_gap_min * 60, visit.max_gap_min * 60
        own, first = visit.id or 0, earlier.id or 0
        if first in started:
            found.windows[own] = (started[first] + low, started[first] + high)
        elif _pairable(visit, earlier, leads, found):
            group = f"after:{earlier.external_id}"
            for number, visit_id in ((1, first), (2, own)):
                found.syncs[visit_id] = routing.Sync(group, "sequential", number, low, high)
            leads.add(first)
        else:
            found.follows[own] = routing.Follow(job_ids(earlier)[0], low, high)
    return found


def _pairable(visit: Visit, earlier: Visit, leads: set[int], found: _Links) -> bool:
    single = visit.caregivers_needed == 1 and earlier.caregivers_needed == 1
    free = (earlier.id or 0) not in found.syncs and (visit.id or 0) not in found.syncs
    return single and free and (earlier.id or 0) not in leads
