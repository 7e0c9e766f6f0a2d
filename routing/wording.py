"""The English words of each cause (solution.Why), with its numbers filled in.

The templates are the catalogs' message ids too: a page in another language looks the same
template up in its catalog and fills in the same values (`values`), so the numbers a person
reads are the same in every language. Times of day are shown as HH:MM, durations in whole
minutes (rounded up: a ride of 30 min 20 s is over a 30-minute limit).
"""

from __future__ import annotations

from routing.solution import Cause, Param, Why

__all__ = ["TEMPLATES", "describe", "values"]

TEMPLATES: dict[Cause, str] = {
    Cause.no_vehicle: "No vehicle may serve it.",
    Cause.no_skill: "Nobody on duty has the skills it needs (%(skills)s).",
    Cause.off_shift: (
        "Nobody is on duty in its window %(window_start)s-%(window_end)s: the shifts run "
        "%(shift_start_at)s-%(shift_end_at)s."
    ),
    Cause.unreachable: (
        "Nobody can reach it in its window even as the only stop: the earliest arrival is "
        "%(earliest_at)s (%(travel_s)s min from the start), the window is "
        "%(window_start)s-%(window_end)s."
    ),
    Cause.too_big: "Its order of %(demand)s portions is more than one trip holds (%(capacity)s).",
    Cause.ride_too_long: (
        "The ride limit: the shortest ride from the start takes %(shortest_s)s min, the limit "
        "is %(limit_s)s min."
    ),
    Cause.shift_too_short: (
        "No shift is long enough: even as the only stop the vehicle is back at %(back_at)s, "
        "the shift ends at %(shift_end_at)s."
    ),
    Cause.window_full: (
        "The vans are full in its window %(window_start)s-%(window_end)s: alone it could be "
        "reached, but the %(vans)s vehicle(s) that may serve it already have %(served)s stops "
        "in that window, taking %(busy_s)s min of driving and serving."
    ),
    Cause.boxes_full: (
        "The boxes are full: it needs %(demand)s portions, and the most room left on any of "
        "the %(trips)s trip(s) is %(free)s of %(capacity)s."
    ),
    Cause.ride_full: (
        "The ride limit with the other stops: alone the ride takes %(shortest_s)s min (limit "
        "%(limit_s)s min), but every trip with room for it would carry it longer."
    ),
    Cause.shifts_full: (
        "The shifts are full: none of the %(vans)s vehicle(s) that may serve it has time left "
        "for it before %(shift_end_at)s."
    ),
    Cause.sync: "The other part of the visit could not be planned with it.",
    Cause.cost: (
        "There is room for it, but the search did not find its place in the time it had "
        "(window %(window_start)s-%(window_end)s)."
    ),
}


def _clock(seconds: int) -> str:
    minutes = max(seconds, 0) // 60
    if minutes >= 48 * 60:
        return "--:--"  # no window or no shift: the horizon
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _value(name: str, value: Param) -> str:
    if isinstance(value, str):
        return value
    if name.endswith("_at") or name.startswith("window_"):
        return _clock(value)
    if name.endswith("_s"):
        return str(-(-value // 60))
    return str(value)


def values(why: Why) -> dict[str, str]:
    """The parameters as a person reads them, by name; every name a template may use is
    present (an absent number reads as 0)."""
    out = {name: _value(name, value) for name, value in why.params}
    return {**dict.fromkeys(_NAMES, "0"), **out}


_NAMES = (
    "skills",
    "window_start",
    "window_end",
    "shift_start_at",
    "shift_end_at",
    "earliest_at",
    "travel_s",
    "demand",
    "capacity",
    "shortest_s",
    "limit_s",
    "back_at",
    "vans",
    "served",
    "free",
    "trips",
    "busy_s",
)


def describe(why: Why, template: str | None = None) -> str:
    """The cause in English, or in the words of `template` (a translation of its message)."""
    return (template or TEMPLATES[why.code]) % values(why)
