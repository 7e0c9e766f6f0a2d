"""A first answer for vans with several trips: each trip a fixed slot of the van's shift.

On a meal day (545 stops, 12 vans of two or three trips, 90-minute rides, windows 11:00-14:00)
OR-Tools' greedy first solutions place reloads badly on the multi-trip model: path cheapest
arc and savings served about 360 stops, and guided local search climbs slowly from there
(about 380 after 15 s), while the insertion strategies spend the whole budget on their first
solution. The same day with every trip a single-trip vehicle in its own slot of the shift
(trip k between fixed times, the reload time between slots) gets about 445 from savings in
under a second, and the multi-trip model started from that answer goes on to 465. So when
vans make several trips and meals have a ride limit, a share of the time goes to the slotted
problem, and its routes, joined per van, start the real search.

A slot is a hot-meal ride long at least: no more slots than the shift holds rides plus
reloads, however many trips the van may make.
"""

from __future__ import annotations

from dataclasses import replace

from routing.problem import Problem, Vehicle

Routes = dict[int, list[list[int]]]  # van -> trips -> problem job indices


def wants_slots(problem: Problem) -> bool:
    """Vans with several trips and meals with a ride limit, and no routes given to start from."""
    return (
        any(v.max_trips > 1 and v.start_index is not None for v in problem.vehicles)
        and any(j.max_ride_time is not None for j in problem.jobs)
        and not any(problem.initial_routes.values())
        and not any(problem.pinned.values())
    )


def _slots(vehicle: Vehicle, ride: int) -> list[Vehicle]:
    if vehicle.max_trips == 1 or vehicle.time_window is None:
        return [replace(vehicle, max_trips=1)]
    first, last = vehicle.time_window
    reload = vehicle.reload_time
    count = max(1, min(vehicle.max_trips, (last - first + reload) // (ride + reload)))
    length = (last - first + reload) / count
    slots = []
    for k in range(count):
        start = first + round(k * length)
        end = last if k == count - 1 else first + round((k + 1) * length) - reload
        slots.append(replace(vehicle, id=f"{vehicle.id}#{k + 1}", time_window=(start, end)))
    return [replace(s, max_trips=1, reload_time=0) for s in slots]


def slotted(problem: Problem) -> tuple[Problem, list[int]]:
    """The problem with each van split into single-trip slot vehicles, and each slot's van."""
    ride = max(j.max_ride_time or 0 for j in problem.jobs)
    vehicles: list[Vehicle] = []
    van_of: list[int] = []
    ids: dict[str, tuple[str, ...]] = {}
    for i, vehicle in enumerate(problem.vehicles):
        slots = _slots(vehicle, ride)
        vehicles += slots
        van_of += [i] * len(slots)
        ids[vehicle.id] = tuple(s.id for s in slots)

    def renamed(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(s for n in names for s in ids.get(n, ()))

    jobs = tuple(
        replace(
            j,
            allowed_vehicles=None if j.allowed_vehicles is None else renamed(j.allowed_vehicles),
            preferred_vehicles=renamed(j.preferred_vehicles),
        )
        for j in problem.jobs
    )
    # The order of a van's ordered jobs spans its trips: it is put back on the joined routes.
    return replace(problem, vehicles=tuple(vehicles), jobs=jobs, ordered={}), van_of


def joined(routes: Routes, van_of: list[int]) -> Routes:
    """Slot routes as trips of their vans, in slot order."""
    out: Routes = {}
    for slot in sorted(routes):
        out.setdefault(van_of[slot], []).extend(t for t in routes[slot] if t)
    return out
