"""The home-care day as a routing problem: frozen visits to jobs, caregivers on duty to vehicles.

- A caregiver on duty (scheduler/intake/availability.py) is a vehicle from and back to their start
  place, within their shift cut to `max_minutes` after its start, travelling by their mode
  (`car`, `foot`, `bus` profiles), with their skills and a lunch break of `break_minutes`
  starting between `break_start` and `break_end` when the shift leaves room for it.
- A visit is a job with the visit's external id, located at the client, lasting its duration,
  starting within its window (hard: the window is what the client was promised). A visit for
  two people is two jobs (`X` and `X#2`) in a `simultaneous` sync group; a visit after another
  is `sequential` with the minimum and maximum gap, or `follows` it (care_jobs.py); preferred
  caregivers on duty are the job's `preferred_vehicles`, serving it with anyone else costs
  `CONTINUITY_COST`.
- A lunch carried on the visit narrows its window to the client's lunch window.
- The objective is travel time: caregivers walk and take buses, so time is what they spend.

Re-planning on the day (scheduler/planning/care_progress.py): visits checked in stay with the
caregivers who checked in; the rest are planned from the present moment; a caregiver who is
not on duty any more (reported sick) keeps what they started and takes nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import routing
from scheduler.intake.availability import Availability, availability
from scheduler.intake.visits import SERVICE, frozen_day_visits
from scheduler.models import Caregiver, Client, Service, Stop
from scheduler.planning.care_jobs import JobFacts, visit_jobs
from scheduler.planning.care_progress import Progress, checks_by_visit, kept_parts, progress
from scheduler.planning.care_week import WeekFacts, week_facts
from scheduler.planning.meals import seconds
from scheduler.planning.registry import BuiltProblem, PlanContext, VehicleRef, register
from scheduler.planning.replan import EVERYTHING_DEPARTED, seconds_into_day
from scheduler.planning.visit_pins import with_visit_pins
from scheduler.repositories.meals import clients_by_id
from scheduler.repositories.plans import followed_version, get_plan, routes_of
from scheduler.repositories.visit_pins import list_visit_pins


@dataclass(frozen=True)
class OldPlan:
    """What the followed version says, by caregiver: its stops and its job ids in order."""

    first_stop: dict[str, Stop]
    job_stops: dict[str, Stop]
    sequences: dict[str, tuple[str, ...]]
    halves: dict[tuple[int, str], str]  # (visit id, caregiver) -> job id
    resource_of: dict[str, str]  # job id -> caregiver


def old_plan(ctx: PlanContext) -> OldPlan:
    municipality_id = ctx.municipality.id
    assert municipality_id is not None
    plan = get_plan(municipality_id, ctx.day, SERVICE, session=ctx.session)
    base = followed_version(municipality_id, plan, session=ctx.session) if plan else None
    found = OldPlan({}, {}, {}, {}, {})
    if base is None or base.id is None:
        return found
    for route, stops in routes_of(municipality_id, base.id, session=ctx.session):
        jobs = [s for s in stops if s.kind == "job" and s.job_id]
        found.first_stop[route.resource] = stops[0]
        found.sequences[route.resource] = tuple(s.job_id for s in jobs if s.job_id)
        for stop in jobs:
            found.job_stops[stop.job_id or ""] = stop
            found.resource_of[stop.job_id or ""] = route.resource
            if stop.visit_id is not None:
                found.halves[(stop.visit_id, route.resource)] = stop.job_id or ""
    return found


def now_seconds(ctx: PlanContext) -> int | None:
    """The present moment in the plan day's seconds, or None before the day and for a day
    already past (planned whole, as the meal planner does)."""
    if ctx.now is None:
        return None
    now_s = seconds_into_day(ctx.now, ctx.day, ctx.municipality.timezone)
    return now_s if now_s is not None and now_s < EVERYTHING_DEPARTED else None


@register(Service.care)
def build_care(ctx: PlanContext) -> BuiltProblem:
    municipality_id = ctx.municipality.id
    assert municipality_id is not None and ctx.freeze.id is not None
    visits = frozen_day_visits(municipality_id, ctx.freeze.id, session=ctx.session)
    clients = clients_by_id(municipality_id, {v.client_id for v in visits}, session=ctx.session)
    staff = availability(municipality_id, ctx.day, session=ctx.session)
    ids = {a.caregiver.id: a.caregiver.external_id for a in staff if a.caregiver.id}
    on_duty = frozenset(a.caregiver.external_id for a in staff if a.on_duty)
    old = old_plan(ctx)
    checks = checks_by_visit(municipality_id, [v.id for v in visits if v.id], session=ctx.session)
    tz = ctx.municipality.timezone
    done = progress(visits, checks, ids, old.halves, on_duty, tz)
    now_s = now_seconds(ctx)
    resume = _resume(staff, done, clients, now_s)
    week = week_facts(municipality_id, ctx.day, session=ctx.session)
    vehicles = _vehicles(staff, done, resume, week)
    kept = kept_parts(done, old.first_stop, old.job_stops, {w: t for w, (_, t) in resume.items()})
    facts = JobFacts(visits, clients, done, on_duty, frozenset(v.id for v in vehicles), now_s)
    jobs, refs, unroutable = visit_jobs(facts)
    problem = routing.Problem(
        vehicles=tuple(vehicles),
        jobs=tuple(jobs),
        objective=routing.Objective(
            minimize="duration", balance_weight=ctx.municipality.care_balance_weight
        ),
        initial_routes=_initial(old, jobs, {v.id for v in vehicles}),
    )
    pins = list_visit_pins(municipality_id, ctx.day, session=ctx.session)
    problem = with_visit_pins(problem, refs, pins, ids)
    vehicle_refs = {
        a.caregiver.external_id: VehicleRef(caregiver_id=a.caregiver.id, label=a.caregiver.name)
        for a in staff
    }
    return BuiltProblem(problem, refs, vehicle_refs, tuple(unroutable), kept=kept)


Resume = dict[str, tuple[tuple[float, float], int]]  # caregiver -> (where, when) free again


def _resume(
    staff: Sequence[Availability],
    done: Progress,
    clients: Mapping[int, Client],
    now_s: int | None,
) -> Resume:
    """Where and when each caregiver with kept visits is free again."""
    found: Resume = {}
    for a in staff:
        halves = done.kept.get(a.caregiver.external_id)
        if not halves:
            continue
        last = max(halves, key=lambda k: (k.end_s, k.start_s))
        client = clients[last.visit.client_id]
        found[a.caregiver.external_id] = ((client.lon, client.lat), max(last.end_s, now_s or 0))
    return found


def _vehicles(
    staff: Sequence[Availability], done: Progress, resume: Resume, week: WeekFacts
) -> list[routing.Vehicle]:
    """Caregivers on duty, and those off duty now who kept visits (with an empty window, so
    their kept visits are written on their route and nothing new joins them)."""
    vehicles = []
    for a in staff:
        who = a.caregiver.external_id
        if a.on_duty:
            left = week_left(a.caregiver, week)
            vehicles.append(
                caregiver_vehicle(a.caregiver, resume.get(who), done.kept.get(who), left)
            )
        elif who in done.kept:
            where, when = resume[who]
            vehicles.append(
                routing.Vehicle(id=who, start=where, time_window=(when, when), profile=_mode(a))
            )
    return vehicles


def _mode(a: Availability) -> str:
    return a.caregiver.mode.value


def shift(caregiver: Caregiver) -> tuple[int, int]:
    """The working window: the shift, cut to `max_minutes` after its start."""
    start, end = seconds(caregiver.shift_start), seconds(caregiver.shift_end)
    return start, min(end, start + caregiver.max_minutes * 60)


def week_left(caregiver: Caregiver, week: WeekFacts) -> int | None:
    """Minutes of the weekly limit the week's other days leave for this day (None: no limit)."""
    if caregiver.max_week_minutes is None:
        return None
    return max(caregiver.max_week_minutes - week.minutes[caregiver.external_id], 0)


