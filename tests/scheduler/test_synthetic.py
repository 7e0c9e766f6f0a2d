"""The synthetic Kazanlak: reproducible, the proportions the field notes describe, importable."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest

from scheduler.intake.calendar import parse_hhmm, parse_weekdays
from scheduler.intake.importing.rows import COLUMNS, SCHEMAS
from scheduler.lab.synthetic import (
    CITY_BENCHMARK,
    KINDS,
    MEALS_BENCHMARK,
    TownSize,
    generate_town,
    write_import_files,
)

KAZANLAK = (25.393, 42.619)


def _km(lon: float, lat: float) -> float:
    dx = (lon - KAZANLAK[0]) * 111.32 * math.cos(math.radians(lat))
    return math.hypot(dx, (lat - KAZANLAK[1]) * 110.57)


def test_same_seed_same_town_other_seed_other_town(tmp_path: Path) -> None:
    one, two = generate_town(seed=3), generate_town(seed=3)
    assert one == two
    assert generate_town(seed=4).rows != one.rows
    a = write_import_files(one, tmp_path / "a")
    b = write_import_files(two, tmp_path / "b")
    assert all(a[k].read_bytes() == b[k].read_bytes() for k in KINDS)


def test_sizes_are_honoured() -> None:
    town = generate_town(seed=1, size=MEALS_BENCHMARK)
    meal = [c for c in town.rows["clients"] if c["weekdays"]]
    assert len(meal) == 600
    assert len(town.rows["vehicles"]) == 16 and len(town.rows["kitchens"]) == 2
    assert len(town.rows["caregivers"]) == 10 and len(town.rows["visits"]) == 30
    assert {v["kitchen"] for v in town.rows["vehicles"]} == {"K1", "K2"}
    assert len(town.drivers) == 16
    with pytest.raises(ValueError, match="kitchens"):
        TownSize(kitchens=3)


def test_vans_are_shared_by_the_van_time_of_each_kitchens_clients() -> None:
    """Shipka's clients live in villages 5 to 15 km out: per client they take a van longer than
    the town kitchen's, so they get more vans than their head count would give them."""
    town = generate_town(seed=7, size=MEALS_BENCHMARK)
    clients = Counter(c["kitchen"] for c in town.rows["clients"] if c["weekdays"])
    vans = Counter(v["kitchen"] for v in town.rows["vehicles"])
    assert clients["K2"] / clients["K1"] < 0.25  # about one client in six is Shipka's
    assert vans["K2"] / vans["K1"] > clients["K2"] / clients["K1"]
    with pytest.raises(ValueError, match="kitchens"):
        TownSize(kitchens=3)


def test_every_row_passes_its_import_schema() -> None:
    town = generate_town(seed=5, size=TownSize(clients=200, caregivers=30, visits=150))
    for kind in KINDS:
        for row in town.rows[kind]:
            assert tuple(row) == COLUMNS[kind]
            SCHEMAS[kind].model_validate(row)


def test_meal_clients_look_like_the_field() -> None:
    town = generate_town(seed=9, size=TownSize(clients=1000, visits=0, caregivers=0))
    meal = [c for c in town.rows["clients"] if c["weekdays"]]
    diets = Counter(c["diet"] for c in meal)
    assert set(diets) == {"general", "diabetic", "low_salt", "vegetarian", "soft", "pureed"}
    ranked = [d for d, _ in diets.most_common()]
    assert ranked == ["general", "diabetic", "low_salt", "soft", "vegetarian", "pureed"]
    assert diets["general"] == 550  # exact shares, not draws
    assert 0.03 < sum(c["portions"] == "2" for c in meal) / len(meal) < 0.15
    assert 0.25 < len(town.lives_alone) / len(meal) < 0.45
    for c in meal:
        assert parse_hhmm("11:00") <= parse_hhmm(c["window_start"]) < parse_hhmm(c["window_end"])
        assert parse_hhmm(c["window_end"]) <= parse_hhmm("14:00")
        assert parse_weekdays(c["weekdays"]) <= {0, 1, 2, 3, 4}
        assert _km(float(c["lon"]), float(c["lat"])) < 25  # Kazanlak and its villages
    villages = {c["address"].rsplit(", ", 1)[1] for c in meal}
    assert {"Казанлък", "Шипка", "Енина", "Крън", "Бузовград"} <= villages
    assert town.canteen_clients and set(town.canteen_clients) <= {c["external_id"] for c in meal}


@pytest.mark.parametrize("clients", [1, 7, 40])
def test_small_towns_keep_the_diet_order(clients: int) -> None:
    diets = Counter(
        c["diet"]
        for c in generate_town(seed=1, size=TownSize(clients=clients)).rows["clients"][:clients]
    )
    assert sum(diets.values()) == clients
    assert diets.most_common(1)[0][0] == "general"
    assert diets["general"] >= diets["diabetic"] >= diets["low_salt"] >= diets["soft"]


def test_visits_look_like_the_field() -> None:
    town = generate_town(seed=2, size=TownSize(clients=100, caregivers=40, visits=300))
    visits = town.rows["visits"]
    two = sum(v["caregivers_needed"] == "2" for v in visits) / len(visits)
    assert 0.10 <= two <= 0.20
    linked = [v for v in visits if v["after_visit"]]
    assert len(linked) >= 5
    ids = {v["external_id"] for v in visits}
    assert all(
        v["after_visit"] in ids and int(v["min_gap_min"]) <= int(v["max_gap_min"]) for v in linked
    )
    assert all(15 <= int(v["duration_min"]) <= 120 for v in visits)
    assert any(v["preferred_caregivers"] for v in visits)
    skills = {g["external_id"]: set(g["skills"].split(";")) for g in town.rows["caregivers"]}
    for v in visits:  # each visit can be done by enough caregivers, the preferred one included
        able = [g for g, s in skills.items() if v["skills"] in s]
        assert len(able) >= int(v["caregivers_needed"])
        assert not v["preferred_caregivers"] or v["preferred_caregivers"] in able
    assert {g["mode"] for g in town.rows["caregivers"]} == {"car", "foot", "bus"}


def test_the_city_day_has_five_kitchens_in_sofia_and_vans_for_each() -> None:
    town = generate_town(seed=7, size=CITY_BENCHMARK)
    meal = [c for c in town.rows["clients"] if c["weekdays"]]
    assert len(meal) == 2200 and len(town.rows["vehicles"]) == 40
    vans = Counter(v["kitchen"] for v in town.rows["vehicles"])
    assert set(vans) == {"K1", "K2", "K3", "K4", "K5"} and min(vans.values()) >= 3
    sofia = (23.32, 42.70)
    assert all(abs(float(c["lon"]) - sofia[0]) < 0.2 and abs(float(c["lat"]) - sofia[1]) < 0.2
               for c in meal)  # fmt: skip
    assert all("10:00" <= c["window_start"] < c["window_end"] <= "15:00" for c in meal)
    assert {v["shift_start"] for v in town.rows["vehicles"]} == {"09:30"}
    with pytest.raises(ValueError, match="area"):
        TownSize(area="plovdiv")
    with pytest.raises(ValueError, match="kitchens"):
        TownSize(kitchens=6, area="sofia")
