"""`build_roads`: a municipality's road graph from an OpenStreetMap extract, checked first
against the places it must reach (its kitchens and clients)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from scheduler.repositories.clients import list_clients
from scheduler.repositories.fleet import list_kitchens
from scheduler.roads.tiles import Build, build_tiles


def places_to_cover(municipality_id: int, *, session: Session) -> list[tuple[str, float, float]]:
    """(name, lon, lat) of the municipality's kitchens and clients, as a dispatcher names them."""
    kitchens = [
        (f"kitchen {k.name}", k.lon, k.lat) for k in list_kitchens(municipality_id, session=session)
    ]
    clients = [
        (f"client {c.external_id} ({c.name})", c.lon, c.lat)
        for c in list_clients(municipality_id, session=session)
    ]
    return kitchens + clients


def build_roads(
    municipality_id: int,
    extract: Path,
    var_dir: Path,
    *,
    session: Session,
    step: Callable[[str], None] = lambda _stage: None,
) -> Build:
    """Build and switch to the graph of `extract`; the places are read before the build."""
    places = places_to_cover(municipality_id, session=session)
    return build_tiles(extract, var_dir, municipality_id, must_cover=places, step=step)
