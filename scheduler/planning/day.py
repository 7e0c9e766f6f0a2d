"""`plan_day`: the frozen day of one service to a stored plan version.

Read everything, solve, then write: the solve runs before the first write, so a long search
holds no write lock, and the version is stored whole in the caller's transaction. The answer is
checked by routing/validate.py first: one that breaks a hard rule is never stored (nor so
published); `BrokenPlanError` names the rule, the worker raises it as an alert, and the last
good version stays.
"""

from __future__ import annotations

import time
from datetime import date, datetime

from sqlmodel import Session

import routing
from routing.standing import as_they_stand
from routing.travel import with_matrices
from routing.validate import hard_violations
from scheduler.errors import DomainError
from scheduler.events import record_event
from scheduler.intake.cutoff import utc_now
from scheduler.models import EventKind, PlanVersion, Service, Unassigned
from scheduler.planning.explain import blame_absent_drivers, blame_breakdowns, blame_roads
from scheduler.planning.pins import with_pins
from scheduler.planning.registry import PlanContext, builder_for
from scheduler.planning.replan import (
    KeptPart,
    Moves,
    Slot,
    continue_day,
    count_moves,
    seconds_into_day,
)
from scheduler.planning.rows import (
    longest_ride,
    reported_stops,
    route_rows,
    sequences,
    unassigned_rows,
)
from scheduler.refusals import Reason, refuse
from scheduler.repositories.freezes import latest_freeze
from scheduler.repositories.plans import (
    RouteRows,
    followed_version,
    get_plan,
    routes_of,
    store_version,
)
from scheduler.repositories.tenancy import get_municipality
from scheduler.roads.choice import provider_for
from scheduler.roads.store import MatrixStore
from scheduler.roads.valhalla import Valhalla
from scheduler.settings import get_settings
from scheduler.wording import term

SEED = 0  # one seed: the same frozen day and settings give the same plan
# A search that has found nothing at all when its budget ends (a loaded worker, a 2 s re-plan
# of a large day) may take this long for a first answer: a plan seconds late beats a stored
# version with every stop left out.
FIRST_ANSWER_GRACE_S = 5.0
# A meal day's search ends with a descent to a local optimum of the real cost (Search.settled:
# it stops by itself when there, in a second or two here): the best answer of guided local
# search after a few seconds is often far from one (7% shorter after it on the demo's day), and
# the first re-plan from it went on to reorder 5-35 stops for that, as if the cancellation
# caused it. Re-plans (seeded with the old routes) take the same phases: a plan's own end state.


def plan_day(
    municipality_id: int,
    day: date,
    service: Service,
    *,
    session: Session,
    reason: str = "initial",
    time_limit: float | None = None,
    now: datetime | None = None,
) -> PlanVersion:
    """Plan the frozen `day` of `service` and store it as the plan's next version.

    A re-plan keeps the trips vans are already on and starts the rest from the version the
    drivers follow, so few stops move; the version records how many did (replan.py).
    """
    municipality = get_municipality(municipality_id, session=session)
    freeze = latest_freeze(municipality_id, day, service, session=session)
    builder = builder_for(service)
    if freeze is None:
        raise refuse("day", Reason.not_frozen, service=term(service), day=day)
    built = builder(PlanContext(session, municipality, day, freeze, now or utc_now()))
    plan = get_plan(municipality_id, day, service, session=session)
    base = followed_version(municipality_id, plan, session=session) if plan else None
    old: RouteRows = (
        routes_of(municipality_id, base.id, session=session) if base and base.id else []
    )
    published = bool(plan and base and plan.published_version == base.version)
    now_s = seconds_into_day(now or utc_now(), day, municipality.timezone)
    slots = {
        vid: Slot(ref.resource, ref.trip, ref.reload_s)
        for vid, ref in built.vehicles.items()
        if ref.trip and ref.resource
    }
    vans = {slots[v.id].van if v.id in slots else v.id for v in built.problem.vehicles}
    if built.kept is None:
        problem, kept = continue_day(
            built.problem,
            {r.resource: stops for r, stops in old if r.resource in vans},
            published=published,
            now_s=now_s,
            slots=slots,
            out_of_service=built.out_of_service,
        )
    else:  # the builder continued the day itself (home care: from the visits checked in)
        problem, kept = built.problem, dict(built.kept)
    problem = with_pins(problem, built, municipality_id, day, service, session=session)
    # Matrices once, before the solve: the search and the check of its answer see the same
    # road times (the check would otherwise time the routes on straight lines).
    # Road rows are stored in the plan's own transaction (SQLite has one writer at a time).
    travel = provider_for(municipality_id, get_settings(), problem.travel, session.connection())
    problem = with_matrices(problem, travel)
    started = time.perf_counter()
    solution = _standing(problem, old, kept) if service == "meals" and base else None
    if solution is None:
        solution = _solve(problem, time_limit, meals=service == "meals")
        refuse_broken(problem, solution)
    elapsed = time.perf_counter() - started
    routes = route_rows(built, solution, reported_stops(old), kept, travel)
    idle = built.without_driver  # out from the start, but no breakdown to blame
    broken = {van: at for van, at in built.out_of_service.items() if van not in idle}
    unassigned = blame_breakdowns(unassigned_rows(built, solution), old, broken)
    unassigned = blame_absent_drivers(unassigned, built.problem.jobs, idle)
    cut_off = travel.unreachable if isinstance(travel, Valhalla | MatrixStore) else ()
    unassigned = blame_roads(unassigned, built.problem.jobs, cut_off)
    moves = count_moves(sequences(old), sequences(routes)) if base else Moves(0, 0, 0)
    version = PlanVersion(
        municipality_id=municipality_id,
        plan_id=0,
        version=1,
        freeze_id=freeze.id,
        reason=reason[:200],
        summary=_summary(solution, routes, unassigned, moves, kept),
        moved_stops=moves.moved,
        solve_seconds=round(elapsed, 3),
    )
    store_version(
        municipality_id,
        day,
        service,
        version,
        routes,
        unassigned,
        session=session,
    )
    record_event(
        session,
        municipality_id=municipality_id,
        kind=EventKind.plan_created,
        key=f"plan:{service}:{day.isoformat()}:v{version.version}",
        payload={
            "plan_version_id": version.id,
            "version": version.version,
            "reason": reason,
            "moved": moves.moved,
            "unassigned": int(version.summary["unassigned"]),
        },
        day=day,
        service=service,
    )
    return version


