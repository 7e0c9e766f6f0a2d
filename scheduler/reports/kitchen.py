"""The kitchen's day: what to cook per diet, per departure wave and per van, and how to pack it.

Counts come from the latest freeze of the date (what was ordered), so they equal the frozen
orders diet by diet; the plan only says which van and wave each delivered portion leaves in.
Portions of clients who collect at a pick-up point are counted per point and not routed;
lunches a caregiver takes on a home-care visit are counted apart as `on_visits`; portions the
plan could not place on a van are shown apart as `unrouted`, still to be cooked.

- Spare portions: each kitchen cooks `spare_portions` extra of every diet it cooks that day.
- A wave is the set of trips leaving a kitchen within the same quarter hour; its departure is
  the earliest of them, the time the food must be ready.
- Boxes are filled in stop order, `portions_per_box` to a box; a client's portions may
  straddle two boxes (written "2-3").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from scheduler.models import Client, FrozenOrder, Kitchen, Municipality, Service, Stop
from scheduler.planning.explain import hhmm
from scheduler.planning.meals import kitchen_of
from scheduler.refusals import Reason, refuse
from scheduler.repositories.fleet import list_kitchens, list_pickup_points, list_vehicles
from scheduler.repositories.freezes import frozen_orders, latest_freeze
from scheduler.repositories.meals import clients_by_id
from scheduler.repositories.plans import latest_version, routes_of
from scheduler.repositories.tenancy import municipality_by_id
from scheduler.repositories.visits import meals_on_visits

SERVICE = Service.meals
WAVE_SECONDS = 15 * 60

Counts = dict[str, int]  # diet -> portions


@dataclass
class PackLine:
    stop: int
    client_id: str
    client: str
    address: str
    diet: str
    portions: int
    box: str
    eta: str
    notes: str
    label: str


@dataclass
class VanLoad:
    vehicle: str
    name: str
    trip: int
    departure: str
    portions: Counts = field(default_factory=dict)
    lines: list[PackLine] = field(default_factory=list)
    boxes: int = 0


@dataclass
class Wave:
    departure: str
    portions: Counts = field(default_factory=dict)
    vans: list[VanLoad] = field(default_factory=list)


@dataclass
class KitchenBatch:
    kitchen: str
    name: str
    portions: Counts = field(default_factory=dict)  # everything ordered from this kitchen
    spare: Counts = field(default_factory=dict)
    cook: Counts = field(default_factory=dict)  # portions + spare
    unrouted: Counts = field(default_factory=dict)
    on_visits: Counts = field(default_factory=dict)  # lunches caregivers take on their visits
    waves: list[Wave] = field(default_factory=list)


@dataclass
class PointCount:
    point: str
    name: str
    kitchen: str
    portions: Counts = field(default_factory=dict)


@dataclass
class KitchenDay:
    date: date
    municipality: str
    locale: str
    freeze_version: int
    plan_version: int | None
    plan_is_current: bool  # False when orders changed after the plan (a re-plan is due)
    kitchens: list[KitchenBatch]
    points: list[PointCount]

    def to_dict(self) -> dict[str, object]:
        return {
            "date": self.date.isoformat(),
            "municipality": self.municipality,
            "freeze_version": self.freeze_version,
            "plan_version": self.plan_version,
            "plan_is_current": self.plan_is_current,
            "kitchens": [_kitchen_dict(k) for k in self.kitchens],
            "points": [
                {"point": p.point, "name": p.name, "kitchen": p.kitchen, "portions": p.portions}
                for p in self.points
            ],
        }


def _kitchen_dict(k: KitchenBatch) -> dict[str, object]:
    return {
        "kitchen": k.kitchen,
        "name": k.name,
        "portions": k.portions,
        "spare": k.spare,
        "cook": k.cook,
        "unrouted": k.unrouted,
        "on_visits": k.on_visits,
        "waves": [
            {
                "departure": w.departure,
                "portions": w.portions,
                "vans": [
                    {
                        "vehicle": v.vehicle,
                        "trip": v.trip,
                        "departure": v.departure,
                        "portions": v.portions,
                        "boxes": v.boxes,
                        "packing": [line.__dict__ for line in v.lines],
                    }
                    for v in w.vans
                ],
            }
            for w in k.waves
        ],
    }


def _add(counts: Counts, diet: str, portions: int) -> None:
    counts[diet] = counts.get(diet, 0) + portions


def _sorted(counts: Counts) -> Counts:
    return dict(sorted(counts.items()))


def kitchen_day(municipality_id: int, day: date, *, session: Session) -> KitchenDay:
    """The kitchen sheets of a frozen date (InvalidInputError when it is not frozen yet)."""
    municipality = municipality_by_id(municipality_id, session=session)
    freeze = latest_freeze(municipality_id, day, SERVICE, session=session)
    if municipality is None or freeze is None or freeze.id is None:
        raise refuse("day", Reason.not_frozen_sheet, day=day)
    rows = frozen_orders(municipality_id, freeze.id, session=session)
    clients = clients_by_id(municipality_id, {r.client_id for r in rows}, session=session)
    kitchens = list_kitchens(municipality_id, session=session)
    batches = {k.id: KitchenBatch(k.external_id, k.name) for k in kitchens}
    points = _points(municipality_id, rows, clients, kitchens, session=session)
    by_client: dict[int, list[FrozenOrder]] = defaultdict(list)
    for row in rows:
        by_client[row.client_id].append(row)
        client = clients[row.client_id]
        if kitchens:
            kitchen = _kitchen_for(client, kitchens, points)
            _add(batches[kitchen.id].portions, str(row.diet), row.portions)
    version = latest_version(municipality_id, day, SERVICE, session=session)
    routed: set[int] = set()
    if version is not None and version.id is not None:
        routed = _waves(
            municipality_id,
            version.id,
            batches,
            by_client,
            clients,
            kitchens,
            municipality,
            session=session,
        )
    carried = meals_on_visits(municipality_id, day, session=session)
    for client_id, orders in by_client.items():
        client = clients[client_id]
        if client_id in routed or client.pickup_point_id is not None or not kitchens:
            continue
        batch = batches[kitchen_of(client, kitchens).id]
        counts = batch.on_visits if client_id in carried else batch.unrouted
        for order in orders:
            _add(counts, str(order.diet), order.portions)
    for kitchen in kitchens:
        _finish(batches[kitchen.id], kitchen)
    return KitchenDay(
        date=day,
        municipality=municipality.name,
        locale=municipality.locale,
        freeze_version=freeze.version,
        plan_version=version.version if version else None,
        plan_is_current=version is not None and version.freeze_id == freeze.id,
        kitchens=[batches[k.id] for k in kitchens if batches[k.id].cook],
        points=sorted(points.values(), key=lambda p: p.point),
    )


def _kitchen_for(client: Client, kitchens: list[Kitchen], points: dict[int, PointCount]) -> Kitchen:
    if client.pickup_point_id is not None and client.pickup_point_id in points:
        ext = points[client.pickup_point_id].kitchen
        return next(k for k in kitchens if k.external_id == ext)
    return kitchen_of(client, kitchens)


def _points(
    municipality_id: int,
    rows: list[FrozenOrder],
    clients: dict[int, Client],
    kitchens: list[Kitchen],
    *,
    session: Session,
) -> dict[int, PointCount]:
    kitchen_ext = {k.id: k.external_id for k in kitchens}
    points = {
        p.id: PointCount(p.external_id, p.name, kitchen_ext.get(p.kitchen_id, ""))
        for p in list_pickup_points(municipality_id, session=session)
        if p.id is not None
    }
    for row in rows:
        point_id = clients[row.client_id].pickup_point_id
        if point_id is not None and point_id in points:
            _add(points[point_id].portions, str(row.diet), row.portions)
    for count in points.values():
        count.portions = _sorted(count.portions)
    return {pid: p for pid, p in points.items() if p.portions}


def _waves(
    municipality_id: int,
    version_id: int,
    batches: dict[int | None, KitchenBatch],
    by_client: dict[int, list[FrozenOrder]],
    clients: dict[int, Client],
    kitchens: list[Kitchen],
    municipality: Municipality,
    *,
    session: Session,
) -> set[int]:
    """Fill each kitchen's waves from the plan's routes; the ids of the clients routed."""
    vans = {v.external_id: v for v in list_vehicles(municipality_id, session=session)}
    per_box = {k.id: k.portions_per_box for k in kitchens}
    slots: dict[tuple[int | None, int], list[tuple[int, VanLoad]]] = defaultdict(list)
    routed: set[int] = set()
    for route, stops in routes_of(municipality_id, version_id, session=session):
        van = vans.get(route.resource)
        if van is None:
            continue
        for departure, trip, trip_stops in _trips(stops):
            load = VanLoad(van.external_id, van.name, trip, hhmm(departure))
            _pack(
                load,
                trip_stops,
                by_client,
                clients,
                per_box[van.kitchen_id],
                municipality,
                prefix=f"{van.name} · T{trip}",
            )
            routed.update(s.client_id for s in trip_stops if s.client_id is not None)
            if load.lines:
                slots[(van.kitchen_id, departure // WAVE_SECONDS)].append((departure, load))
    for (kitchen_id, _slot), loads in sorted(
        slots.items(), key=lambda kv: min(d for d, _ in kv[1])
    ):
        loads.sort(key=lambda dl: (dl[0], dl[1].vehicle, dl[1].trip))
        wave = Wave(hhmm(loads[0][0]), vans=[load for _, load in loads])
        for load in wave.vans:
            for diet, n in load.portions.items():
                _add(wave.portions, diet, n)
        wave.portions = _sorted(wave.portions)
        batches[kitchen_id].waves.append(wave)
    return routed


def _trips(stops: list[Stop]) -> list[tuple[int, int, list[Stop]]]:
    """(departure second, trip number, job stops) for each trip of a route."""
    trips: list[tuple[int, int, list[Stop]]] = []
    for stop in stops:
        if stop.kind in ("start", "reload"):
            trips.append((stop.departure_s, stop.trip or len(trips) + 1, []))
        elif stop.kind == "job" and trips:
            trips[-1][2].append(stop)
    return trips


def _pack(
    load: VanLoad,
    stops: list[Stop],
    by_client: dict[int, list[FrozenOrder]],
    clients: dict[int, Client],
    per_box: int,
    municipality: Municipality,
    *,
    prefix: str,
) -> None:
    filled = 0
    for number, stop in enumerate(stops, start=1):
        client = clients.get(stop.client_id or 0)
        if client is None:
            continue
        for order in by_client.get(client.id or 0, []):
            first_box, filled = filled // per_box + 1, filled + order.portions
            last_box = (filled - 1) // per_box + 1
            box = str(first_box) if first_box == last_box else f"{first_box}-{last_box}"
            diet = str(order.diet)
            load.lines.append(
                PackLine(
                    stop=number,
                    client_id=client.external_id,
                    client=client.name,
                    address=client.address,
                    diet=diet,
                    portions=order.portions,
                    box=box,
                    eta=hhmm(stop.arrival_s),
                    notes=client.notes,
                    label=label_text(
                        client, diet, order.portions, municipality.locale, f"{prefix} · #{number}"
                    ),
                )
            )
            _add(load.portions, diet, order.portions)
    load.portions = _sorted(load.portions)
    load.boxes = boxes_for(filled, per_box)


def boxes_for(portions: int, per_box: int) -> int:
    """Boxes a trip's portions fill, packed in stop order and shared between clients."""
    return (portions + per_box - 1) // per_box


