"""Why a job was left unassigned.

The order of `Reason` is the order in which reasons are tried: the first that explains a job is
the one reported, and `cost` (serving it would cost more than its penalty, or the search found
no room for it) only when no constraint does. `no_vehicle` is tried before all others: when no
vehicle may serve the job at all, naming a constraint would mislead the dispatcher.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    skills = "skills"
    time_window = "time_window"
    capacity = "capacity"
    max_ride_time = "max_ride_time"
    sync = "sync"
    shift = "shift"
    no_vehicle = "no_vehicle"
    cost = "cost"


# The order reasons are tried in for a job the search left out (no_vehicle is decided first).
CONSTRAINT_ORDER: tuple[Reason, ...] = (
    Reason.skills,
    Reason.time_window,
    Reason.capacity,
    Reason.max_ride_time,
    Reason.sync,
    Reason.shift,
)
