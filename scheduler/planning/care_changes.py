"""What a re-plan of a home-care day changed, told the way a dispatcher needs it.

`visit_changes` compares two versions of a day's plan visit by visit: the visits that stayed
where they were because they were done or under way, the visits that went to someone else
(to whom, and at what time), and those nobody could take (and why, from the plan's
unassigned rows). `sick_report` answers "Marija is sick: what happened to her visits" from
the `caregiver.sick` event, which records the version the caregivers were following then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from scheduler.errors import NotFoundError
from scheduler.intake.visits import SERVICE
from scheduler.models import EventKind, Route, Stop, StopStatus
from scheduler.planning.care_explain import clock
from scheduler.repositories.care import get_caregiver, list_caregivers
from scheduler.repositories.events import events_of_kind
from scheduler.repositories.meals import clients_by_id
from scheduler.repositories.plans import get_plan, get_version, routes_of, unassigned_of
from scheduler.repositories.visits import visits_by_ids
from scheduler.wording import N_, Said, Wording

DONE = (StopStatus.checked_in, StopStatus.done)
UNCOVERED = N_("%(visit)s (%(client)s) could not be covered: %(why)s")
STAYS = N_("%(visit)s (%(client)s) stays with %(after)s.")
MOVED = N_("%(visit)s (%(client)s) moved from %(before)s to %(after)s at %(start)s.")
NOT_IN_PLAN = N_("it is not in the new plan (cancelled?)")


@dataclass(frozen=True)
class VisitChange:
    visit_id: int
    external_id: str
    client: str
    before: tuple[str, ...]  # caregivers' names in the earlier version
    after: tuple[str, ...]  # in the later version; empty when nobody could take it
    start: str | None  # the start in the later version, HH:MM
    why: str = ""  # for a visit not covered: the plan's explanation
    said: Said | None = None  # the same as catalog messages, worded per reader

    def reason(self, words: Wording | None = None) -> str:
        """Why nobody took it, in `words`' language (English without); empty when covered."""
        if self.said is not None:
            return self.said.words(words)
        return words.gettext(self.why) if words is not None and self.why else self.why

    def sentence(self, words: Wording | None = None) -> str:
        """The change in a sentence, in `words`' language (English without)."""
        say = words.gettext if words is not None else (lambda message: message)
        values = {"visit": self.external_id, "client": self.client,
                  "before": ", ".join(self.before), "after": ", ".join(self.after),
                  "start": self.start or ""}  # fmt: skip
        if not self.after:
            return say(UNCOVERED) % {**values, "why": self.reason(words)}
        return say(STAYS if self.before == self.after else MOVED) % values


@dataclass(frozen=True)
class CareChanges:
    day: date
    before_version: int
    after_version: int
    kept: list[VisitChange] = field(default_factory=list)  # done or under way, left as they were
    moved: list[VisitChange] = field(default_factory=list)
    uncovered: list[VisitChange] = field(default_factory=list)

    def lines(self, words: Wording | None = None) -> list[str]:
        return [c.sentence(words) for c in [*self.moved, *self.uncovered]]


@dataclass
class _Side:
    who: dict[int, list[str]] = field(default_factory=dict)  # visit -> caregivers' ids
    start: dict[int, int] = field(default_factory=dict)
    done: set[int] = field(default_factory=set)
    why: dict[int, str] = field(default_factory=dict)  # visit -> explanation, if unassigned
    said: dict[int, Said] = field(default_factory=dict)  # the same, as catalog messages


def _side(municipality_id: int, day: date, number: int, *, session: Session) -> _Side:
    plan = get_plan(municipality_id, day, SERVICE, session=session)
    version = get_version(municipality_id, plan, number, session=session) if plan else None
    if version is None or version.id is None:
        raise NotFoundError("PlanVersion", f"{SERVICE} {day} v{number}")
    side = _Side()
    routes: list[tuple[Route, list[Stop]]] = routes_of(municipality_id, version.id, session=session)
    for route, stops in routes:
        for stop in stops:
            if stop.kind != "job" or stop.visit_id is None:
                continue
            side.who.setdefault(stop.visit_id, []).append(route.resource)
            side.start.setdefault(stop.visit_id, stop.start_s)
            if stop.status in DONE:
                side.done.add(stop.visit_id)
    for row in unassigned_of(municipality_id, version.id, session=session):
        if row.visit_id is not None:
            side.why.setdefault(row.visit_id, row.explanation)
            said = Said.from_json(row.detail or {})
            if said is not None:
                side.said.setdefault(row.visit_id, said)
    return side


def visit_changes(
    municipality_id: int,
    day: date,
    before: int,
    after: int,
    *,
    session: Session,
    caregiver: str | None = None,
) -> CareChanges:
    """Compare versions `before` and `after` of the day's plan; with `caregiver` (an external
    id), only the visits that were theirs in `before`."""
    old = _side(municipality_id, day, before, session=session)
    new = _side(municipality_id, day, after, session=session)
    names = {c.external_id: c.name for c in list_caregivers(municipality_id, session=session)}
    wanted = [v for v in sorted(old.who) if caregiver is None or caregiver in old.who[v]]
    found_visits = visits_by_ids(municipality_id, wanted, session=session)
    visits = {v.id: v for v in found_visits if v.id is not None}
    owners = {v.client_id for v in visits.values()}
    clients = clients_by_id(municipality_id, owners, session=session)
    found = CareChanges(day, before, after)
    for visit_id in wanted:
        visit = visits[visit_id]
        was, now = tuple(sorted(old.who[visit_id])), tuple(sorted(new.who.get(visit_id, [])))
        start = clock(new.start[visit_id]) if visit_id in new.start else None
        change = VisitChange(
            visit_id, visit.external_id, clients[visit.client_id].name,
            tuple(names.get(w, w) for w in was), tuple(names.get(w, w) for w in now), start,
            new.why.get(visit_id, NOT_IN_PLAN) if not now else "",
            new.said.get(visit_id) if not now else None,
        )  # fmt: skip
        if not now:
            found.uncovered.append(change)
        elif visit_id in new.done and now == was:
            found.kept.append(change)
        elif now != was:
            found.moved.append(change)
    return found


def sick_report(
    municipality_id: int, caregiver_id: int, day: date, *, session: Session
) -> CareChanges | None:
    """What became of a sick caregiver's visits: from the version followed when they were
    reported sick to the latest one; None while no re-plan has been made since."""
    caregiver = get_caregiver(municipality_id, caregiver_id, session=session)
    event = events_of_kind(municipality_id, EventKind.caregiver_sick, day, session=session)
    mine = next((e for e in event if e.payload.get("caregiver_id") == caregiver_id), None)
    plan = get_plan(municipality_id, day, SERVICE, session=session)
    if mine is None or plan is None:
        return None
    before = int(mine.payload.get("followed_version") or 0)
    if before == 0 or plan.current_version <= before:
        return None
    return visit_changes(
        municipality_id,
        day,
        before,
        plan.current_version,
        session=session,
        caregiver=caregiver.external_id,
    )
