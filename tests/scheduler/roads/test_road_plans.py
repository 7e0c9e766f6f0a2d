"""Plans on road times: a meal day of a town on the Helsinki extract, and where times come from."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.route_shapes import day_shapes
from routing.problem import Location
from routing.travel import GreatCircle
from scheduler.intake.cutoff import freeze_day
from scheduler.models import Client, Municipality, Service
from scheduler.planning import plan_day
from scheduler.repositories.matrices import matrix_rows
from scheduler.repositories.plans import routes_of, unassigned_of
from scheduler.roads.choice import provider_for, road_source, route_line
from scheduler.roads.osrm import Osrm
from scheduler.roads.shapes import shape_provider
from scheduler.roads.tiles import Build
from scheduler.roads.valhalla import Valhalla
from scheduler.settings import Settings, get_settings
from tests.scheduler import meal_town
from tests.scheduler.roads.conftest import use_build

DAY = date(2025, 6, 3)  # a Tuesday
FAR = (25.5, 61.0)  # no road near


def _offset(point: Location) -> tuple[float, float]:
    return point[0] - meal_town.CENTRE[0], point[1] - meal_town.CENTRE[1]


def _town(session: Session, points: list[Location], far: bool = False) -> Municipality:
    """A kitchen and one van at the first point, a client at each of the next eight."""
    town = meal_town.town(session, "Kallio", timezone="Europe/Helsinki", country="FI")
    k = meal_town.kitchen(session, town, lon=points[0][0], lat=points[0][1])
    meal_town.van(session, town, k, "V1", capacity_portions=20)
    for i, point in enumerate(points[1:9]):
        meal_town.client(session, town, k, f"c{i}", offset=_offset(point))
    if far:
        meal_town.client(session, town, k, "faraway", offset=_offset(FAR))
    return town


def test_a_plan_on_built_roads_is_timed_by_valhallas_matrix(
    sqlite_engine: Engine, helsinki: Build, roads: Valhalla, town_points: list[Location]
) -> None:
    with Session(sqlite_engine) as session:
        town = _town(session, town_points)
        assert town.id is not None
        use_build(get_settings().var_dir, town.id, helsinki)
        freeze_day(town.id, DAY, "meals", session=session)
        version = plan_day(town.id, DAY, "meals", session=session, time_limit=1.0)
        assert version.id is not None and version.summary["unassigned"] == 0
        [(_, stops)] = routes_of(town.id, version.id, session=session)
        # The plan's road rows are kept for the re-plans: one per place (kitchen, 8 clients).
        stored = matrix_rows(town.id, "car", f"valhalla:{helsinki.build_id}", session=session)
        assert len(stored) == 9
        where: dict[int, Location] = {}
        for stop in stops:
            if stop.client_id is not None:
                client = session.get(Client, stop.client_id)
                assert client is not None
                where[stop.seq] = (client.lon, client.lat)
            else:
                where[stop.seq] = town_points[0]
    points = list(dict.fromkeys(where.values()))
    road = roads.matrices(points, "car").durations
    line = GreatCircle().matrices(points, "car").durations
    legs = list(itertools.pairwise(stops))
    assert len(legs) == 9  # kitchen, eight clients, kitchen
    at = {p: i for i, p in enumerate(points)}
    for a, b in legs:
        travel = road[at[where[a.seq]]][at[where[b.seq]]]
        assert b.arrival_s - a.departure_s == travel, (a.seq, b.seq)
    # ...and straight lines would have timed some leg differently.
    assert any(
        road[at[where[a.seq]]][at[where[b.seq]]] != line[at[where[a.seq]]][at[where[b.seq]]]
        for a, b in legs
    )


def test_a_client_no_road_reaches_is_left_out_with_a_reason(
    sqlite_engine: Engine, helsinki: Build, town_points: list[Location]
) -> None:
    with Session(sqlite_engine) as session:
        town = _town(session, town_points[:4], far=True)
        assert town.id is not None
        use_build(get_settings().var_dir, town.id, helsinki)
        freeze_day(town.id, DAY, "meals", session=session)
        version = plan_day(town.id, DAY, "meals", session=session, time_limit=1.0)
        assert version.id is not None
        left = unassigned_of(town.id, version.id, session=session)
        assert [u.job_id for u in left] == ["faraway"]
        assert left[0].client_id is not None and left[0].reason
        assert left[0].explanation.startswith("No road on the map reaches this address")
        assert "Client faraway" in left[0].explanation
        assert version.summary["assigned"] == 3


def test_road_times_come_from_the_first_source_set_up(tmp_path: Path, helsinki: Build) -> None:
    bare = Settings(var_dir=tmp_path)
    assert isinstance(provider_for(1, bare), GreatCircle)
    assert road_source(1, bare) == "straight lines"
    osrm = Settings(var_dir=tmp_path, osrm_url="http://127.0.0.1:5000")
    assert isinstance(provider_for(1, osrm), Osrm)
    both = Settings(var_dir=tmp_path, osrm_url="http://o:5000", valhalla_url="http://v:8002")
    served = provider_for(1, both)
    assert isinstance(served, Valhalla)
    assert road_source(1, both) == "http://v:8002"
    use_build(tmp_path, 1, helsinki)
    assert isinstance(provider_for(1, both), Valhalla)
    assert road_source(1, both) == f"road graph {helsinki.build_id}"
    assert isinstance(provider_for(2, both), Valhalla)  # another town: the server


def test_the_maps_line_follows_the_roads_once_they_are_built(
    tmp_path: Path, helsinki: Build, town_points: list[Location]
) -> None:
    stops = town_points[:3]
    bare = Settings(var_dir=tmp_path)
    assert route_line(1, bare, stops, "car") == stops
    use_build(tmp_path, 1, helsinki)
    line = route_line(1, bare, stops, "car")
    assert len(line) > len(stops) and line[0] != line[-1]


def test_the_map_draws_a_plan_on_built_roads_along_the_roads(
    sqlite_engine: Engine, helsinki: Build, town_points: list[Location]
) -> None:
    with Session(sqlite_engine) as session:
        town = _town(session, town_points)
        assert town.id is not None
        use_build(get_settings().var_dir, town.id, helsinki)
        freeze_day(town.id, DAY, "meals", session=session)
        plan_day(town.id, DAY, "meals", session=session, time_limit=1.0)
        roads = shape_provider(provider_for(town.id, get_settings()))
        assert roads is not None
        [line] = day_shapes(session, town.id, DAY, Service.meals, roads).routes
        [straight] = day_shapes(session, town.id, DAY, Service.meals).routes
    assert len(straight.shape) == 10  # kitchen, eight clients, kitchen
    assert len(line.shape) > 3 * len(straight.shape)  # the roads' bends between the stops
    for end in (0, -1):  # starts and ends at the kitchen (to the shape's 6 decimals)
        assert all(
            abs(a - b) < 1e-4 for a, b in zip(line.shape[end], straight.shape[end], strict=True)
        )
