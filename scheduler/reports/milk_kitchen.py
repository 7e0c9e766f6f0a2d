"""The milk kitchen's day: which children are due at which pick-up point, and the portions to
prepare per age group per point.

A child is due on a date when registered and active, its referral dated on or before it, its
pick-up point hands out milk-kitchen food on that weekday (`PickupPoint.milk_weekdays`), the
date is not a public holiday without delivery, and the child is under 36 months on it. The
age group is that of the date itself (scheduler/age_groups.py), so the count of a Wednesday
already has a child who turns 6 months that Wednesday in 6-12.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from scheduler.age_groups import GROUP_NAMES, age_group
from scheduler.intake.calendar import runs_on
from scheduler.intake.delivery_days import delivery_calendar
from scheduler.models import MilkChild, PickupPoint
from scheduler.repositories.canteen import list_children
from scheduler.repositories.fleet import list_pickup_points
from scheduler.repositories.tenancy import get_municipality

Counts = dict[str, int]  # age group -> portions


@dataclass(frozen=True)
class DueChild:
    child: MilkChild
    point: PickupPoint
    group: str


@dataclass
class MilkPointCount:
    point: str
    name: str
    portions: Counts = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.portions.values())


@dataclass
class MilkSheet:
    date: date
    municipality: str
    points: list[MilkPointCount]
    totals: Counts
    too_old: int  # registered children 36 months or older on the date: not prepared for

    def to_dict(self) -> dict[str, object]:
        return {
            "date": self.date.isoformat(),
            "municipality": self.municipality,
            "groups": list(GROUP_NAMES),
            "points": [
                {"point": p.point, "name": p.name, "portions": p.portions, "total": p.total}
                for p in self.points
            ],
            "totals": self.totals,
            "too_old": self.too_old,
        }


def due_children(
    municipality_id: int, day: date, *, session: Session, pickup_point_id: int | None = None
) -> tuple[list[DueChild], int]:
    """The children due on `day` (by name), and how many were left out for being too old."""
    town = get_municipality(municipality_id, session=session)
    if not delivery_calendar(session, town).delivers(day):
        return [], 0
    points = {
        p.id: p
        for p in list_pickup_points(municipality_id, session=session)
        if p.milk_weekdays and runs_on(p.milk_weekdays, day)
    }
    due: list[DueChild] = []
    too_old = 0
    children = list_children(
        municipality_id, session=session, pickup_point_id=pickup_point_id, active_only=True
    )
    for child in children:
        point = points.get(child.pickup_point_id)
        if point is None or child.referral_date > day or child.birth_date > day:
            continue
        group = age_group(child.birth_date, day)
        if group is None:
            too_old += 1
            continue
        due.append(DueChild(child, point, group))
    return due, too_old


def milk_sheet(municipality_id: int, day: date, *, session: Session) -> MilkSheet:
    """Portions per age group per pick-up point for `day` (points with none are left out)."""
    town = get_municipality(municipality_id, session=session)
    due, too_old = due_children(municipality_id, day, session=session)
    counts: dict[int | None, MilkPointCount] = {}
    totals: Counts = {}
    for item in due:
        point = counts.setdefault(
            item.point.id, MilkPointCount(item.point.external_id, item.point.name)
        )
        point.portions[item.group] = point.portions.get(item.group, 0) + item.child.portions
        totals[item.group] = totals.get(item.group, 0) + item.child.portions
    return MilkSheet(
        date=day,
        municipality=town.name,
        points=sorted(counts.values(), key=lambda p: p.point),
        totals={g: totals[g] for g in GROUP_NAMES if g in totals},
        too_old=too_old,
    )
