"""Travel providers: the great-circle default, and OSRM against a local server speaking its
table protocol (a real HTTP server on a free port, not a patched client)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest

from routing import Job, Problem, Travel, Vehicle
from routing.travel import GreatCircle, great_circle_m, to_int, with_matrices
from scheduler.roads.osrm import UNREACHABLE_S, Osrm, OsrmBadResponseError, OsrmUnavailableError

SOFIA = (23.3219, 42.6977)
PLOVDIV = (24.7453, 42.1354)


def test_rounding_rule_is_half_up() -> None:
    assert [to_int(x) for x in (0.4, 0.5, 1.5, 2.49, 2.5)] == [0, 1, 2, 2, 3]


def test_great_circle_distance_sofia_plovdiv() -> None:
    metres = great_circle_m([SOFIA, PLOVDIV])
    assert 130_000 < metres[0][1] < 134_000  # about 132 km as the crow flies
    assert metres[0][0] == 0 and metres[0][1] == metres[1][0]


def test_profiles_have_their_speeds_and_circuity_applies() -> None:
    provider = GreatCircle(Travel(profile_speeds_kmh={"car": 36.0, "foot": 3.6}, circuity=1.5))
    car, foot = (
        provider.matrices([SOFIA, PLOVDIV], "car"),
        provider.matrices([SOFIA, PLOVDIV], "foot"),
    )
    crow = great_circle_m([SOFIA, PLOVDIV])[0][1]
    assert car.distances is not None and car.distances[0][1] == to_int(crow * 1.5)
    assert car.durations[0][1] == to_int(crow * 1.5 / 10)  # 36 km/h is 10 m/s
    assert foot.durations[0][1] == to_int(crow * 1.5)  # 3.6 km/h is 1 m/s


def test_matrices_are_cached_by_their_points() -> None:
    provider = GreatCircle()
    first = provider.matrices([SOFIA, PLOVDIV], "car")
    assert provider.matrices([SOFIA, PLOVDIV], "car") is first
    assert provider.matrices([PLOVDIV, SOFIA], "car") is not first


def test_with_matrices_gives_one_matrix_per_profile_in_use() -> None:
    problem = Problem(
        vehicles=(
            Vehicle(id="van", start=SOFIA, capacity=(5,)),
            Vehicle(id="walker", start=SOFIA, profile="foot", capacity=(5,)),
        ),
        jobs=(Job(id="a", location=PLOVDIV, delivery=(1,)), Job(id="b", location=SOFIA)),
    )
    indexed = with_matrices(problem)
    assert indexed.matrices is None and set(indexed.profile_matrices) == {"car", "foot"}
    assert [j.location_index for j in indexed.jobs] == [1, 0]  # shared points, one index
    car, foot = indexed.profile_matrices["car"], indexed.profile_matrices["foot"]
    assert foot.durations[0][1] > 5 * car.durations[0][1]


@dataclass
class TableServer:
    """What the fake OSRM server does: durations are |lon_a - lon_b| * 100.4 s, distances
    |lon_a - lon_b| * 1000.6 m; `fail` requests answer 503 first; `delay_s` before answering."""

    url: str = ""
    requests: list[dict[str, list[str]]] = field(default_factory=list)
    fail: int = 0
    delay_s: float = 0.0
    code: str = "Ok"
    unreachable: tuple[float, float] | None = None


def _handler(state: TableServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet tests
            pass

        def do_GET(self) -> None:
            url = urlsplit(self.path)  # not urlparse: it cuts paths at ";"
            query = parse_qs(url.query)
            state.requests.append(query)
            time.sleep(state.delay_s)
            if state.fail > 0:
                state.fail -= 1
                self._send(503, {"code": "Overloaded"})
                return
            if state.code != "Ok":
                self._send(400, {"code": state.code, "message": "nope"})
                return
            last = unquote(url.path.split("/")[-1])
            coords = [tuple(map(float, c.split(","))) for c in last.split(";")]
            sources = [int(i) for i in query["sources"][0].split(";")]
            targets = [int(i) for i in query["destinations"][0].split(";")]
            self._send(200, self._table(coords, sources, targets))

        def _table(
            self, coords: list[tuple[float, ...]], sources: list[int], targets: list[int]
        ) -> dict[str, object]:
            def cell(a: int, b: int, scale: float) -> float | None:
                lon_a, lon_b = coords[a][0], coords[b][0]
                if state.unreachable and {lon_a, lon_b} == set(state.unreachable):
                    return None
                return abs(lon_a - lon_b) * scale

            return {
                "code": "Ok",
                "durations": [[cell(a, b, 100.4) for b in targets] for a in sources],
                "distances": [[cell(a, b, 1000.6) for b in targets] for a in sources],
            }

        def _send(self, status: int, body: dict[str, object]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@pytest.fixture
def osrm_server() -> Iterator[TableServer]:
    state = TableServer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def _points(n: int) -> list[tuple[float, float]]:
    return [(float(i), 42.0) for i in range(n)]


def _client(server: TableServer, timeout: float = 5.0) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=timeout)


def test_osrm_table_in_batches(osrm_server: TableServer) -> None:
    with _client(osrm_server) as client:
        m = Osrm(client, batch=2).matrices(_points(5), "car")
    assert len(osrm_server.requests) == 9  # 3 blocks of sources x 3 of destinations
    assert m.durations[0][4] == to_int(4 * 100.4) and m.durations[4][1] == to_int(3 * 100.4)
    assert m.distances is not None and m.distances[2][3] == to_int(1000.6)
    assert all(m.durations[i][i] == 0 for i in range(5))
    assert osrm_server.requests[0]["annotations"] == ["duration,distance"]


def test_osrm_retries_server_errors_then_succeeds(osrm_server: TableServer) -> None:
    osrm_server.fail = 2
    waits: list[float] = []
    with _client(osrm_server) as client:
        m = Osrm(client, retries=2, backoff_s=0.1, sleep=waits.append).matrices(_points(2), "car")
    assert m.durations[0][1] == to_int(100.4)
    assert waits == [0.1, 0.2]


def test_osrm_gives_up_after_retries(osrm_server: TableServer) -> None:
    osrm_server.fail = 10
    with _client(osrm_server) as client, pytest.raises(OsrmUnavailableError, match="3 attempts"):
        Osrm(client, retries=2, sleep=lambda s: None).matrices(_points(2), "car")


def test_osrm_timeout_is_unavailable(osrm_server: TableServer) -> None:
    osrm_server.delay_s = 0.5
    with (
        _client(osrm_server, timeout=0.1) as client,
        pytest.raises(OsrmUnavailableError, match="attempts"),
    ):
        Osrm(client, retries=1, sleep=lambda s: None).matrices(_points(2), "car")


def test_osrm_error_code_is_a_bad_response_not_retried(osrm_server: TableServer) -> None:
    osrm_server.code = "InvalidQuery"
    with _client(osrm_server) as client, pytest.raises(OsrmBadResponseError, match="InvalidQuery"):
        Osrm(client, sleep=lambda s: None).matrices(_points(2), "car")
    assert len(osrm_server.requests) == 1


def test_osrm_unroutable_pair_is_far_away_not_an_error(osrm_server: TableServer) -> None:
    osrm_server.unreachable = (0.0, 2.0)
    with _client(osrm_server) as client:
        m = Osrm(client).matrices(_points(3), "foot")
    assert m.durations[0][2] == UNREACHABLE_S and m.durations[0][1] == to_int(100.4)
    assert osrm_server.requests  # and the profile went into the path
