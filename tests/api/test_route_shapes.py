"""The map's lines: `GET /v1/days/{day}/{service}/shapes` and `route_shapes`.

Seeded (tests/api/conftest.py): each town's kitchen K1 at (25.39, 42.62), client C1 at
(25.4, 42.61), caregiver CG1's home at (25.4, 42.62), and a one-stop van route on 2026-01-06.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from routing.problem import Location, Matrices
from routing.travel import GreatCircle
from scheduler.models import Role, Stop
from scheduler.roads.shapes import Way, route_shapes, shape_provider, way_of
from tests.api.conftest import TOWNS, World

HOME, OTHER = TOWNS
KITCHEN, CLIENT = [25.39, 42.62], [25.4, 42.61]


class Bends:
    """A road-shape provider whose roads bend: a point halfway, 0.001° north, per segment."""

    def __init__(self) -> None:
        self.asked: list[tuple[Sequence[Location], str]] = []

    def matrices(self, points: Sequence[Location], profile: str) -> Matrices:
        return GreatCircle().matrices(points, profile)

    def route_shape(self, points: Sequence[Location], profile: str) -> list[Location]:
        self.asked.append((points, profile))
        out = [points[0]]
        for (ax, ay), (bx, by) in itertools.pairwise(points):
            out += [((ax + bx) / 2, (ay + by) / 2 + 0.001), (bx, by)]
        return out


def test_straight_segments_without_a_shape_provider() -> None:
    way = way_of([(1.0, 2.0), None, (1.0, 2.0), (3.0, 4.0)], "car")
    assert way == Way(((1.0, 2.0), (3.0, 4.0)), "car")  # unknown place and staying put dropped
    assert route_shapes([way]) == [[(1.0, 2.0), (3.0, 4.0)]]
    assert shape_provider(GreatCircle()) is None


def test_a_shape_provider_draws_the_roads() -> None:
    bends = Bends()
    provider = shape_provider(bends)
    assert provider is bends
    ways = [Way(((0.0, 0.0), (2.0, 0.0)), "foot"), Way(((5.0, 5.0),), "car")]
    assert route_shapes(ways, provider) == [[(0.0, 0.0), (1.0, 0.001), (2.0, 0.0)], [(5.0, 5.0)]]
    assert bends.asked == [([(0.0, 0.0), (2.0, 0.0)], "foot")]  # one place: nothing to draw


def test_the_days_shapes_go_from_the_kitchen_through_the_stops_and_back(world: World) -> None:
    route_id = world.ids[(HOME, "route")]
    with world.session() as session:
        mid = world.town_ids[HOME]
        session.add_all(
            [
                Stop(municipality_id=mid, route_id=route_id, seq=0, kind="start"),
                Stop(municipality_id=mid, route_id=route_id, seq=2, kind="end"),
            ]
        )
        session.commit()
    answer = world.client(HOME, Role.dispatcher).get("/v1/days/2026-01-06/meals/shapes")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["routes"] == [
        {"route_id": route_id, "resource": "V1", "shape": [KITCHEN, CLIENT, KITCHEN]}
    ]
    assert body["bounds"] == [[25.39, 42.61], [25.4, 42.62]]


def test_shapes_are_the_callers_towns_and_need_staff(world: World) -> None:
    there = world.client(OTHER, Role.dispatcher).get("/v1/days/2026-01-06/meals/shapes").json()
    assert [r["route_id"] for r in there["routes"]] == [world.ids[(OTHER, "route")]]
    assert world.client().get("/v1/days/2026-01-06/meals/shapes").status_code == 401
    empty = world.client(HOME, Role.dispatcher).get("/v1/days/2026-01-07/care/shapes").json()
    assert empty["routes"] == [] and empty["bounds"] is not None
