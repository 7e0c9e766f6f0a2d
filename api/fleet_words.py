"""The fleet answer (scheduler/planning/fleet.py) in a dispatcher's words, in the reader's
language: what binds at each kitchen, and what each what-if means."""

from __future__ import annotations

from api.i18n import Translator, clock
from scheduler.planning.fleet import KitchenFleet

WHAT_IFS: dict[str, str] = {
    "found": "The fewest vans found",
    "van_less": "One van less",
    "van_more": "One van more",
    "trip_more": "One van less, one more trip per van",
    "earlier": "One van less, shifts 30 min earlier",
    "wider": "One van less, windows 30 min wider",
}

BINDS: dict[str, str] = {
    "time": (
        "the vans' working time at %(kitchen)s: %(work)s h of stops and driving, "
        "%(shift)s h a shift"
    ),
    "capacity": (
        "the boxes at %(kitchen)s: %(portions)s portions, %(room)s a trip, %(trips)s trip(s) a van"
    ),
    "ride_limit": "the hot-meal limit of %(limit)s min at %(kitchen)s: at least %(need)s trips",
    "window": "the %(start)s-%(end)s window of %(clients)s clients of %(kitchen)s",
}


def binds_text(k: KitchenFleet, t: Translator) -> str:
    b = k.bound
    start, end, clients = b.window or (0, 0, 0)
    values = {
        "kitchen": k.kitchen,
        "work": f"{b.work_s / 3600:.1f}",
        "shift": f"{b.shift_s / 3600:.1f}",
        "portions": str(b.portions),
        "room": str(b.room),
        "trips": str(b.max_trips),
        "limit": str(b.limit_s // 60),
        "need": str(b.trips),
        "start": clock(start),
        "end": clock(end),
        "clients": str(clients),
    }
    return t.gettext(BINDS[b.binds]) % values


def what_if_text(key: str, t: Translator) -> str:
    return t.gettext(WHAT_IFS[key])
