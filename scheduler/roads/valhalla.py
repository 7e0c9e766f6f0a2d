"""Road travel times from Valhalla: in-process on a municipality's own tiles, or over HTTP.

`Valhalla` turns points into matrices (`TravelProvider`) and consecutive stops into a road
shape for the map. What answers is injected as a `Call` (an action name and a JSON body in,
a JSON object out): `actor_call` runs Valhalla's `Actor` on built tiles (in this process, or
in worker processes), `http_call` posts to a `valhalla_service` (one server for many
municipalities). Both speak the same JSON, so the provider cannot tell them apart.

A large matrix is asked for in square blocks (`BLOCK` points a side), `workers` at a time:
Valhalla's bidirectional matrix costs about sources x targets, so blocks cost no more in all
than one request, and they run on every core. The Actor holds Python's GIL while it searches,
so for a built graph the blocks go to worker processes, each with its own Actor on the tiles.

Errors, one family for this layer:
- `ValhallaError`: the base class; Valhalla refused the request (its message is kept).
- `ValhallaUnavailableError`: the server could not be reached or answered 5xx.

A point with no road near it would fail Valhalla's whole matrix ("No suitable edges near
location"), so every point is located first; one that snaps to no road, and any pair with no
path between them, gets `UNREACHABLE_S`/`UNREACHABLE_M`, and the solver leaves that job out
with its reason instead of the plan failing. `unreachable` holds the last call's such points.
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import subprocess
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from routing.problem import Location, Matrices
from routing.travel import to_int
from scheduler.roads.osrm import UNREACHABLE_M, UNREACHABLE_S

Json = dict[str, Any]
Call = Callable[[str, Json], Any]  # an object, or a list for `locate`
COSTINGS: Mapping[str, str] = {"car": "auto", "foot": "pedestrian", "bus": "bus"}
# Points a side of one matrix request. Measured on 600 points of central Helsinki, 2 cores,
# 6 December 2026, medians of 3: one 600 x 600 request 15 s; blocks of 100 / 150 / 200 / 300
# 6.8 / 8.0 / 8.8 / 12.5 s one at a time, 3.9 / 4.0 / 5.6 / 6.2 s two at a time
# (docs/benchmarks.md, Road times).
BLOCK = 100
MAX_ROUTED_PAIRS = 1000  # matrix answers past belief asked again one by one; the rest unreachable
PROJECT_ROOT = Path(__file__).resolve().parents[2]  # where `python -m scheduler...` resolves
ACTIONS: Mapping[str, str] = {"sources_to_targets": "matrix", "route": "route",
                              "locate": "locate"}  # fmt: skip


class ValhallaError(Exception):
    """Valhalla refused a request."""


class ValhallaUnavailableError(ValhallaError):
    """The Valhalla server could not be reached or failed (5xx)."""


def actor_call(config_path: Path, *, processes: int = 1) -> Call:
    """Valhalla's Actor on the tiles `config_path` names: in this process, or, with `processes`
    above 1, in up to that many worker processes (scheduler/roads/actor_worker.py) started on
    first use, each with its own Actor, so that requests made at once (a matrix's blocks, from
    threads) search on as many cores."""
    if processes > 1:
        return ActorProcesses(config_path, processes).call
    from valhalla import Actor  # the native library loads only when roads are used

    actor = Actor(str(config_path))
    lock = threading.Lock()  # one Actor holds one graph reader: one request at a time

    def call(action: str, body: Json) -> Any:
        try:
            with lock:
                text = getattr(actor, ACTIONS[action])(json.dumps(body))
        except RuntimeError as exc:  # the Actor raises its error message as RuntimeError
            raise ValhallaError(str(exc)) from None
        return json.loads(text)

    return call


class ActorProcesses:
    """Up to `most` Actor processes on one build, each answering one request at a time.

    A process is started when a request finds none idle and fewer than `most` exist, and ends
    when this process ends (its input closes). One that dies fails its request as unavailable
    and is not used again; the next request starts another.
    """

    def __init__(self, config_path: Path, most: int) -> None:
        self.config_path = config_path
        self.most = most
        self._idle: queue.SimpleQueue[subprocess.Popen[str]] = queue.SimpleQueue()
        self._started = 0
        self._lock = threading.Lock()

    def call(self, action: str, body: Json) -> Any:
        worker = self._take()
        try:
            assert worker.stdin is not None and worker.stdout is not None
            worker.stdin.write(json.dumps([ACTIONS[action], json.dumps(body)]) + "\n")
            worker.stdin.flush()
            line = worker.stdout.readline()
            answer = json.loads(line) if line else None
        except (OSError, ValueError):
            answer = None
        if not isinstance(answer, dict) or not ("ok" in answer or "error" in answer):
            self._drop(worker)
            raise ValhallaUnavailableError("a Valhalla worker process ended")
        self._idle.put(worker)
        if "error" in answer:
            raise ValhallaError(str(answer["error"]))
        return json.loads(answer["ok"])

    def _take(self) -> subprocess.Popen[str]:
        while True:  # a worker dropped meanwhile frees a place to start one: look again
            with self._lock:
                start = self._idle.empty() and self._started < self.most
                self._started += start
            if start:
                return self._start()
            try:
                return self._idle.get(timeout=0.1)
            except queue.Empty:
                continue

    def _start(self) -> subprocess.Popen[str]:
        command = [sys.executable, "-m", "scheduler.roads.actor_worker", str(self.config_path)]
        try:
            worker = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      text=True, cwd=PROJECT_ROOT)  # fmt: skip
        except OSError as exc:
            with self._lock:
                self._started -= 1
            raise ValhallaUnavailableError(f"no Valhalla worker starts: {exc}") from None
        assert worker.stdout is not None
        if not worker.stdout.readline():  # the Actor could not load the tiles
            self._drop(worker)
            raise ValhallaUnavailableError(f"no Valhalla worker starts on {self.config_path}")
        return worker

    def _drop(self, worker: subprocess.Popen[str]) -> None:
        worker.kill()
        worker.wait()
        with self._lock:
            self._started -= 1


def default_workers() -> int:
    """Matrix requests at a time when the settings leave it open: one per core."""
    return max(1, os.cpu_count() or 1)


def http_call(client: httpx.Client) -> Call:
    """POST `/{action}` to a `valhalla_service`; the client carries the base URL and timeouts."""

    def call(action: str, body: Json) -> Any:
        try:
            response = client.post(f"/{action}", json=body)
        except httpx.TransportError as exc:
            raise ValhallaUnavailableError(f"Valhalla could not be reached: {exc}") from None
        if response.status_code >= 500:
            raise ValhallaUnavailableError(f"Valhalla answered HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            raise ValhallaError(
                f"Valhalla answered HTTP {response.status_code}, not JSON"
            ) from None
        if response.status_code >= 400 or not isinstance(answer, dict | list):
            message = answer.get("error", "") if isinstance(answer, dict) else ""
            raise ValhallaError(f"Valhalla answered HTTP {response.status_code}: {message}")
        return answer

    return call


class Valhalla:
    """A travel provider backed by Valhalla's `sources_to_targets`, and route shapes."""

    def __init__(
        self, call: Call, *, block: int = BLOCK, workers: int = 1, cache_size: int = 16
    ) -> None:
        if block < 1:
            raise ValueError(f"block: Expected at least 1, got {block}")
        if workers < 1:
            raise ValueError(f"workers: Expected at least 1, got {workers}")
        self.call = call
        self.block = block
        self.workers = workers
        self.cache_size = cache_size
        self.unreachable: tuple[Location, ...] = ()
        self._cache: OrderedDict[tuple[tuple[Location, ...], str], Matrices] = OrderedDict()

    def matrices(self, points: Sequence[Location], profile: str) -> Matrices:
        key = (tuple(points), profile)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        result = self._compute(key[0], _costing(profile))
        self._cache[key] = result
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return result

    def _compute(self, points: tuple[Location, ...], costing: str) -> Matrices:
        n = len(points)
        durations = [[UNREACHABLE_S] * n for _ in range(n)]
        distances = [[UNREACHABLE_M] * n for _ in range(n)]
        on_road = self.located(points, costing)
        self.unreachable = tuple(p for i, p in enumerate(points) if i not in set(on_road))
        groups = [on_road[i : i + self.block] for i in range(0, len(on_road), self.block)]
        blocks = [(rows, cols) for rows in groups for cols in groups]

        def ask(block: tuple[list[int], list[int]]) -> Json:
            rows, cols = block
            body = {"sources": [_where(points[i]) for i in rows],
                    "targets": [_where(points[i]) for i in cols],
                    "costing": costing, "verbose": False, "units": "kilometers"}  # fmt: skip
            return _table(self.call("sources_to_targets", body), len(rows), len(cols))

        overflowed: list[tuple[int, int]] = []
        for (rows, cols), table in zip(blocks, self._each(ask, blocks), strict=True):
            for a, row_s, row_km in zip(rows, table["durations"], table["distances"], strict=True):
                for b, s, km in zip(cols, row_s, row_km, strict=True):
                    if s is not None and km is not None and s >= UNREACHABLE_S:
                        overflowed.append((a, b))
                    elif s is not None and km is not None:
                        durations[a][b], distances[a][b] = to_int(s), to_int(km * 1000)
        for a, b in overflowed[:MAX_ROUTED_PAIRS]:
            durations[a][b], distances[a][b] = self._leg(points[a], points[b], costing)
        for i in range(n):  # staying put costs nothing, even off the road
            durations[i][i] = distances[i][i] = 0
        return Matrices(
            durations=tuple(map(tuple, durations)), distances=tuple(map(tuple, distances))
        )

    def _each(
        self, ask: Callable[[tuple[list[int], list[int]]], Json],
        blocks: list[tuple[list[int], list[int]]],
    ) -> list[Json]:  # fmt: skip
        if self.workers == 1 or len(blocks) < 2:
            return [ask(block) for block in blocks]
        with ThreadPoolExecutor(min(self.workers, len(blocks))) as threads:
            return list(threads.map(ask, blocks))

    def located(self, points: Sequence[Location], costing: str) -> list[int]:
        """Indices of the points that snap to a road this costing may use."""
        if not points:
            return []
        body = {"locations": [_where(p) for p in points], "costing": costing, "verbose": False}
        answer: Any = self.call("locate", body)
        found = answer if isinstance(answer, list) else answer.get("locations", [])
        return [
            i for i, place in enumerate(found) if isinstance(place, dict) and place.get("edges")
        ]

    def route_shape(self, points: Sequence[Location], profile: str) -> list[Location]:
        """The road line through `points` in order, as (lon, lat); straight where no road."""
        if len(points) < 2:
            return list(points)
        costing = _costing(profile)
        try:
            return self._shape(points, costing)
        except ValhallaUnavailableError:
            raise
        except ValhallaError:  # some leg has no road: route leg by leg, straight where none
            line: list[Location] = [points[0]]
            for a, b in itertools.pairwise(points):
                try:
                    line += self._shape([a, b], costing)[1:]
                except ValhallaUnavailableError:
                    raise
                except ValhallaError:
                    line.append(b)
            return line

    def _leg(self, a: Location, b: Location, costing: str) -> tuple[int, int]:
        """One pair's time and distance by `route`: for the pairs Valhalla's matrix answers with
        an overflowed time (2**63 s and 0 km, seen on a one-way lane's two sides, while `route`
        finds 11 s); unreachable where `route` finds no way either."""
        body = {"locations": [_where(a), _where(b)], "costing": costing, "units": "kilometers"}
        try:
            summary = self.call("route", body).get("trip", {}).get("summary", {})
            return to_int(float(summary["time"])), to_int(float(summary["length"]) * 1000)
        except ValhallaUnavailableError:
            raise
        except (ValhallaError, KeyError, TypeError, ValueError):
            return UNREACHABLE_S, UNREACHABLE_M

    def _shape(self, points: Sequence[Location], costing: str) -> list[Location]:
        body = {"locations": [{**_where(p), "type": "break"} for p in points], "costing": costing}
        legs = self.call("route", body).get("trip", {}).get("legs", [])
        line: list[Location] = []
        for leg in legs:
            shape = decode_polyline6(str(leg.get("shape", "")))
            line += shape[1:] if line else shape
        return line


