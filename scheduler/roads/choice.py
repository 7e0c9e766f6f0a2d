"""Which road times a municipality's plans use: the first of these that is set up.

1. Its own road graph, built with `patronage roads build` (Valhalla in this process).
2. A Valhalla server (`PATRONAGE_VALHALLA_URL`), one for many municipalities.
3. An OSRM server (`PATRONAGE_OSRM_URL`).
4. Straight lines (great-circle distance x circuity at a speed per profile).

The in-process Actor is kept per build (loading tiles costs more than a small matrix), so a
new build is picked up by the next plan without a restart. Each provider keeps its last
matrices in memory, so re-plans of the same points do not ask again.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import httpx
from sqlalchemy.engine import Connection, Engine

from routing.problem import Location, Travel
from routing.travel import GreatCircle, TravelProvider
from scheduler.roads.osrm import Osrm
from scheduler.roads.store import MatrixStore
from scheduler.roads.tiles import current_build
from scheduler.roads.valhalla import Valhalla, actor_call, default_workers, http_call
from scheduler.settings import Settings

HTTP_TIMEOUT_S = 60.0  # a 2,000-point matrix takes tens of seconds on a small server


def provider_for(
    municipality_id: int,
    settings: Settings,
    travel: Travel | None = None,
    engine: Engine | Connection | None = None,
) -> TravelProvider:
    """The travel provider for the municipality's plans and re-plans. With `engine` (or the
    plan's own connection) road times go through the matrix store (scheduler/roads/store.py):
    rows computed once per place and kept until the next road build, so a re-plan reads them
    instead of asking again."""
    found, source = _provider(municipality_id, settings, travel)
    if engine is None or isinstance(found, GreatCircle):  # straight lines cost nothing to redo
        return found
    return MatrixStore(engine, found, municipality_id=municipality_id, source=source)


def _provider(
    municipality_id: int, settings: Settings, travel: Travel | None
) -> tuple[TravelProvider, str]:
    build = current_build(settings.var_dir, municipality_id)
    workers = settings.roads_workers or default_workers()
    if build is not None:
        return _embedded(build.config_path, workers), f"valhalla:{build.build_id}"
    if settings.valhalla_url:
        served = _served_valhalla(settings.valhalla_url, workers)
        return served, f"valhalla:{settings.valhalla_url}"
    if settings.osrm_url:
        return _served_osrm(settings.osrm_url), f"osrm:{settings.osrm_url}"
    return GreatCircle(travel), "greatcircle"


def route_line(
    municipality_id: int, settings: Settings, points: Sequence[Location], profile: str
) -> list[Location]:
    """The line a route's map draws through its stops: along the roads where Valhalla is set
    up, else straight from stop to stop (OSRM's `/table` gives times, not shapes)."""
    provider = provider_for(municipality_id, settings)
    if isinstance(provider, Valhalla):
        return provider.route_shape(points, profile)
    return list(points)


def road_source(municipality_id: int, settings: Settings) -> str:
    """Where the municipality's road times come from, for people: a build id or a URL."""
    build = current_build(settings.var_dir, municipality_id)
    if build is not None:
        return f"road graph {build.build_id}"
    return settings.valhalla_url or settings.osrm_url or "straight lines"


@lru_cache(maxsize=8)
def _embedded(config_path: Path, workers: int) -> Valhalla:
    return Valhalla(actor_call(config_path, processes=workers), workers=workers)


# One client per server for the process: its connections are reused from plan to plan.
@lru_cache(maxsize=4)
def _served_valhalla(url: str, workers: int) -> Valhalla:
    client = httpx.Client(base_url=url, timeout=HTTP_TIMEOUT_S)
    return Valhalla(http_call(client), workers=workers)


@lru_cache(maxsize=4)
def _served_osrm(url: str) -> Osrm:
    return Osrm(httpx.Client(base_url=url, timeout=HTTP_TIMEOUT_S))
