"""Why a stop could not be planned, in words a dispatcher can act on.

The solver answers with a reason code (FORMAT.md); the dispatcher needs the client, the
numbers that bind and what to change. Times are shown as the local wall clock.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import routing
from routing.problem import Location
from routing.solution import Cause
from routing.wording import TEMPLATES, values
from scheduler.models import Route, Stop, Unassigned
from scheduler.planning.care_explain import explain_visit
from scheduler.planning.registry import JobRef
from scheduler.wording import N_, Said


def hhmm(seconds: int) -> str:
    """Seconds from local midnight as `HH:MM` (plan times are wall-clock seconds)."""
    minutes = max(seconds, 0) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# What a dispatcher can do about each cause the solver gives with its numbers (wording.py).
ACTIONS: dict[Cause, str] = {
    Cause.unreachable: N_("Widen the window or start a van earlier."),
    Cause.off_shift: N_("Move the window into the shifts or add a van on the road then."),
    Cause.window_full: N_("Add a van in that window, widen the window, or move another client's."),
    Cause.too_big: N_("Split the order over two trips or use a larger van."),
    Cause.boxes_full: N_(
        "Allow another trip, add a van, or serve the client from another kitchen."
    ),
    Cause.ride_too_long: N_(
        "Serve the client from a nearer kitchen or lengthen the hot-meal limit."
    ),
    Cause.ride_full: N_("Add a trip or a van so this client rides on a shorter trip."),
    Cause.shift_too_short: N_("Lengthen the shift or move the window earlier."),
    Cause.shifts_full: N_("Lengthen a shift or add a van."),
    Cause.cost: N_("Re-plan with more time, or widen the window."),
}


def explain(
    reason: routing.Reason,
    job: routing.Job | None,
    ref: JobRef,
    why: routing.Why | None = None,
) -> Said:
    """Why the stop is out and what to change, as catalog messages with their values."""
    if ref.visit_id is not None:  # a home-care visit: caregivers, not vans
        return explain_visit(reason, job, ref, why)
    who = ref.label or (job.id if job is not None else "this stop")
    if why is not None and why.code in ACTIONS:
        head = (N_("%(who)s (%(home)s):"), {"who": who, "home": ref.home}) if ref.home else (
            N_("%(who)s:"), {"who": who})  # fmt: skip
        return Said.of(head, (TEMPLATES[why.code], values(why)), (ACTIONS[why.code], {}))
    window = ref.window or (job.time_windows[0] if job is not None and job.time_windows else None)
    facts = {
        "who": who,
        "home": ref.home or "-",
        "span": f"{hhmm(window[0])}-{hhmm(window[1])}" if window else "-",
        "ride": job.max_ride_time // 60 if job is not None and job.max_ride_time else "-",
        "amount": job.delivery[0] if job is not None and job.delivery else "-",
        "reason": reason.value,
    }
    return Said.of((TEXTS.get(reason, N_("%(who)s could not be planned (%(reason)s).")), facts))


# The words when the solver gave no cause with numbers, by reason.
TEXTS: dict[routing.Reason, str] = {
    routing.Reason.time_window: N_(
        "No van of %(home)s can reach %(who)s between %(span)s. Widen the window or add a van "
        "that is on the road then."
    ),
    routing.Reason.capacity: N_(
        "The vans of %(home)s are full: no trip has room for %(amount)s more portion(s). "
        "Allow another trip, add a van, or serve the client from another kitchen."
    ),
    routing.Reason.max_ride_time: N_(
        "%(who)s is too far from %(home)s for the meal to arrive hot: it cannot be reached "
        "within %(ride)s minutes of the van leaving the kitchen within %(span)s."
    ),
    routing.Reason.shift: N_(
        "No van of %(home)s has enough of its shift left to reach %(who)s between %(span)s "
        "and come back. Lengthen a shift or add a van."
    ),
    routing.Reason.no_vehicle: N_("No van may serve %(who)s: %(home)s has no van on this day."),
    routing.Reason.skills: N_("No one on duty has the skills that %(who)s needs."),
    routing.Reason.sync: N_("The other part of the visit to %(who)s could not be planned."),
    routing.Reason.cost: N_(
        "The planner found no place for %(who)s on any route (%(span)s) in the time it had. "
        "Re-plan with more time, or widen the window."
    ),
}


def blame_breakdowns(
    rows: list[Unassigned],
    old: Sequence[tuple[Route, Sequence[Stop]]],
    out_of_service: Mapping[str, int],
) -> list[Unassigned]:
    """A stop left out after its van broke down says so first: the dispatcher then calls the
    client or sends the meal another way, rather than widening a window."""
    if not out_of_service:
        return rows
    was_on = {s.job_id: r.resource for r, stops in old for s in stops if s.kind == "job"}
    for row in rows:
        van = was_on.get(row.job_id)
        if van is not None and van in out_of_service:
            _say_first(row, Said.of((BROKE_DOWN, {"van": van, "at": hhmm(out_of_service[van])})))
    return rows


BROKE_DOWN = N_("Van %(van)s broke down at %(at)s and no other van can take this stop:")


def blame_absent_drivers(
    rows: list[Unassigned],
    jobs: Sequence[routing.Job],
    without_driver: Mapping[str, tuple[str, str]],
) -> list[Unassigned]:
    """A stop left out that a van without its driver could have served says so first: the
    dispatcher then finds a stand-in driver, rather than widening a window."""
    if not without_driver:
        return rows
    allowed = {j.id: j.allowed_vehicles for j in jobs}
    for row in rows:
        if row.job_id not in allowed:
            continue
        vans = allowed[row.job_id]
        idle = sorted(v for v in (vans if vans is not None else without_driver)
                      if v in without_driver)  # fmt: skip
        if idle:
            van, drivers = without_driver[idle[0]]
            _say_first(row, Said.of((NO_DRIVER, {"van": van, "drivers": drivers})))
    return rows


NO_DRIVER = N_(
    "%(van)s has no driver this day (away: %(drivers)s) and no other van can take this stop:"
)


def _say_first(row: Unassigned, said: Said) -> None:
    """Put `said` before the row's explanation, in English and as catalog messages."""
    before = Said.from_json(row.detail or {})
    row.detail = Said(said.parts + (before.parts if before else ())).to_json()
    row.explanation = f"{said.words()} {row.explanation}"[:500]


def blame_roads(
    rows: list[Unassigned], jobs: Sequence[routing.Job], unreachable: Collection[Location]
) -> list[Unassigned]:
    """A stop no road reaches says so first: its coordinates are wrong or off the road graph,
    and no window or van will change that."""
    if not unreachable:
        return rows
    cut_off = {j.id for j in jobs if j.location is not None and j.location in unreachable}
    for row in rows:
        if row.job_id in cut_off:
            _say_first(row, Said.of((NO_ROAD, {})))
    return rows


NO_ROAD = N_("No road on the map reaches this address; check its coordinates.")