def _finish(batch: KitchenBatch, kitchen: Kitchen) -> None:
    batch.portions = _sorted(batch.portions)
    batch.spare = {d: kitchen.spare_portions for d in batch.portions if kitchen.spare_portions}
    batch.cook = {d: n + batch.spare.get(d, 0) for d, n in batch.portions.items()}
    batch.unrouted = _sorted(batch.unrouted)
    batch.on_visits = _sorted(batch.on_visits)


# Diet names as the kitchen staff write them on boxes.
DIET_NAMES: dict[str, dict[str, str]] = {
    "bg": {
        "general": "Обща",
        "diabetic": "Диабетна",
        "low_salt": "Безсолна",
        "vegetarian": "Вегетарианска",
        "soft": "Щадяща",
        "pureed": "Пасирана",
    },
    "sl": {
        "general": "Splošna",
        "diabetic": "Diabetična",
        "low_salt": "Neslana",
        "vegetarian": "Vegetarijanska",
        "soft": "Mehka",
        "pureed": "Pasirana",
    },
    "en": {
        "general": "General",
        "diabetic": "Diabetic",
        "low_salt": "Low salt",
        "vegetarian": "Vegetarian",
        "soft": "Soft",
        "pureed": "Pureed",
    },
}


def diet_name(diet: str, locale: str) -> str:
    return DIET_NAMES.get(locale[:2], DIET_NAMES["en"]).get(diet, diet)


def label_text(client: Client, diet: str, portions: int, locale: str, where: str) -> str:
    """The text of a box label: who, where, which diet and how many, and which van and stop."""
    lines = [client.name, client.address, f"{diet_name(diet, locale)} x {portions}", where]
    return "\n".join(line for line in lines if line)
