"""A van's route sheet: the driver's paper copy of the trip, stop by stop, with a column to
mark what happened at each door (the same outcomes the phone reports).

Read from the kitchen's day (scheduler/reports/kitchen.py), which already holds each van's
trips in stop order, so the route sheet, the packing list and the labels list the same stops.
"""

from __future__ import annotations

from scheduler.reports.kitchen import KitchenDay, VanLoad
from scheduler.reports.kitchen_sheets import print_css
from scheduler.reports.sheets import render
from scheduler.wording import Wording, wording


def van_trips(day: KitchenDay, vehicle: str | None = None) -> list[tuple[str, VanLoad]]:
    """(kitchen name, trip) of every van, or of one van by its external id, by departure."""
    trips = [
        (k.name, van)
        for k in day.kitchens
        for wave in k.waves
        for van in wave.vans
        if vehicle is None or van.vehicle == vehicle
    ]
    return sorted(trips, key=lambda t: (t[1].vehicle, t[1].trip, t[1].departure))


def route_sheets_html(
    day: KitchenDay, words: Wording | None = None, vehicle: str | None = None
) -> str:
    """One A4 page per van and trip, in the reader's words (default: the town's language)."""
    trips = van_trips(day, vehicle)
    return render("route_sheet.html", words or wording(day.locale), day=day, trips=trips,
                  css=print_css())  # fmt: skip
