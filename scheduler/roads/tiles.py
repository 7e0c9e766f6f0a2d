"""A municipality's road graph: Valhalla tiles built from an OpenStreetMap extract, on disk.

Layout under the data directory (`PATRONAGE_VAR_DIR`):

    roads/<municipality id>/<build id>/tiles/        the graph tiles
    roads/<municipality id>/<build id>/valhalla.json  the configuration the Actor reads
    roads/<municipality id>/current.json              which build is in use, and from what

A build id is new for every build (time, the extract's hash and a random part), so anything
kept per build (cached matrix rows) knows a rebuild happened. The build before stays on disk
(a running process may still read it); older ones are removed. A build is written beside the
current one and `current.json` is replaced last: a failed build leaves the last good graph.

The package's console scripts find their binary through `PATH` (`shutil.which`) and fail when
the virtual environment's `bin` is not on it, so the binaries are run from the package itself.
"""

from __future__ import annotations

import copy
import hashlib
import json
import secrets
import shutil
import subprocess
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scheduler.roads.pbf import Box, read_box
from scheduler.roads.valhalla import ValhallaError, actor_call

# The steps of valhalla_build_tiles, in order, by the first line it logs for each. Progress is
# read from its log: running its stages one process each (`-s X -e X`) was tried and gave
# tiles on which no location snaps to a road (this build, 3.5.1), so it runs as one process.
STAGES = (("Parsing ways", "ways"), ("Parsing relations", "relations"),
          ("Parsing nodes", "nodes"), ("Creating graph edges", "edges"),
          ("tiles with", "tiles"), ("Enhancing local graph", "enhance"),
          ("HierarchyBuilder", "hierarchy"), ("Creating shortcuts", "shortcuts"),
          ("Adding complex turn restrictions", "restrictions"),
          ("Validating, finishing", "validate"), ("Cleaning up", "cleanup"))  # fmt: skip
COSTINGS = ("auto", "pedestrian", "bus")
MAX_MATRIX_PAIRS = 4_000_000  # a 2,000-point day in one request; the default is 2,500


class RoadsError(Exception):
    """A road graph could not be built or read."""


@dataclass(frozen=True)
class Build:
    """One built road graph of a municipality."""

    build_id: str
    source: str
    sha256: str
    built_at: str
    directory: str
    box: tuple[float, float, float, float] | None

    @property
    def config_path(self) -> Path:
        return Path(self.directory) / "valhalla.json"


def roads_dir(var_dir: Path, municipality_id: int) -> Path:
    return var_dir / "roads" / str(municipality_id)


def current_build(var_dir: Path, municipality_id: int) -> Build | None:
    """The build in use, or None when the municipality has no road graph."""
    pointer = roads_dir(var_dir, municipality_id) / "current.json"
    if not pointer.is_file():
        return None
    data = json.loads(pointer.read_text(encoding="utf-8"))
    box = data.get("box")
    build = Build(**{**data, "box": tuple(box) if box else None})
    return build if build.config_path.is_file() else None


def valhalla_bin(name: str) -> Path:
    import valhalla  # the native library loads only when roads are used

    return Path(valhalla.PYVALHALLA_DIR) / "bin" / name


