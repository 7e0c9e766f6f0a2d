"""Road matrices and shapes from Valhalla, in process and from a real `valhalla_service`."""

from __future__ import annotations

import httpx
import pytest

from routing.problem import Location
from routing.travel import GreatCircle
from scheduler.roads.osrm import UNREACHABLE_M, UNREACHABLE_S
from scheduler.roads.tiles import Build
from scheduler.roads.valhalla import (
    ActorProcesses,
    Json,
    Valhalla,
    ValhallaError,
    ValhallaUnavailableError,
    actor_call,
    decode_polyline6,
    http_call,
)

FAR = (25.5, 61.0)  # a field 100 km north-east of the extract: no road there


def test_road_times_are_road_times_not_straight_lines(
    roads: Valhalla, town_points: list[Location]
) -> None:
    points = town_points[:6]
    car = roads.matrices(points, "car")
    line = GreatCircle().matrices(points, "car")
    n = len(points)
    assert n == 6
    assert all(car.durations[i][i] == 0 for i in range(n))
    off = [(a, b) for a in range(n) for b in range(n) if a != b]
    assert all(0 < car.durations[a][b] < UNREACHABLE_S for a, b in off)
    assert car.durations != line.durations
    # A road is never shorter than the straight line between its ends (snapped: 1 m slack).
    straight = GreatCircle().matrices(points, "foot")
    assert car.distances is not None and straight.distances is not None
    assert all(car.distances[a][b] * 1.3 >= straight.distances[a][b] - 1.3 for a, b in off)


def test_each_profile_has_its_costing(roads: Valhalla, town_points: list[Location]) -> None:
    a, b = town_points[0], town_points[1]
    car, foot, bus = (roads.matrices([a, b], p).durations[0][1] for p in ("car", "foot", "bus"))
    assert foot > car  # walking 4-5 km/h against driving
    assert bus > 0
    with pytest.raises(ValueError, match="profile: Expected one of"):
        roads.matrices([a, b], "boat")


def test_a_point_without_roads_is_unreachable_not_a_crash(
    roads: Valhalla, town_points: list[Location]
) -> None:
    points = [*town_points[:3], FAR]
    result = roads.matrices(points, "car")
    assert roads.unreachable == (FAR,)
    assert result.durations[3][0] == result.durations[0][3] == UNREACHABLE_S
    assert result.distances is not None and result.distances[1][3] == UNREACHABLE_M
    assert result.durations[3][3] == 0
    assert 0 < result.durations[0][1] < UNREACHABLE_S


def test_route_shape_follows_the_roads(roads: Valhalla, town_points: list[Location]) -> None:
    stops = town_points[:3]
    line = roads.route_shape(stops, "car")
    assert len(line) > len(stops)
    assert abs(line[0][0] - stops[0][0]) < 1e-4 and abs(line[0][1] - stops[0][1]) < 1e-4
    assert abs(line[-1][0] - stops[-1][0]) < 1e-4 and abs(line[-1][1] - stops[-1][1]) < 1e-4
    # A stop with no road: its legs are straight, the others still follow the roads.
    with_far = roads.route_shape([*stops[:2], FAR], "car")
    assert with_far[-1] == FAR and len(with_far) > 3


def test_polyline6_decodes_valhallas_example() -> None:
    # Google's documented example, at 6 digits: (38.5, -120.2), (40.7, -120.95), (43.252, -126.453)
    encoded = "_izlhA~rlgdF_{geC~ywl@_kwzCn`{nI"
    assert decode_polyline6(encoded) == [(-120.2, 38.5), (-120.95, 40.7), (-126.453, 43.252)]