def _costing(profile: str) -> str:
    costing = COSTINGS.get(profile)
    if costing is None:
        raise ValueError(f"profile: Expected one of {sorted(COSTINGS)}")
    return costing


def _where(point: Location) -> Json:
    return {"lon": point[0], "lat": point[1]}


def _table(answer: Json, sources: int, targets: int) -> Json:
    table = answer.get("sources_to_targets")
    if not isinstance(table, dict):
        raise ValhallaError("Valhalla's matrix is not in the compact form (verbose: false)")
    for name in ("durations", "distances"):
        rows = table.get(name)
        if (
            not isinstance(rows, list)
            or len(rows) != sources
            or any(not isinstance(r, list) or len(r) != targets for r in rows)
        ):
            raise ValhallaError(f"Valhalla's {name} is not {sources} x {targets}")
    return table


def decode_polyline6(encoded: str) -> list[Location]:
    """Valhalla's shapes: Google's polyline algorithm at 6 decimal places, as (lon, lat)."""
    line: list[Location] = []
    at = lat = lon = 0
    while at < len(encoded):
        deltas = []
        for _ in range(2):
            value = shift = 0
            while True:
                byte = ord(encoded[at]) - 63
                at += 1
                value |= (byte & 0x1F) << shift
                shift += 5
                if byte < 0x20:
                    break
            deltas.append(~(value >> 1) if value & 1 else value >> 1)
        lat += deltas[0]
        lon += deltas[1]
        line.append((lon / 1e6, lat / 1e6))
    return line
