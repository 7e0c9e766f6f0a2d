"""`patronage plan --service care` and `patronage care ...` as a dispatcher scripts them."""

from __future__ import annotations

import csv
import json
from datetime import time
from pathlib import Path

from icalendar import Calendar
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import app
from scheduler.db import make_engine
from scheduler.migrate import upgrade
from scheduler.settings import get_settings
from tests.scheduler import care_town

DAY = "2025-06-03"
TOWN = ("--municipality", "Kazanlak")


def _town() -> None:
    """Two caregivers and three half-hour visits in the morning."""
    url = get_settings().effective_database_url
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        town = care_town.town(session, "Kazanlak")
        care_town.caregiver(session, town, "G1")
        care_town.caregiver(session, town, "G2")
        for i, hour in enumerate((8, 9, 10)):
            who = care_town.client(session, town, f"c{i}", (0.002 * i, 0.001))
            care_town.plan(session, town, f"V{i}", who, (time(hour), time(hour, 30)))
        session.commit()
    engine.dispose()


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_plan_day_checkins_sick_report_and_hours(tmp_path: Path) -> None:
    _town()
    # The bar's thread makes the solver start its searches through a forkserver: give it time.
    _run("plan", DAY, "--service", "care", *TOWN, "--json", str(tmp_path / "plan.json"),
         "--time-limit", "3")  # fmt: skip
    plan = json.loads((tmp_path / "plan.json").read_text())
    jobs = {s["id"]: r["vehicle"] for r in plan["routes"] for s in r["steps"] if s["type"] == "job"}
    assert sorted(jobs) == ["V0", "V1", "V2"] and set(jobs.values()) <= {"G1", "G2"}
    carer = jobs["V0"]
    out = _run("care", "day", carer, DAY, *TOWN, "--ics", str(tmp_path / "day.ics"))
    assert "V0" in out
    events = Calendar.from_ical((tmp_path / "day.ics").read_bytes()).walk("VEVENT")
    assert {str(e["UID"]).split(".")[1] for e in events} >= {"V0"}
    for kind, at in (("in", "08:05"), ("out", "08:40")):
        _run("care", "check", "V0", carer, kind, "--date", DAY, *TOWN, "--at", at)
    out = _run("care", "sick", carer, "--date", DAY, *TOWN, "--from", "09:00", "--at", "09:00",
               "--time-limit", "3")  # fmt: skip
    assert "остава V0 (Client c0) остава при Carer G1." in out.replace("\n", " ")  # Kazanlak's
    out = _run("care", "attendance", DAY, *TOWN, "--at", "12:00")
    assert "V0" in out
    _run("care", "hours", "2025-06", *TOWN, "--caregivers-csv", str(tmp_path / "g.csv"))
    (row,) = csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8"))
    figures = (row["Номер на домашния помощник"], row["Минути"], row["Часове"])  # bg columns
    assert figures == (carer, "35", "0.58")


def test_a_week_planned_from_the_shell_and_the_fairness_weight(tmp_path: Path) -> None:
    _town()
    out = _run("care", "week", DAY, *TOWN, "--time-limit", "2")
    # The office speaks Kazanlak's Bulgarian; DAY is a Tuesday: its week's Monday is 2 June.
    table = out[out.index("Седмица на грижите 2.06.2025") :]
    assert "G1" in table and "G2" in table
    assert "Повтарящи се посещения от един и същ асистент през седмицата: 100 %" in out  # noqa: RUF001
    assert _run("care", "week", DAY, *TOWN, "--show") == table  # what was planned, unchanged
    assert "Тегло на справедливостта: 0" in _run("care", "fairness", *TOWN)
    assert "Тегло на справедливостта: 4" in _run("care", "fairness", *TOWN, "--weight", "4")
    refused = CliRunner().invoke(app, ["care", "fairness", *TOWN, "--weight", "101"])
    assert refused.exit_code == 1 and "care_balance_weight" in refused.output
    shown = _run("care", "fairness", *TOWN, "--date", "2025-06-04")
    assert "Най-дълъг ден: Carer G" in shown and "най-кратък ден: Carer G" in shown