class BrokenPlanError(DomainError):
    """A solver answer that breaks a hard rule the dispatcher set: not stored, not published."""


def refuse_broken(problem: routing.Problem, solution: routing.Solution) -> None:
    """Raise if the answer breaks a hard rule: a visit left out with its reason can be acted
    on, a caregiver sent at a time the rules forbid cannot."""
    broken = hard_violations(problem, solution)
    if broken:
        rules = ", ".join(sorted({v.constraint for v in broken}))
        more = f" (and {len(broken) - 3} more)" if len(broken) > 3 else ""
        found = "; ".join(str(v) for v in broken[:3]) + more
        raise BrokenPlanError(f"the plan breaks hard rules ({rules}) and was not stored: {found}")


def _standing(
    problem: routing.Problem, old: RouteRows, kept: dict[str, KeptPart]
) -> routing.Solution | None:
    """The old routes less the stops cancelled since, when that is all that changed and they
    break no hard rule (routing/standing.py): a late cancellation re-published in a moment,
    every other stop at its old time. None sends the day to the search."""
    before = {s.job_id for _, stops in old for s in stops if s.kind == "job" and s.job_id}
    now = {j.id for j in problem.jobs} | {j for part in kept.values() for j in part.job_ids}
    if not before - now or now - before:
        return None  # nothing cancelled, or a stop to place
    held = {s.job_id: s.start_s for _, stops in old for s in stops if s.job_id}
    solution = as_they_stand(problem, held)
    if solution is None or hard_violations(problem, solution):  # the one check it gets
        return None
    return solution


def _solve(problem: routing.Problem, time_limit: float | None, *, meals: bool) -> routing.Solution:
    if not problem.jobs:  # an empty day (a holiday, everyone cancelled) needs no search
        empty = routing.Summary(0, 0, 0, 0, 0, 0, 0.0)
        return routing.Solution(empty)
    limit = time_limit if time_limit is not None else get_settings().solve_time_limit_s
    search = routing.Search.settled if meals else routing.Search.default
    params = routing.SolveParams(
        limit, SEED, search=search, first_answer_grace_s=FIRST_ANSWER_GRACE_S
    )
    return routing.solve(problem, params)


def _summary(
    solution: routing.Solution,
    routes: RouteRows,
    unassigned: list[Unassigned],
    moves: Moves,
    kept: dict[str, KeptPart],
) -> dict[str, float]:
    """Figures of the stored version (kept trips included), and the solver's own cost."""
    jobs = [s for _, stops in routes for s in stops if s.kind == "job"]
    return {
        "cost": solution.summary.cost,
        "distance": sum(r.distance for r, _ in routes),
        "duration": sum(r.duration for r, _ in routes),
        "late": sum(s.late_s for s in jobs),
        "routes": len(routes),
        "assigned": len(jobs),
        "unassigned": len(unassigned),
        "max_ride_s": longest_ride(routes),
        "solve_time_s": solution.summary.solve_time_s,
        "pinned": sum(len(part.job_ids) for part in kept.values()),
        "moved": moves.moved,
        "added": moves.added,
        "removed": moves.removed,
    }
