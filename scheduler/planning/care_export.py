"""A stored home-care plan version in the solution shape of FORMAT.md.

As for meals (export.py), with the ids other systems know: each route's `vehicle` is a
caregiver's `external_id` and each job's `id` is the visit's `external_id`. A visit for two
people appears in both caregivers' routes with the same id and the same `start`; its job
steps carry `"part": 1` and `"part": 2`, so the two can still be told apart. The unassigned
list names each visit once.
"""

from __future__ import annotations

from sqlmodel import Session

from routing.exchange import JsonObject
from scheduler.models import PlanVersion, Unassigned
from scheduler.planning.care_progress import SECOND
from scheduler.planning.export import version_to_dict
from scheduler.repositories.plans import routes_of, unassigned_of
from scheduler.repositories.visits import visits_by_ids


def care_version_to_dict(
    municipality_id: int, version: PlanVersion, *, session: Session
) -> JsonObject:
    assert version.id is not None
    data = version_to_dict(municipality_id, version, session=session)
    left = unassigned_of(municipality_id, version.id, session=session)
    names = _visit_names(municipality_id, version.id, left, session=session)
    for route in data["routes"]:
        for step in route["steps"]:
            if step["type"] == "job" and step["id"] in names:
                visit, part = names[step["id"]]
                step["id"] = visit
                if part:
                    step["part"] = part
    seen: set[str] = set()
    unassigned = []
    for row in data["unassigned"]:
        visit = names.get(row["id"], (row["id"], 0))[0]
        if visit not in seen:
            seen.add(visit)
            unassigned.append({**row, "id": visit})
    data["unassigned"] = unassigned
    return data


def _visit_names(
    municipality_id: int, version_id: int, left: list[Unassigned], *, session: Session
) -> dict[str, tuple[str, int]]:
    """Job id -> (visit external id, part: 1 or 2 for a two-person visit, else 0)."""
    jobs = {
        s.job_id: s.visit_id
        for _, stops in routes_of(municipality_id, version_id, session=session)
        for s in stops
        if s.kind == "job" and s.job_id and s.visit_id is not None
    }
    jobs.update({u.job_id: u.visit_id for u in left if u.visit_id is not None})
    ids = sorted({v for v in jobs.values() if v is not None})
    visits = visits_by_ids(municipality_id, ids, session=session)
    by_id = {v.id: v for v in visits}
    names: dict[str, tuple[str, int]] = {}
    for job, visit_id in jobs.items():
        visit = by_id.get(visit_id)
        if visit is not None:
            part = (2 if job.endswith(SECOND) else 1) if visit.caregivers_needed > 1 else 0
            names[job] = (visit.external_id, part)
    return names
