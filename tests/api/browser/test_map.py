"""The board's map: lines follow the route shapes, stops sit above the lines, 20 routes get 20
colours, and tiles (with the OpenStreetMap attribution) only when PATRONAGE_MAP_TILES_URL is set.

Two servers share one seeded town: one without tiles, one with tiles from a local tile server
(a real HTTP server in this process answering every tile with a small PNG). The lines are read
from Leaflet itself (`window.patronageMap`). Two checks feed the page an altered answer of the
real API (bent shapes; one route copied to 20): the drawing is what they test.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from tests.api.browser.conftest import ARTIFACTS, Server, _seed, running_server, sign_in
from tests.services import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
LINES = """() => {
  const out = [];
  window.patronageMap.eachLayer((l) => {
    if (l instanceof L.Polyline && !(l instanceof L.Polygon)) {
      out.push({ color: l.options.color,
                 points: l.getLatLngs().map((p) => [p.lng, p.lat]) });
    }
  });
  return out;
}"""


class Tiles(BaseHTTPRequestHandler):
    asked: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Tiles.asked.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    tiles = ThreadingHTTPServer(("127.0.0.1", free_port()), Tiles)
    threading.Thread(target=tiles.serve_forever, daemon=True).start()
    folder = tmp_path_factory.mktemp("map")
    url = f"sqlite:///{(folder / 'patronage.db').as_posix()}"
    day = _seed(url, folder / "files")
    template = f"http://127.0.0.1:{tiles.server_port}/{{z}}/{{x}}/{{y}}.png"
    try:
        with (
            running_server(folder, url, day) as plain,
            running_server(
                folder, url, day, settings={"PATRONAGE_MAP_TILES_URL": template}, name="tiled"
            ) as tiled,
        ):
            yield plain, tiled
    finally:
        tiles.shutdown()


def _planned_board(browser: Any, server: Server) -> Any:
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(page, server)
    page.goto(f"{server.url}/board?day={server.day.isoformat()}&service=meals")
    page.wait_for_selector("#state:not([data-state=''])")
    if page.get_attribute("#state", "data-state") == "none":
        page.click("#plan")
    page.wait_for_selector("#state[data-state=planned]", timeout=90_000)
    page.wait_for_selector("path.route-line")
    return page


def _shapes(page: Any, server: Server) -> Any:
    url = f"/v1/days/{server.day.isoformat()}/meals/shapes"
    return page.evaluate(f"fetch('{url}', {{credentials: 'same-origin'}}).then(r => r.json())")


def test_lines_follow_the_shapes_and_stops_sit_above_them(
    servers: tuple[Server, Server], browser: Any
) -> None:
    server = servers[0]
    page = _planned_board(browser, server)
    shapes = _shapes(page, server)
    drawn = sorted(line["points"] for line in page.evaluate(LINES))
    assert drawn == sorted(r["shape"] for r in shapes["routes"]) and drawn
    assert all(s[0] == s[-1] for s in drawn)  # from the kitchen and back to it

    # Stops are drawn in a pane above the lines: the point at a stop's centre is the stop.
    on_top = page.evaluate("""() => [...document.querySelectorAll('path.stop-mark')].map((m) => {
        const box = m.getBoundingClientRect();
        const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
        return hit === m || m.contains(hit);
    })""")
    assert on_top and all(on_top)

    # A road provider's shapes bend between the stops: the lines bend with them.
    def bent(route: Any) -> None:
        answer = route.fetch().json()
        for r in answer["routes"]:
            shape = r["shape"]
            r["shape"] = [shape[0]] + [
                q for a, b in itertools.pairwise(shape)
                for q in ([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2 + 0.002], b)
            ]  # fmt: skip
        route.fulfill(json=answer)

    page.route(re.compile(r".*/meals/shapes$"), bent)
    page.reload()
    page.wait_for_selector("path.route-line")
    lines = [line["points"] for line in page.evaluate(LINES)]
    expected = [
        r["shape"] for r in page.evaluate(
            f"fetch('/v1/days/{server.day.isoformat()}/meals/shapes').then(r => r.json())"
        )["routes"]
    ]  # fmt: skip
    assert sorted(map(json.dumps, lines)) == sorted(map(json.dumps, expected))
    assert all(len(line) == 2 * len(shape) - 1 for line, shape in zip(
        sorted(lines, key=len), sorted((r["shape"] for r in shapes["routes"]), key=len),
        strict=True))  # fmt: skip
    assert page.locator(".leaflet-control-attribution").count() == 0
    assert page.locator(".leaflet-tile").count() == 0
    page.screenshot(path=str(ARTIFACTS / "map-shapes.png"))


def test_tiles_come_with_the_openstreetmap_attribution(
    servers: tuple[Server, Server], browser: Any
) -> None:
    page = _planned_board(browser, servers[1])
    attribution = page.locator(".leaflet-control-attribution")
    attribution.wait_for()
    assert "OpenStreetMap" in attribution.inner_text()
    assert attribution.locator("a[href='https://www.openstreetmap.org/copyright']").count() == 1
    page.wait_for_selector(".leaflet-tile-loaded")
    assert Tiles.asked and all(p.endswith(".png") for p in Tiles.asked)
    page.screenshot(path=str(ARTIFACTS / "map-tiles.png"))


def test_twenty_routes_get_twenty_colours(servers: tuple[Server, Server], browser: Any) -> None:
    server = servers[0]
    page = _planned_board(browser, server)

    def twenty(route: Any) -> None:
        answer = route.fetch().json()
        first = answer["routes"][0]
        answer["routes"] = [
            {**first, "route_id": 1000 + i, "resource": f"V{i:02d}"} for i in range(20)
        ]
        route.fulfill(json=answer)

    page.route(re.compile(r".*/v1/days/[0-9-]+/meals$"), twenty)
    page.reload()
    page.wait_for_selector("path.route-line >> nth=19")
    colours = [line["color"] for line in page.evaluate(LINES)]
    assert len(colours) == 20 and len(set(colours)) == 20
    swatches = page.eval_on_selector_all(
        ".route .swatch", "els => els.map((e) => getComputedStyle(e).backgroundColor)"
    )
    assert len(set(swatches)) == 20
