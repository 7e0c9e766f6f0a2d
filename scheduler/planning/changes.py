"""What a new version changes on each route: the stops added to it, taken off it, and moved.

Per route, not per day (replan.count_moves counts the day): a driver wants to hear what
changed on their own route, and a dispatcher about to publish wants it route by route. A stop
that went from one van to another is taken off the first and added to the second. Place is
judged as count_moves judges it: a stop outside the longest common order of the route's old
and new stops moved (one stop inserted before others moves nothing), and so did one whose trip
changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.planning.replan import Sequences
from scheduler.planning.replan import _lcs as common_order


@dataclass(frozen=True)
class RouteChange:
    resource: str
    added: tuple[str, ...]  # job ids, in route order
    removed: tuple[str, ...]
    moved: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.moved)


def route_changes(old: Sequences, new: Sequences) -> list[RouteChange]:
    """The change of every route of either version, by resource; empty ones included."""
    out = []
    for resource in sorted(old.keys() | new.keys()):
        before, after = old.get(resource, ()), new.get(resource, ())
        was = {job for job, _ in before}
        now = {job for job, _ in after}
        kept = common_order([x for x in before if x[0] in now], [x for x in after if x[0] in was])
        out.append(
            RouteChange(
                resource,
                added=tuple(job for job, _ in after if job not in was),
                removed=tuple(job for job, _ in before if job not in now),
                moved=tuple(job for job, _ in after if job in was and job not in kept),
            )
        )
    return out
