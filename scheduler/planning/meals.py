"""The meal day as a routing problem: frozen orders to jobs, vans to vehicles.

- One job per client (a client's subscription meal and a one-off order travel together), with
  the client's `external_id` as job id; clients who collect at a pick-up point are not routed.
- The time at a stop is the client's own `service_minutes`, else the kitchen's setting.
- Each van starts and ends at its kitchen, within its shift, and may leave the kitchen
  `max_trips` times. A trip holds at most `min(capacity_portions, capacity_boxes *
  portions_per_box)` portions: boxes are shared between clients, so the box limit is a
  portion limit (IMPORT.md).
- A client is served only by vans of their kitchen (the client's own, the kitchen of their
  pick-up point, else the nearest), and must get the meal within the kitchen's hot-meal limit
  of the van leaving the kitchen (`max_ride_time`).
- A van that broke down is out of service from that time; a van whose every driver is away
  (intake/driver_absences.py) is out of service from the start of its shift, so it serves
  nothing and the stops left out say why (planning/explain.py).
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import time

import routing
from scheduler.intake.addresses import flagged, unplaced_reason
from scheduler.intake.breakdowns import out_of_service
from scheduler.intake.calendar import parse_weekdays
from scheduler.intake.driver_absences import vans_without_driver
from scheduler.models import Client, FrozenOrder, Kitchen, Service, Vehicle
from scheduler.planning.registry import (
    BuiltProblem,
    JobRef,
    PlanContext,
    Unroutable,
    VehicleRef,
    register,
)
from scheduler.repositories.fleet import list_kitchens, list_vehicles
from scheduler.repositories.freezes import frozen_orders
from scheduler.repositories.meals import clients_by_id
from scheduler.repositories.visits import meals_on_visits

RELOAD_SECONDS = 10 * 60  # loading the next trip's boxes at the kitchen


def seconds(value: time) -> int:
    """Seconds from midnight of a wall-clock time (plan times are local wall-clock seconds)."""
    return value.hour * 3600 + value.minute * 60 + value.second


def trip_capacity(van: Vehicle, kitchen: Kitchen) -> int:
    return min(van.capacity_portions, van.capacity_boxes * kitchen.portions_per_box)


def nearest_kitchen(client: Client, kitchens: list[Kitchen]) -> Kitchen:
    def far(k: Kitchen) -> float:
        dx = (k.lon - client.lon) * math.cos(math.radians(client.lat))
        return dx * dx + (k.lat - client.lat) ** 2

    return min(kitchens, key=lambda k: (far(k), k.external_id))


def kitchen_of(client: Client, kitchens: list[Kitchen]) -> Kitchen:
    by_id = {k.id: k for k in kitchens}
    own = by_id.get(client.kitchen_id)
    return own if own is not None else nearest_kitchen(client, kitchens)


def working_vans(ctx: PlanContext) -> list[Vehicle]:
    """Active vans whose weekdays include the plan date, by external id."""
    assert ctx.municipality.id is not None
    vans = list_vehicles(ctx.municipality.id, session=ctx.session, active=True)
    return [v for v in vans if ctx.day.weekday() in parse_weekdays(v.weekdays)]


def van_vehicle(van: Vehicle, kitchen: Kitchen) -> routing.Vehicle:
    home = (kitchen.lon, kitchen.lat)
    return routing.Vehicle(
        id=van.external_id,
        start=home,
        end=home,
        time_window=(seconds(van.shift_start), seconds(van.shift_end)),
        capacity=(trip_capacity(van, kitchen),),
        max_trips=van.max_trips,
        reload_time=RELOAD_SECONDS if van.max_trips > 1 else 0,
    )


def client_job(
    client: Client, kitchen: Kitchen, portions: int, vans: tuple[str, ...]
) -> routing.Job:
    minutes = (
        client.service_minutes if client.service_minutes is not None else (kitchen.service_minutes)
    )
    return routing.Job(
        id=client.external_id,
        location=(client.lon, client.lat),
        service=round(minutes * 60),
        delivery=(portions,),
        time_windows=((seconds(client.window_start), seconds(client.window_end)),),
        max_ride_time=kitchen.hot_meal_minutes * 60,
        allowed_vehicles=vans,
    )


@register(Service.meals)
def build_meals(ctx: PlanContext) -> BuiltProblem:
    municipality_id = ctx.municipality.id
    assert municipality_id is not None and ctx.freeze.id is not None
    rows = frozen_orders(municipality_id, ctx.freeze.id, session=ctx.session)
    by_client: dict[int, list[FrozenOrder]] = defaultdict(list)
    for row in rows:
        by_client[row.client_id].append(row)
    clients = clients_by_id(municipality_id, by_client, session=ctx.session)
    kitchens = list_kitchens(municipality_id, session=ctx.session)
    vans = working_vans(ctx)
    kitchen_by_id = {k.id: k for k in kitchens}
    # One vehicle per van with its max_trips: the solver places the reloads (routing/model.py).
    vehicles = tuple(van_vehicle(v, kitchen_by_id[v.kitchen_id]) for v in vans)
    jobs: list[routing.Job] = []
    refs: dict[str, JobRef] = {}
    unroutable: list[Unroutable] = []
    on_visits = meals_on_visits(municipality_id, ctx.day, session=ctx.session)
    for client in sorted(clients.values(), key=lambda c: c.external_id):
        if client.pickup_point_id is not None:
            continue  # collected at a canteen: counted by the kitchen, not routed
        if client.id in on_visits:
            continue  # a caregiver brings it on a visit (scheduler/visit_requests.carry_meal)
        orders = by_client[client.id or 0]
        if not kitchens:
            ref = JobRef(client.id, tuple(o.order_id for o in orders), label=client.name)
            text = "No kitchen is set up in this municipality, so no van can carry the meal."
            unroutable.append(Unroutable(client.external_id, ref, routing.Reason.no_vehicle, text))
            continue
        kitchen = kitchen_of(client, kitchens)
        ref = _ref(client, kitchen, orders)
        allowed = tuple(v.external_id for v in vans if v.kitchen_id == kitchen.id)
        problem = _cannot_route(client, kitchen, allowed, ctx)
        if problem is not None:
            unroutable.append(Unroutable(client.external_id, ref, *problem))
            continue
        portions = sum(o.portions for o in orders)
        jobs.append(client_job(client, kitchen, portions, allowed))
        refs[client.external_id] = ref
    vehicle_refs = {
        v.external_id: VehicleRef(vehicle_id=v.id, label=v.name, resource=v.external_id)
        for v in vans
    }
    broken = out_of_service(municipality_id, ctx.day, session=ctx.session)
    idle = _without_driver(municipality_id, vans, ctx)
    for van in vans:
        if van.external_id in idle:  # as if it broke down as its shift began
            start = seconds(van.shift_start)
            broken[van.external_id] = min(start, broken.get(van.external_id, start))
    return BuiltProblem(
        routing.Problem(vehicles=vehicles, jobs=tuple(jobs)),
        refs,
        vehicle_refs,
        tuple(unroutable),
        out_of_service={van: at for van, at in broken.items() if van in vehicle_refs},
        without_driver=idle,
    )


def _without_driver(
    municipality_id: int, vans: list[Vehicle], ctx: PlanContext
) -> dict[str, tuple[str, str]]:
    """The working vans whose drivers are all away: van -> (its name, the drivers' names)."""
    away = vans_without_driver(municipality_id, ctx.day, session=ctx.session)
    working = {v.external_id for v in vans}
    return {
        van: (found.label, ", ".join(found.drivers))
        for van, found in away.items()
        if van in working
    }


def _ref(client: Client, kitchen: Kitchen, orders: list[FrozenOrder]) -> JobRef:
    label = f"{client.name}, {client.address}" if client.address else client.name
    return JobRef(
        client_id=client.id,
        order_ids=tuple(o.order_id for o in orders),
        label=label,
        home=kitchen.name,
        window=(seconds(client.window_start), seconds(client.window_end)),
    )


def _cannot_route(
    client: Client, kitchen: Kitchen, allowed: tuple[str, ...], ctx: PlanContext
) -> tuple[routing.Reason, str] | None:
    """Reasons known before solving, in words for the dispatcher."""
    if flagged(client):  # no trusted coordinates: better left out than driven to a wrong place
        return routing.Reason.no_vehicle, unplaced_reason(client)
    if not allowed:
        return (
            routing.Reason.no_vehicle,
            f"{kitchen.name} has no van working on {ctx.day:%A %d.%m.%Y}; "
            "add a van to that day or move the client to another kitchen.",
        )
    if client.window_end <= client.window_start:
        return (
            routing.Reason.time_window,
            f"The delivery window {client.window_start:%H:%M}-{client.window_end:%H:%M} of "
            f"{client.name} is empty; correct it on the client's card.",
        )
    return None
