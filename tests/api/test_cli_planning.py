"""`patronage plan`, `kitchen` and `statement` as other systems script them: names and shapes."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import app
from scheduler.db import make_engine
from scheduler.migrate import upgrade
from scheduler.models import Diet
from scheduler.settings import get_settings, reset_settings
from tests.api.test_cli_i18n import assert_office_words
from tests.scheduler import meal_town

DAY = "2025-06-03"


def _town() -> None:
    url = get_settings().effective_database_url
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        town = meal_town.town(session, "Kazanlak")
        k = meal_town.kitchen(session, town)
        meal_town.van(session, town, k, "V1")
        for i in range(4):
            meal_town.client(
                session,
                town,
                k,
                f"c{i}",
                offset=(0.002 * i, 0.001),
                diet=(Diet.general, Diet.diabetic)[i % 2],
            )
        meal_town.client(session, town, k, "p0", point=meal_town.point(session, town, k))
        meal_town.price(session, town, Diet.general, 300)
        meal_town.price(session, town, Diet.diabetic, 320)
        session.commit()
    engine.dispose()


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_plan_kitchen_and_statement_keep_their_shapes(tmp_path: Path) -> None:
    _town()
    out = _run(
        "plan",
        DAY,
        "--service",
        "meals",
        "--municipality",
        "Kazanlak",
        "--json",
        str(tmp_path / "plan.json"),
        "--time-limit",
        "3",  # the bar's thread makes the solver start its searches through a forkserver
    )
    assert "План v1" in out  # Kazanlak's office reads Bulgarian
    plan = json.loads((tmp_path / "plan.json").read_text())
    assert set(plan) >= {"summary", "routes", "unassigned"}
    (route,) = plan["routes"]
    assert route["vehicle"] == "V1"
    jobs = [s for s in route["steps"] if s["type"] == "job"]
    assert sorted(s["id"] for s in jobs) == ["c0", "c1", "c2", "c3"]
    assert all(
        s["eta"] == f"{s['arrival'] // 3600:02d}:{s['arrival'] % 3600 // 60:02d}"
        for s in route["steps"]
    )
    _run(
        "kitchen",
        DAY,
        "--municipality",
        "Kazanlak",
        "--json",
        str(tmp_path / "k.json"),
        "--csv",
        str(tmp_path / "k.csv"),
        "--html",
        str(tmp_path / "k.html"),
    )
    batches = json.loads((tmp_path / "k.json").read_text())
    assert batches["date"] == DAY
    (kitchen,) = batches["kitchens"]
    assert kitchen["kitchen"] == "K1" and kitchen["portions"] == {"diabetic": 2, "general": 3}
    (wave,) = kitchen["waves"]
    assert len(wave["departure"]) == 5 and wave["portions"] == {"diabetic": 2, "general": 2}
    assert [v["vehicle"] for v in wave["vans"]] == ["V1"]
    assert batches["points"][0]["portions"] == {"general": 1}
    assert (tmp_path / "k.csv").read_text().startswith("Вид,Кухня,")  # the office's words
    assert "@page" in (tmp_path / "k.html").read_text()
    out = _run(
        "statement", "2025-06", "--municipality", "Kazanlak", "--csv", str(tmp_path / "s.csv")
    )
    rows = list(csv.DictReader((tmp_path / "s.csv").open()))
    assert {r["Номер на потребителя"] for r in rows} == {"c0", "c1", "c2", "c3", "p0"}
    assert all(r["Такса"] == "0.00" for r in rows)  # nothing confirmed yet: nothing charged
    _printed_outputs(tmp_path)


def _printed_outputs(tmp_path: Path) -> None:
    """The day's sheets and the month's report and statements as files, PDFs among them."""
    _run("kitchen", DAY, "--municipality", "Kazanlak", "--pdf", str(tmp_path / "k.pdf"))
    assert (tmp_path / "k.pdf").read_bytes().startswith(b"%PDF-")
    out = _run("sheets", DAY, "--municipality", "Kazanlak", "--folder", str(tmp_path / "day"),
               "--label-size", "99.1x38.1", "--lang", "sl")  # fmt: skip
    names = sorted(p.name for p in (tmp_path / "day").iterdir())
    assert f"labels-{DAY}-99.1x38.1.pdf" in names and f"routes-{DAY}.pdf" in names
    assert f"kitchen-{DAY}.pdf" in names and f"care-{DAY}.pdf" in names
    assert "zapisano v" in out  # --lang sl
    assert "Potni list" in (tmp_path / "day" / f"routes-{DAY}.html").read_text()
    _run("month-report", "2025-06", "--municipality", "Kazanlak", "--folder", str(tmp_path))
    table = list(csv.DictReader((tmp_path / "report-2025-06.csv").open()))
    orders = {r["measure"]: r["value"] for r in table if r["table"] == "total"
              and r["service"] == "meals"}  # fmt: skip
    assert orders["not_confirmed"] == "5" and orders["delivered"] == "0"
    # The town's pick-up point gives a canteen section, with nothing collected yet.
    assert {r["service"] for r in table if r["table"] == "total"} == {"meals", "canteen"}
    canteen = {r["measure"]: r["value"] for r in table if r["service"] == "canteen"
               and r["table"] == "total"}  # fmt: skip
    assert canteen == {"collections": "0", "portions": "0", "fee": "0.00"}
    assert (tmp_path / "report-2025-06.pdf").read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "statements-2025-06.pdf").exists()


def test_plan_refuses_an_unknown_town_and_a_bad_date() -> None:
    _town()
    result = CliRunner().invoke(app, ["plan", DAY, "--municipality", "Nowhere"])
    assert result.exit_code != 0 and "Nowhere" in result.output
    result = CliRunner().invoke(app, ["plan", "3.6.2025", "--municipality", "Kazanlak"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output
    result = CliRunner().invoke(app, ["kitchen", str(date(2025, 6, 4)), "-h"])
    assert result.exit_code != 0 or "Usage" in result.output


def test_plan_refuses_an_implausible_year_and_a_day_outside_the_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _town()
    result = CliRunner().invoke(app, ["plan", "8005-06-03", "--municipality", "Kazanlak"])
    assert result.exit_code == 2 and "от 2000-01-01 до 2099-12-31" in result.output
    monkeypatch.setenv("PATRONAGE_PLAN_DAYS_AHEAD", "30")
    reset_settings()
    with time_machine.travel(datetime(2025, 5, 1, 9, tzinfo=UTC), tick=False):
        result = CliRunner().invoke(app, ["plan", DAY, "--municipality", "Kazanlak"])
    assert result.exit_code == 1, result.output
    assert "DATE" in result.output and "31.05.2025" in result.output  # Kazanlak's Bulgarian
    assert_office_words(result.output, "bg", data={"DATE"})