def caregiver_vehicle(
    caregiver: Caregiver,
    resume: tuple[tuple[float, float], int] | None,
    kept: Sequence[object] | None,
    week_left_min: int | None = None,
) -> routing.Vehicle:
    """A caregiver on duty as a vehicle; `resume` is where and when a re-plan picks them up;
    `week_left_min` what the weekly limit leaves of the day, from the shift's start."""
    home = (caregiver.start_lon, caregiver.start_lat)
    opens, closes = shift(caregiver)
    if week_left_min is not None:
        closes = min(closes, opens + week_left_min * 60)
    start = home
    if resume is not None:
        start, opens = resume[0], max(opens, resume[1])
    return routing.Vehicle(
        id=caregiver.external_id,
        start=start,
        end=home,
        time_window=(min(opens, closes), closes),
        skills=frozenset(caregiver.skills),
        profile=caregiver.mode.value,
        breaks=lunch_break(caregiver, min(opens, closes), closes),
    )


def lunch_break(caregiver: Caregiver, opens: int, closes: int) -> tuple[routing.Break, ...]:
    """The lunch break, moved inside the working window; none when it does not fit (a short
    shift, or a re-plan after its latest start)."""
    length = caregiver.break_minutes * 60
    if length == 0:
        return ()
    earliest = max(seconds(caregiver.break_start), opens)
    latest = min(seconds(caregiver.break_end), closes - length)
    if latest < earliest:
        return ()
    return (routing.Break(id="lunch", time_windows=((earliest, latest),), service=length),)


def _initial(
    old: OldPlan, jobs: Sequence[routing.Job], vehicles: set[str]
) -> dict[str, tuple[str, ...]]:
    """The followed plan's order, as a start for the search: few visits move."""
    allowed = {j.id: j.allowed_vehicles for j in jobs}
    routes = {}
    for who, sequence in old.sequences.items():
        if who not in vehicles:
            continue
        mine = tuple(
            j
            for j in sequence
            if j in allowed and (allowed[j] is None or who in (allowed[j] or ()))
        )
        if mine:
            routes[who] = mine
    return routes
