"""Travel times and distances between coordinates: the provider interface and its default.

The embedded default needs no server: the great-circle distance times a circuity factor (roads
are not straight) gives metres, and a speed per profile (car, foot, bus) gives seconds. OSRM
(osrm.py) gives real road times where a municipality runs a server.

`to_int` is the one rounding rule between the float world (geometry, OSRM) and the integer
data the solver sees: round half up, to whole seconds and whole metres.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

import numpy as np

from routing.problem import Job, Location, Matrices, Problem, Travel, Vehicle

EARTH_RADIUS_M = 6_371_008.8


def to_int(value: float) -> int:
    """The rounding rule at the solver boundary: nearest integer, halves up."""
    return math.floor(value + 0.5)


class TravelProvider(Protocol):
    """Turns points into matrices for one profile (car, foot, bus)."""

    def matrices(self, points: Sequence[Location], profile: str) -> Matrices: ...


class GreatCircle:
    """Great-circle distance x circuity, at a speed per profile; caches matrices by their points.

    The cache matters because re-planning a day asks for the same points again and again.
    """

    def __init__(self, travel: Travel | None = None, cache_size: int = 32) -> None:
        self.travel = travel or Travel()
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[tuple[Location, ...], str], Matrices] = OrderedDict()

    def matrices(self, points: Sequence[Location], profile: str) -> Matrices:
        key = (tuple(points), profile)
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            return found
        result = self._compute(key[0], profile)
        self._cache[key] = result
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return result

    def _compute(self, points: tuple[Location, ...], profile: str) -> Matrices:
        speed = self.travel.profile_speeds_kmh.get(profile)
        if speed is None:
            raise ValueError(f"profile: Expected one of {sorted(self.travel.profile_speeds_kmh)}")
        metres = great_circle_m(points) * self.travel.circuity
        seconds = metres / (speed / 3.6)
        # np.floor(x + 0.5) is to_int, vectorised.
        dist = np.floor(metres + 0.5).astype(np.int64).tolist()
        dur = np.floor(seconds + 0.5).astype(np.int64).tolist()
        return Matrices(durations=tuple(map(tuple, dur)), distances=tuple(map(tuple, dist)))


def great_circle_m(points: Sequence[Location]) -> np.ndarray:
    """The haversine distance in metres between every pair of `(lon, lat)` points."""
    if not points:
        return np.zeros((0, 0))
    rad = np.radians(np.asarray(points, dtype=float))
    lon, lat = rad[:, 0], rad[:, 1]
    dlat = lat[None, :] - lat[:, None]
    dlon = lon[None, :] - lon[:, None]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    metres: np.ndarray = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return metres


def with_matrices(problem: Problem, provider: TravelProvider | None = None) -> Problem:
    """The problem with coordinates replaced by location indices into computed matrices.

    A problem that already has matrices comes back unchanged. One matrix is computed per
    profile the vehicles use; with a single profile it becomes the shared `matrices`.
    """
    if problem.uses_matrices:
        return problem
    provider = provider or GreatCircle(problem.travel)
    points: list[Location] = []
    index: dict[Location, int] = {}

    def at(point: Location) -> int:
        if point not in index:
            index[point] = len(points)
            points.append(point)
        return index[point]

    vehicles = tuple(_indexed_vehicle(v, at) for v in problem.vehicles)
    jobs = tuple(_indexed_job(j, at) for j in problem.jobs)
    profiles = sorted({v.profile for v in problem.vehicles}) or ["car"]
    by_profile = {p: provider.matrices(points, p) for p in profiles}
    shared = by_profile.pop(profiles[0]) if len(profiles) == 1 else None
    return replace(
        problem, vehicles=vehicles, jobs=jobs, matrices=shared, profile_matrices=by_profile
    )


def _indexed_vehicle(v: Vehicle, at: Callable[[Location], int]) -> Vehicle:
    assert v.start is not None  # Problem checked: no matrices means coordinates everywhere
    end = None if v.end is None else at(v.end)
    return replace(v, start_index=at(v.start), end_index=end, start=None, end=None)


def _indexed_job(j: Job, at: Callable[[Location], int]) -> Job:
    assert j.location is not None
    return replace(j, location_index=at(j.location), location=None)
