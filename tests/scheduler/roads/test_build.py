"""`patronage roads build`: refusing a wrong file or an extract short of the town, and a build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import app
from scheduler.db import make_engine
from scheduler.migrate import upgrade
from scheduler.roads.pbf import NotPbfError, read_box
from scheduler.roads.tiles import Build, RoadsError, check_roads_reach, current_build, roads_dir
from scheduler.settings import get_settings
from tests.scheduler import meal_town

INSIDE = (24.9440, 60.1700)  # central Helsinki, inside the extract's box


def _town(client_at: tuple[float, float] = INSIDE) -> int:
    url = get_settings().effective_database_url
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        town = meal_town.town(session, "Kallio", timezone="Europe/Helsinki", country="FI")
        town.locale = "en"  # the office CLI speaks the town's language: this one, English
        k = meal_town.kitchen(session, town, lon=INSIDE[0], lat=INSIDE[1])
        offset = (client_at[0] - meal_town.CENTRE[0], client_at[1] - meal_town.CENTRE[1])
        meal_town.van(session, town, k, "V1")
        meal_town.client(session, town, k, "c1", offset=offset)
        session.commit()
        assert town.id is not None
        found = town.id
    engine.dispose()
    return found


def _build(extract: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["roads", "build", str(extract), "--municipality", "Kallio"])
    return result.exit_code, result.output


def test_the_extracts_header_gives_its_box(extract: Path) -> None:
    box = read_box(extract)
    assert box is not None
    assert box.contains(*INSIDE) and not box.contains(25.5, 61.0)
    assert round(box.west, 3) == 24.935 and round(box.north, 3) == 60.179


def test_a_file_that_is_not_a_pbf_is_refused_by_name(tmp_path: Path) -> None:
    _town()
    text = tmp_path / "helsinki.osm.pbf"
    text.write_text("<osm version='0.6'></osm>", encoding="utf-8")
    with pytest.raises(NotPbfError, match=r"helsinki\.osm\.pbf: not an OpenStreetMap PBF"):
        read_box(text)
    code, output = _build(text)
    assert code == 1 and "not an OpenStreetMap PBF file" in output
    assert not roads_dir(get_settings().var_dir, 1).exists()


def test_an_extract_that_leaves_out_a_client_is_refused_naming_them(extract: Path) -> None:
    town_id = _town(client_at=(24.80, 60.20))  # Espoo side: outside the extract
    code, output = _build(extract)
    assert code == 1
    assert "client c1 (Client c1)" in output and "leaves out" in " ".join(output.split())
    assert current_build(get_settings().var_dir, town_id) is None


def test_a_build_is_recorded_with_a_new_id_and_used(extract: Path) -> None:
    town_id = _town()
    code, output = _build(extract)
    assert code == 0, output
    first = current_build(get_settings().var_dir, town_id)
    assert first is not None and first.build_id in output
    assert (Path(first.directory) / "tiles").is_dir()
    assert first.build_id.split("-")[1] == first.sha256[:12]
    home = roads_dir(get_settings().var_dir, town_id)
    for _ in range(2):  # rebuilds (a year later): a new id each, the one before kept
        code, output = _build(extract)
        assert code == 0, output
    again = current_build(get_settings().var_dir, town_id)
    assert again is not None and again.build_id != first.build_id
    pointer = json.loads((home / "current.json").read_text(encoding="utf-8"))
    assert pointer["build_id"] == again.build_id
    assert (
        len([d for d in home.iterdir() if d.is_dir()]) == 2 and not Path(first.directory).exists()
    )


def test_patronage_plan_uses_the_built_roads(extract: Path) -> None:
    town_id = _town(client_at=(24.9460, 60.1690))
    plan = ["plan", "2025-06-03", "--municipality", "Kallio", "--time-limit", "1"]
    result = CliRunner().invoke(app, plan)
    assert result.exit_code == 0, result.output
    assert "Travel times: straight lines" in result.output
    code, output = _build(extract)
    assert code == 0, output
    build = current_build(get_settings().var_dir, town_id)
    assert build is not None
    result = CliRunner().invoke(app, plan)
    assert result.exit_code == 0, result.output
    assert f"Travel times: road graph {build.build_id}" in result.output
    assert "1 stops on 1 routes" in result.output


def test_a_place_no_road_of_the_graph_reaches_is_named(extract: Path, helsinki: Build) -> None:
    inside = ("kitchen K1", *INSIDE)
    check_roads_reach(helsinki.config_path, [inside], extract)  # central Helsinki: roads
    with pytest.raises(RoadsError, match=r"no road near client 7 \(Lake\)"):
        check_roads_reach(helsinki.config_path, [inside, ("client 7 (Lake)", 25.5, 61.0)], extract)
