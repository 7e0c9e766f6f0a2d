"""`patronage fleet DATE --municipality NAME`: the fewest vans, the bound and the what-ifs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import app
from scheduler.db import make_engine
from scheduler.intake.cutoff import freeze_day
from scheduler.migrate import upgrade
from scheduler.settings import get_settings
from tests.scheduler import meal_town

DAY = "2025-06-03"


def _town(freeze: bool) -> None:
    """One van of 2 portions on one trip, five one-portion clients: 3 vans by the boxes."""
    url = get_settings().effective_database_url
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        town = meal_town.town(session, "Kazanlak")
        k = meal_town.kitchen(session, town)
        meal_town.van(session, town, k, "V1", capacity_portions=2, max_trips=1)
        for i in range(5):
            meal_town.client(session, town, k, f"c{i}", offset=(0.002 * i, 0.001))
        if freeze:
            assert town.id is not None
            freeze_day(town.id, date.fromisoformat(DAY), "meals", session=session)
        session.commit()
    engine.dispose()


def test_fleet_prints_and_writes_the_fewest_vans_the_bound_and_the_what_ifs(
    tmp_path: Path,
) -> None:
    _town(freeze=True)
    out_file = tmp_path / "fleet.json"
    args = ["fleet", DAY, "--municipality", "Kazanlak", "--budget", "1", "--json", str(out_file)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())  # Kazanlak's office reads Bulgarian
    assert "най-малко намерени бусове 3 (работещи в този ден 1), долна граница 3" in said
    assert "Един бус по-малко, един курс повече на бус" in said  # noqa: RUF001
    data = json.loads(out_file.read_text())
    assert (data["fewest"], data["bound"], data["meals"]) == (3, 3, 5)
    (kitchen,) = data["kitchens"]
    assert kitchen["binds"] == "capacity" and kitchen["trips"] == 3
    options = {w["key"]: w for w in data["what_ifs"]}
    assert options["van_less"]["left_out"] == 1  # 2 vans carry 4 of the 5 portions


def test_fleet_of_a_day_not_frozen_is_refused() -> None:
    _town(freeze=False)
    result = CliRunner().invoke(app, ["fleet", DAY, "--municipality", "Kazanlak"])
    assert result.exit_code == 1
    assert "още не е замразен" in result.output  # noqa: RUF001 (the office speaks Bulgarian)
