"""What a newer plan version changes on each route, in client names: the phone's notice ("2
stops added, Ivan Petrov cancelled") and the board's preview of a held re-plan.

The comparison itself is planning/changes.py's; this read names the jobs. Scoped to the
municipality like every view.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from scheduler.models import Plan, PlanVersion, Stop
from scheduler.planning.changes import route_changes
from scheduler.planning.rows import sequences
from scheduler.repositories.meals import clients_by_id
from scheduler.repositories.plans import RouteRows, get_version, routes_of
from scheduler.repositories.stops import key_of, served


@dataclass(frozen=True)
class NamedChange:
    """A route's change between two versions, as client names (see planning/changes.py)."""

    resource: str
    added: list[str]
    removed: list[str]  # taken off the route for any reason, the cancelled included
    cancelled: list[str]
    moved: list[str]


def version_changes(
    municipality_id: int,
    plan: Plan,
    old: int,
    new: int,
    resource: str | None = None,
    *,
    session: Session,
) -> list[NamedChange]:
    """What version `new` changes on each route (only `resource`'s when given) against `old`.

    Routes with no change are left out, so a re-plan that moved nothing gives [].
    """
    mid = municipality_id
    before = get_version(mid, plan, old, session=session) if old > 0 else None
    after = get_version(mid, plan, new, session=session) if new > 0 else None
    old_rows = _rows(session, mid, before, resource)
    new_rows = _rows(session, mid, after, resource)
    stops = {s.job_id: s for _, ss in old_rows + new_rows for s in ss if s.job_id}
    names = clients_by_id(mid, [s.client_id for s in stops.values() if s.client_id],
                          session=session)  # fmt: skip

    def name(job: str) -> str:
        client = names.get(stops[job].client_id or 0)
        return client.name if client else job

    out = []
    for change in route_changes(sequences(old_rows), sequences(new_rows)):
        if change.empty:
            continue
        cancelled = [j for j in change.removed if _cancelled(session, mid, stops[j])]
        out.append(
            NamedChange(
                change.resource,
                added=[name(j) for j in change.added],
                removed=[name(j) for j in change.removed],
                cancelled=[name(j) for j in cancelled],
                moved=[name(j) for j in change.moved],
            )
        )
    return out


def _rows(
    session: Session, municipality_id: int, version: PlanVersion | None, resource: str | None
) -> RouteRows:
    if version is None or version.id is None:
        return []
    rows = routes_of(municipality_id, version.id, session=session)
    return [(r, ss) for r, ss in rows if resource is None or r.resource == resource]


def _cancelled(session: Session, municipality_id: int, stop: Stop) -> bool:
    key = key_of(stop)
    found = served(municipality_id, key, session=session) if key else None
    return bool(found and found.cancelled)
