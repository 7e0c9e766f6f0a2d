"""The month's figures of what people collect at a pick-up point: the canteen and the milk kitchen.

Both are summed from the month's statements, the lines people are billed from, so the report
adds up with them by construction (a test checks it):

- canteen: the `collected` lines of the meal statements (one per check-in at the counter,
  scheduler/reports/counter_statements.py), per diet and per pick-up point of the check-in;
- milk kitchen: the lines of the guardians' statements (scheduler/reports/milk_statements.py),
  per age group and per pick-up point of the collection. A collection not made is a child due
  on a day (scheduler/reports/milk_kitchen.py) with nothing collected for it; only days before
  today count (a guardian may still come today). Children registered: a referral dated in the
  month is a new child; a child who turns 36 months in the month has ended (the kitchen
  prepares nothing for them from that day). A registration closed by the office carries no
  date, so it is not counted as ended in any month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session

from scheduler.age_groups import GROUP_NAMES, add_months
from scheduler.reports.counter_statements import COLLECTED
from scheduler.reports.milk_kitchen import due_children
from scheduler.reports.statements import Statement
from scheduler.repositories.canteen import check_ins_between, children_by_id, collections_between
from scheduler.repositories.fleet import list_pickup_points
from scheduler.repositories.meals import clients_by_id

NO_POINT = "-"
LAST_MONTH_SERVED = 36  # from this age in months the milk kitchen prepares nothing for a child

Where = dict[tuple[str, date], str]  # (person's external id, day) -> pick-up point's name


@dataclass
class Collections:
    """What was collected: records (a person's day), portions, the amount billed, and (milk
    kitchen) the collections due that nobody came for."""

    collections: int = 0
    portions: int = 0
    fee_cents: int = 0
    missed: int = 0

    def add(self, portions: int, amount_cents: int) -> None:
        self.collections += 1
        self.portions += portions
        self.fee_cents += amount_cents


@dataclass
class Counted:
    """One collected service's month: people, and collections per kind and per point."""

    served: int = 0
    new: int = 0
    ended: int = 0
    by_kind: dict[str, Collections] = field(default_factory=dict)  # diet or age group
    by_point: dict[str, Collections] = field(default_factory=dict)
    total: Collections = field(default_factory=Collections)

    def row(self, kind: str, point: str) -> list[Collections]:
        rows = (self.by_kind.setdefault(kind, Collections()),
                self.by_point.setdefault(point, Collections()))  # fmt: skip
        return [*rows, self.total]


def canteen_counted(
    municipality_id: int, first: date, last: date, statements: list[Statement], *, session: Session
) -> Counted:
    """The canteen's check-ins of the month as billed on the meal statements."""
    rows = check_ins_between(municipality_id, first, last, session=session)
    people = clients_by_id(municipality_id, {r.client_id for r in rows}, session=session)
    points = _point_names(municipality_id, session=session)
    where = {(people[r.client_id].external_id, r.day): points.get(r.pickup_point_id, NO_POINT)
             for r in rows if r.client_id in people}  # fmt: skip
    counted = _collected(statements, where)
    counted.by_kind = dict(sorted(counted.by_kind.items()))
    return counted


def milk_counted(
    municipality_id: int,
    first: date,
    last: date,
    statements: list[Statement],
    *,
    session: Session,
    today: date,
) -> Counted:
    """The milk kitchen's collections of the month as billed on the guardians' statements,
    the collections due but not made before `today`, and the children registered."""
    rows = collections_between(municipality_id, first, last, session=session)
    children = children_by_id(municipality_id, session=session)
    points = _point_names(municipality_id, session=session)
    where = {(children[r.child_id].external_id, r.day): points.get(r.pickup_point_id, NO_POINT)
             for r in rows if r.child_id in children}  # fmt: skip
    counted = _collected(statements, where)
    made = {(r.child_id, r.day) for r in rows}
    day = first
    while day <= last and day < today:
        for due in due_children(municipality_id, day, session=session)[0]:
            if (due.child.id, day) not in made:
                for figures in counted.row(due.group, due.point.name):
                    figures.missed += 1
        day += timedelta(days=1)
    counted.new = sum(first <= c.referral_date <= last for c in children.values())
    counted.ended = sum(
        first <= add_months(c.birth_date, LAST_MONTH_SERVED) <= last and c.referral_date <= last
        for c in children.values()
    )
    counted.by_point = dict(sorted(counted.by_point.items()))
    groups = [*GROUP_NAMES, *sorted(set(counted.by_kind) - set(GROUP_NAMES))]
    counted.by_kind = {g: counted.by_kind[g] for g in groups if g in counted.by_kind}
    return counted


def _collected(statements: list[Statement], where: Where) -> Counted:
    counted = Counted()
    served: set[str] = set()
    for statement in statements:
        for line in statement.lines:
            if line.outcome != COLLECTED:
                continue
            served.add(statement.client_id)
            point = where.get((statement.client_id, line.day), NO_POINT)
            for figures in counted.row(line.diet, point):
                figures.add(line.portions, line.amount_cents)
    counted.served = len(served)
    counted.by_point = dict(sorted(counted.by_point.items()))
    return counted


def _point_names(municipality_id: int, *, session: Session) -> dict[int | None, str]:
    return {p.id: p.name for p in list_pickup_points(municipality_id, session=session)}
