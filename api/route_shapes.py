"""The board map's lines: each route of the day's current version through its places in order,
drawn along the roads where the travel provider can (`scheduler.roads.shapes`)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from api.board import current_version
from api.schemas.days import DayShapes, RouteShape
from routing.problem import Location
from scheduler.models import Client, Route, Service, Stop, StopKind
from scheduler.repositories import plans
from scheduler.repositories.care import list_caregivers
from scheduler.repositories.matrices import known_points
from scheduler.repositories.meals import clients_by_id
from scheduler.roads.shapes import ShapeProvider, Way, route_shapes, way_of
from scheduler.views import board as view

AT_BASE = (StopKind.start, StopKind.reload, StopKind.end)  # the kitchen or the caregiver's home


def day_shapes(
    session: Session,
    municipality_id: int,
    day: date,
    service: Service,
    provider: ShapeProvider | None = None,
) -> DayShapes:
    mid = municipality_id
    version = current_version(session, mid, plans.get_plan(mid, day, service, session=session))
    rows = plans.routes_of(mid, version.id, session=session) if version and version.id else []
    ways = _ways(session, mid, rows)
    shapes = route_shapes(ways, provider)
    return DayShapes(
        routes=[
            RouteShape(route_id=route.id or 0, resource=route.resource, shape=_lists(shape))
            for (route, _), shape in zip(rows, shapes, strict=True)
        ],
        bounds=_bounds(known_points(mid, session=session)),
    )


def _ways(session: Session, municipality_id: int, rows: plans.RouteRows) -> list[Way]:
    wanted = [s.client_id for _, stops in rows for s in stops if s.client_id]
    clients = clients_by_id(municipality_id, wanted, session=session)
    homes = view.route_starts(municipality_id, [r for r, _ in rows], session=session)
    modes = {c.id: c.mode.value for c in list_caregivers(municipality_id, session=session)}
    ways = []
    for route, stops in rows:
        home = homes.get(route.id or 0)
        base: Location | None = (home[1], home[0]) if home else None  # the view's is (lat, lon)
        places = [_place(s, base, clients) for s in stops]
        ways.append(way_of(places, _profile(route, modes)))
    return ways


def _place(stop: Stop, base: Location | None, clients: dict[int, Client]) -> Location | None:
    """Where a stop is: the route's base for its start, reloads and end, else its client."""
    if stop.kind in AT_BASE:
        return base
    client = clients.get(stop.client_id or 0)
    return (client.lon, client.lat) if client and stop.kind == StopKind.job else None


def _profile(route: Route, modes: dict[int | None, str]) -> str:
    """Vans drive; a caregiver goes by car, on foot or by bus."""
    return modes.get(route.caregiver_id, "car") if route.caregiver_id else "car"


def _lists(shape: list[Location]) -> list[list[float]]:
    return [[lon, lat] for lon, lat in shape]


def _bounds(points: list[tuple[float, float]]) -> list[list[float]] | None:
    if not points:
        return None
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return [[min(lons), min(lats)], [max(lons), max(lats)]]