def valhalla_config(build_dir: Path, *, port: int = 8002) -> dict[str, Any]:
    """The package's default configuration, pointed at `build_dir` and allowed large matrices."""
    from valhalla import get_config

    tiles = build_dir / "tiles"
    tiles.mkdir(parents=True, exist_ok=True)
    # get_config mutates nested dicts of the package's module-level default: copy deep.
    config: dict[str, Any] = copy.deepcopy(get_config(tile_extract="", tile_dir=tiles))
    mjolnir = config["mjolnir"]
    mjolnir["tile_extract"] = ""  # no tar: the tile_dir is read
    for key in ("admin", "timezone", "landmarks", "traffic_extract"):
        mjolnir[key] = str(build_dir / f"{key}.absent")
    mjolnir["transit_dir"] = str(build_dir / "transit")
    mjolnir["transit_feeds_dir"] = str(build_dir / "transit_feeds")
    mjolnir["logging"] = {"type": "", "color": False}  # quiet when routing; the build logs
    for costing in COSTINGS:
        config["service_limits"][costing]["max_matrix_location_pairs"] = MAX_MATRIX_PAIRS
    httpd = config["httpd"]["service"]
    httpd["listen"] = f"tcp://127.0.0.1:{port}"
    httpd["loopback"] = f"ipc://{build_dir / 'loopback'}"
    httpd["interrupt"] = f"ipc://{build_dir / 'interrupt'}"
    return config


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def build_tiles(
    extract: Path,
    var_dir: Path,
    municipality_id: int,
    *,
    must_cover: Sequence[tuple[str, float, float]] = (),
    step: Callable[[str], None] = lambda _stage: None,
    now: datetime | None = None,
) -> Build:
    """Build the graph of `extract` for the municipality and make it the one in use.

    `must_cover` is (name, lon, lat) of the clients and kitchens: an extract whose box leaves
    any of them out is refused before building, naming them. `step` is called after each stage.
    """
    box = read_box(extract)  # NotPbfError first: a wrong file is refused at once
    if box is not None:
        _check_covers(box, must_cover, extract)
    sha = file_sha256(extract)
    when = now or datetime.now(UTC)
    build_id = f"{when:%Y%m%dT%H%M%SZ}-{sha[:12]}-{secrets.token_hex(3)}"  # new every build
    home = roads_dir(var_dir, municipality_id)
    build_dir = home / build_id
    if build_dir.exists():
        shutil.rmtree(build_dir)
    config = valhalla_config(build_dir)
    config_path = build_dir / "valhalla.json"
    config_path.write_text(json.dumps(config, indent=1), encoding="utf-8")
    logged = copy.deepcopy(config)  # the build's progress is read from its log
    logged["mjolnir"]["logging"] = {"type": "std_out", "color": False}
    build_config = build_dir / "build.json"
    build_config.write_text(json.dumps(logged, indent=1), encoding="utf-8")
    try:
        _run_build(build_config, extract, step)
        check_roads_reach(config_path, must_cover, extract)
    except RoadsError:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    build = Build(build_id, str(extract.resolve()), sha, when.isoformat(), str(build_dir),
                  None if box is None else (box.west, box.south, box.east, box.north))  # fmt: skip
    pointer = home / "current.json"
    staged = home / "current.json.new"
    staged.write_text(json.dumps(asdict(build), indent=1), encoding="utf-8")
    before = current_build(var_dir, municipality_id)
    staged.replace(pointer)
    _drop_old_builds(home, keep={build_id, before.build_id if before else build_id})
    return build


def _drop_old_builds(home: Path, keep: set[str]) -> None:
    """Builds older than the last two: the one before stays for a process still reading it."""
    for entry in home.iterdir():
        if entry.is_dir() and entry.name not in keep:
            shutil.rmtree(entry, ignore_errors=True)


def _check_covers(box: Box, places: Sequence[tuple[str, float, float]], extract: Path) -> None:
    outside = [name for name, lon, lat in places if not box.contains(lon, lat)]
    if outside:
        more = f" and {len(outside) - 10} more" if len(outside) > 10 else ""
        raise RoadsError(
            f"{extract.name} covers lon {box.west:.4f}..{box.east:.4f}, "
            f"lat {box.south:.4f}..{box.north:.4f}, which leaves out "
            f"{', '.join(outside[:10])}{more}; download an extract that covers the municipality"
        )


def check_roads_reach(
    config_path: Path, places: Sequence[tuple[str, float, float]], extract: Path
) -> None:
    """Refuse a graph with no road near a place (an extract whose header has no box, or a
    box that holds the place but not its roads)."""
    if not places:
        return
    locate = {"locations": [{"lon": lon, "lat": lat} for _, lon, lat in places],
              "costing": "auto", "verbose": False}  # fmt: skip
    try:
        found = actor_call(config_path)("locate", locate)
    except (ValhallaError, OSError, RuntimeError) as exc:  # an empty graph cannot be asked
        raise RoadsError(f"{extract.name} has no roads Valhalla can use: {exc}") from None
    cut_off = [name for (name, _, _), place in zip(places, found, strict=True)
               if not (isinstance(place, dict) and place.get("edges"))]  # fmt: skip
    if cut_off:
        more = f" and {len(cut_off) - 10} more" if len(cut_off) > 10 else ""
        raise RoadsError(
            f"{extract.name} has no road near {', '.join(cut_off[:10])}{more}; "
            "download an extract that covers the municipality"
        )


def _run_build(config_path: Path, extract: Path, step: Callable[[str], None]) -> None:
    """Run valhalla_build_tiles, calling `step` once per step of STAGES as its log reaches it."""
    command = [str(valhalla_bin("valhalla_build_tiles")), "-c", str(config_path), str(extract)]
    reached, tail = 0, deque[str](maxlen=5)
    with subprocess.Popen(  # in the build's directory: it writes a report of duplicate ways
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        cwd=config_path.parent,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            tail.append(line.strip())
            for index, (marker, _name) in enumerate(STAGES[reached:], start=reached):
                if marker in line:
                    for _, passed in STAGES[reached : index + 1]:
                        step(passed)
                    reached = index + 1
                    break
    if process.returncode != 0:
        raise RoadsError(f"building road tiles failed: {' '.join(tail)}")
    for _, name in STAGES[reached:]:
        step(name)
