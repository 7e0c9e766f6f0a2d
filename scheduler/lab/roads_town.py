"""A town on a real road network: points that are on its roads and reach each other.

Random points in the extract's box are snapped to the nearest road Valhalla would drive (its
`locate`), so every client stands at a real address-like spot of the extract. Points the
kitchen cannot reach and return from (one-way stubs, private service roads) are dropped, so a
test of road times is not a test of unreachable clients.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from routing.problem import Location
from scheduler.roads.osrm import UNREACHABLE_S
from scheduler.roads.pbf import Box
from scheduler.roads.valhalla import Call, Valhalla


def road_points(
    call: Call, box: Box, n: int, *, seed: int = 0, costing: str = "auto"
) -> list[Location]:
    """`n` distinct points on the roads of `box` (fewer if the box has fewer), seeded."""
    rng = random.Random(seed)
    found: dict[Location, None] = {}
    for _ in range(20):  # rounds: a box mostly without roads needs a few
        want = (n - len(found)) * 2
        if want <= 0:
            break
        asked = [(rng.uniform(box.west, box.east), rng.uniform(box.south, box.north))
                 for _ in range(want)]  # fmt: skip
        body = {"locations": [{"lon": x, "lat": y} for x, y in asked], "costing": costing,
                "verbose": False}  # fmt: skip
        answer: object = call("locate", body)
        for place in answer if isinstance(answer, list) else []:
            edges = place.get("edges") if isinstance(place, dict) else None
            if edges:
                edge = edges[0]
                found[(round(edge["correlated_lon"], 6), round(edge["correlated_lat"], 6))] = None
    return list(found)[:n]


def connected(provider: Valhalla, points: Sequence[Location]) -> list[Location]:
    """The points that reach each other by car both ways: the one with the most gaps is
    dropped until none is left (a stub nobody reaches would blank every row)."""
    durations = provider.matrices(points, "car").durations
    kept = list(range(len(points)))

    def gaps(i: int) -> int:
        return sum((durations[i][j] >= UNREACHABLE_S) + (durations[j][i] >= UNREACHABLE_S)
                   for j in kept)  # fmt: skip

    while kept:
        worst = max(kept, key=gaps)
        if gaps(worst) == 0:
            break
        kept.remove(worst)
    return [points[i] for i in kept]
