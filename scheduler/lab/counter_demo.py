"""The counter's side of the demo's generated month: canteen check-ins and milk collections.

The demo town's canteen (its first pick-up point) also hands out milk-kitchen food on Monday,
Wednesday and Friday to a dozen children registered with a referral: most long before the
month, two during it, and one who turns 36 months in it. On each working day most canteen
clients with a meal ordered come to the counter, and most children due are collected for;
the others are the month's collections not made. Draws come from the month's generator, so
the same seed gives the same month.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from scheduler.age_groups import add_months
from scheduler.intake.counter import check_in_canteen, collect_milk
from scheduler.lab.synthetic import _person
from scheduler.reports.milk_kitchen import due_children
from scheduler.repositories.canteen import (
    MilkChildIn,
    canteen_orders,
    set_milk_weekdays,
    set_service_price,
    upsert_child,
)
from scheduler.repositories.fleet import list_pickup_points

SERVICE_PRICES = {"canteen": 300, "milk_kitchen": 150}  # cents of one collected portion
MILK_DAYS = "Mon,Wed,Fri"
CHILDREN = 12
CAME, COLLECTED = 0.92, 0.9  # shares of canteen meals and milk collections picked up
COUNTER = "demo counter"


def counter_prices(mid: int, *, session: Session) -> None:
    for service, cents in SERVICE_PRICES.items():
        set_service_price(mid, service, cents, session=session)


def milk_children(mid: int, first: date, rng: random.Random, *, session: Session) -> None:
    """The milk kitchen at the canteen and the children registered there (see the module)."""
    points = list_pickup_points(mid, session=session)
    if not points or points[0].id is None:
        return
    set_milk_weekdays(mid, points[0].id, MILK_DAYS, session=session)
    for n in range(CHILDREN):
        if n == 0:  # turns 36 months on the month's 11th: ends in the month
            birth = add_months(first, -36) + timedelta(days=10)
        else:
            birth = add_months(first, -rng.randint(1, 34)) - timedelta(days=rng.randint(0, 27))
        late = n in (1, 2)  # referred during the month: new
        referral = first + timedelta(days=rng.randint(0, 14)) if late else birth + timedelta(21)
        data = MilkChildIn(
            external_id=f"M{n + 1:02d}", name=_person(rng, 0.5), birth_date=birth,
            referral_number=f"НП-{rng.randint(1000, 9999)}", referral_date=max(referral, birth),
            guardian_name=_person(rng, 0.9), pickup_point_id=points[0].id,
        )  # fmt: skip
        upsert_child(mid, data, session=session)


def counter_day(
    mid: int, day: date, zone: ZoneInfo, rng: random.Random, *, session: Session
) -> None:
    """The day at the counter: canteen check-ins and milk collections, at midday."""
    now = datetime.combine(day, time(12), zone)
    diners = {client.id for _, client in canteen_orders(mid, day, session=session)}
    for client_id in sorted(c for c in diners if c is not None):
        if rng.random() < CAME:
            check_in_canteen(mid, client_id, day, actor=COUNTER, now=now, session=session)
    for due in due_children(mid, day, session=session)[0]:
        if due.child.id is not None and rng.random() < COLLECTED:
            collect_milk(mid, due.child.id, day, actor=COUNTER, now=now, session=session)
