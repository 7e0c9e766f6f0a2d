"""A stored plan version in the solution shape of FORMAT.md, for other systems and `--json`.

Built from the stored rows, not from the solver's answer, so the file always says what the
database says. Job ids are the clients' `external_id`s and route vehicles the vans'; each step
carries its times as seconds (FORMAT.md) and, beside them, as local `HH:MM` (`eta` for the
arrival, `etd` for the departure).
"""

from __future__ import annotations

from sqlmodel import Session

from routing.exchange import JsonObject
from scheduler.models import PlanVersion, Stop
from scheduler.planning.explain import hhmm
from scheduler.repositories.plans import get_plan_by_id, routes_of, unassigned_of

_SUMMARY_INTS = ("cost", "distance", "duration", "late", "routes", "unassigned")


def version_to_dict(municipality_id: int, version: PlanVersion, *, session: Session) -> JsonObject:
    assert version.id is not None
    plan = get_plan_by_id(municipality_id, version.plan_id, session=session)
    summary: JsonObject = {k: int(version.summary.get(k, 0)) for k in _SUMMARY_INTS}
    summary["solve_time_s"] = version.solve_seconds
    summary.update({k: v for k, v in version.summary.items() if k not in summary})
    routes = routes_of(municipality_id, version.id, session=session)
    return {
        "plan": {
            "day": plan.day.isoformat(),
            "service": plan.service,
            "version": version.version,
            "reason": version.reason,
            "moved_stops": version.moved_stops,
        },
        "summary": summary,
        "routes": [
            {
                "vehicle": route.resource,
                "distance": route.distance,
                "duration": route.duration,
                "steps": [_step(s) for s in stops],
            }
            for route, stops in routes
        ],
        "unassigned": [
            {"id": u.job_id, "reason": u.reason, "explanation": u.explanation}
            for u in unassigned_of(municipality_id, version.id, session=session)
        ],
    }


def _step(stop: Stop) -> JsonObject:
    step: JsonObject = {
        "type": stop.kind,
        "arrival": stop.arrival_s,
        "eta": hhmm(stop.arrival_s),
    }
    if stop.kind != "end":
        step["departure"] = stop.departure_s
        step["etd"] = hhmm(stop.departure_s)
    if stop.kind in ("job", "break"):
        step["id"] = stop.job_id
        step["start"] = stop.start_s
    if stop.kind == "job":
        step["late"] = stop.late_s
        step["trip"] = stop.trip
        step["status"] = stop.status.value
    if stop.kind in ("start", "reload"):
        step["load"] = list(stop.load)
        step["trip"] = stop.trip if stop.kind == "reload" else 1
    return step
