"""The lines a route follows on the map: road shapes where the provider draws them.

A provider that knows the roads (Valhalla's `route`) is a `ShapeProvider`; with any other, or
none, a route is drawn as straight segments between its stops. Points are `(lon, lat)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from routing.problem import Location


@runtime_checkable
class ShapeProvider(Protocol):
    """Draws the road path through points in order, for one profile (car, foot, bus)."""

    def route_shape(self, points: Sequence[Location], profile: str) -> list[Location]: ...


@dataclass(frozen=True)
class Way:
    """A route's places in visiting order (start, stops, reloads, end) and how it travels."""

    points: tuple[Location, ...]
    profile: str


def shape_provider(provider: object) -> ShapeProvider | None:
    """`provider` when it draws road shapes, else None (straight segments)."""
    return provider if isinstance(provider, ShapeProvider) else None


def route_shapes(
    ways: Sequence[Way], provider: ShapeProvider | None = None
) -> list[list[Location]]:
    """Each way's line: the provider's road shape, or its points joined by straight segments
    (without a provider, or for a way of fewer than two places, or an empty shape)."""
    return [_shape(way, provider) for way in ways]


def _shape(way: Way, provider: ShapeProvider | None) -> list[Location]:
    straight = list(way.points)
    if provider is None or len(straight) < 2:
        return straight
    return provider.route_shape(straight, way.profile) or straight


def way_of(places: Sequence[Location | None], profile: str) -> Way:
    """The way through `places`, skipping unknown ones and staying put (a repeat in a row)."""
    points: list[Location] = []
    for place in places:
        if place is not None and (not points or points[-1] != place):
            points.append(place)
    return Way(tuple(points), profile)