def test_the_same_provider_over_http_gives_the_same_matrices(
    roads: Valhalla, town_points: list[Location], valhalla_service: str
) -> None:
    points = [*town_points[:8], FAR]
    with httpx.Client(base_url=valhalla_service, timeout=30) as client:
        served = Valhalla(http_call(client))
        for profile in ("car", "foot"):
            assert served.matrices(points, profile) == roads.matrices(points, profile)
        assert served.unreachable == (FAR,)
        # In blocks (a large day), two at a time: Valhalla's bidirectional matrix search may
        # end a pair a second apart when the other points of a request differ, never more.
        asked: list[tuple[int, int]] = []
        server = http_call(client)

        def counted(action: str, body: Json) -> object:
            if action == "sources_to_targets":
                asked.append((len(body["sources"]), len(body["targets"])))
            return server(action, body)

        blocked = Valhalla(counted, block=3, workers=2).matrices(points, "car").durations
        # 8 points on roads in groups of 3, 3 and 2: every group against every group.
        assert sorted(asked) == sorted((r, c) for r in (3, 3, 2) for c in (3, 3, 2))
        whole = roads.matrices(points, "car").durations
        assert all(abs(x - y) <= 1 for r, s in zip(blocked, whole, strict=True)
                   for x, y in zip(r, s, strict=True))  # fmt: skip
        assert served.route_shape(points[:3], "car") == roads.route_shape(points[:3], "car")


def test_a_server_refusal_and_a_server_away_are_told_apart(valhalla_service: str) -> None:
    with (
        httpx.Client(base_url=valhalla_service, timeout=30) as client,
        pytest.raises(ValhallaError, match="HTTP 400"),
    ):
        http_call(client)("route", {"locations": [], "costing": "auto"})
    with (
        httpx.Client(base_url="http://127.0.0.1:9", timeout=2) as client,
        pytest.raises(ValhallaUnavailableError),
    ):
        Valhalla(http_call(client)).matrices([(24.94, 60.17), (24.95, 60.17)], "car")


def test_worker_processes_give_the_same_matrices(
    roads: Valhalla, town_points: list[Location], helsinki: Build
) -> None:
    points = [*town_points[:10], FAR]
    pooled = Valhalla(actor_call(helsinki.config_path, processes=2), block=4, workers=2)
    one_by_one = Valhalla(roads.call, block=4)
    assert pooled.matrices(points, "car") == one_by_one.matrices(points, "car")
    assert pooled.unreachable == (FAR,)
    assert pooled.route_shape(points[:3], "car") == roads.route_shape(points[:3], "car")
    # A refusal in a worker process is Valhalla's refusal here, as in process.
    with pytest.raises(ValhallaError, match=r"[Ll]ocation"):
        pooled.call("route", {"locations": [], "costing": "auto"})


def test_a_worker_process_that_dies_is_replaced(
    town_points: list[Location], helsinki: Build
) -> None:
    processes = ActorProcesses(helsinki.config_path, 2)
    pooled = Valhalla(processes.call, block=3, workers=2)
    points = town_points[:5]
    first = pooled.matrices(points, "car")
    assert processes._started == 2  # blocks were asked two at a time
    dead, alive = processes._idle.get(), processes._idle.get()
    dead.kill()
    dead.wait()
    processes._idle.put(dead)  # taken first
    processes._idle.put(alive)
    with pytest.raises(ValhallaUnavailableError, match="worker process ended"):
        processes.call("locate", {"locations": [], "costing": "auto"})
    assert processes._started == 1
    # A request waiting for the busy one starts a new worker in the dead one's place.
    held = processes._idle.get()
    here = {"lon": points[0][0], "lat": points[0][1]}
    assert processes.call("locate", {"locations": [here], "costing": "auto"})
    processes._idle.put(held)
    assert Valhalla(processes.call, block=3, workers=2).matrices(points, "car") == first
    assert processes._started == 2


def test_a_pair_the_matrix_overflows_is_asked_by_route(roads: Valhalla) -> None:
    # Two real points of the extract, 40 m apart on a one-way lane: Valhalla's matrix answers
    # 2**63 s and 0 km for them (pyvalhalla-weekly 3.5.1), its route 11 s and 61 m.
    a, b = (24.952944, 60.178272), (24.952432, 60.178257)
    body = {"sources": [{"lon": a[0], "lat": a[1]}], "targets": [{"lon": b[0], "lat": b[1]}],
            "costing": "auto", "verbose": False}  # fmt: skip
    assert roads.call("sources_to_targets", body)["sources_to_targets"]["durations"][0][0] > 2**62
    result = Valhalla(roads.call).matrices([a, b], "car")
    assert 0 < result.durations[0][1] < 120
    assert result.distances is not None and 20 < result.distances[0][1] < 200
