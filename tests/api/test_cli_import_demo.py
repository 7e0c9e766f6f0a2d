"""`patronage import` and `patronage demo` as a person runs them, against real databases."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.cli import app
from scheduler.db import make_engine
from scheduler.intake.importing import COLUMNS
from scheduler.lab.synthetic import TownSize, generate_town, write_csv, write_import_files
from scheduler.models import Client, Driver, Kitchen, MealSubscription, Municipality, VisitPlan
from scheduler.settings import get_settings, reset_settings

SMALL = ["--clients", "30", "--vans", "2", "--caregivers", "5", "--visits", "10"]


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def _count(url: str, model: type) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            return len(s.exec(select(model)).all())
    finally:
        engine.dispose()


def test_demo_builds_the_town_and_runs_twice(tmp_path: Path) -> None:
    code, out = _run("demo", *SMALL)
    assert code == 0, out
    assert "Kazanlak" in out and "Meal clients by diet" in out and "general" in out
    url = get_settings().effective_database_url
    assert url.startswith("sqlite") and str(tmp_path) in url
    folder = get_settings().var_dir / "demo"
    assert sorted(p.name for p in folder.iterdir()) == [
        "caregivers.csv", "clients.csv", "kitchens.csv", "vehicles.csv", "visits.csv",
    ]  # fmt: skip
    counts = {m.__name__: _count(url, m) for m in (Client, MealSubscription, VisitPlan, Driver)}
    assert counts["MealSubscription"] == 30 and counts["VisitPlan"] == 10 and counts["Driver"] == 2
    assert counts["Client"] > 30  # plus care-only clients
    _check_printed_outputs(get_settings().var_dir / "reports", out)
    code, again = _run("demo", *SMALL)
    assert code == 0, again
    assert again.count("0 new, 0 changed") == 5
    assert ": 0 working days of deliveries and visits generated" in " ".join(again.split())
    assert {
        m.__name__: _count(url, m) for m in (Client, MealSubscription, VisitPlan, Driver)
    } == counts


def _check_printed_outputs(folder: Path, out: str) -> None:
    """The month's report (of the generated month) and a PDF of every sheet, where the demo
    said; each PDF's text read back when pdftotext is there."""
    [report] = folder.glob("report-*.csv")
    month = report.stem.removeprefix("report-")
    assert f"report-{month}.pdf" in out.replace("\n", "")
    figures = {
        (r["service"], r["table"], r["measure"]): r["value"]
        for r in csv.DictReader(report.open(encoding="utf-8"))
        if r["table"] in ("total", "clients")
    }
    assert int(figures[("meals", "total", "delivered")]) > 0
    assert float(figures[("meals", "total", "fee")]) > 0  # prices are set
    assert int(figures[("care", "clients", "served")]) > 0
    stems = ("report", "statements", "kitchen", "labels", "routes", "care")
    pdfs = {p.name.split("-")[0]: p for p in folder.glob("*.pdf")}
    assert sorted(pdfs) == sorted(stems)
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdfs["report"]), "-"], capture_output=True, check=True
        ).stdout.decode("utf-8")
        assert f"Месечен отчет {month}" in text  # the demo town speaks Bulgarian


@pytest.mark.integration
def test_demo_uses_the_configured_database(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATRONAGE_DATABASE_URL", postgres_url)
    reset_settings()
    code, out = _run("demo", *SMALL, "--municipality", "Shipka", "--kitchens", "2")
    assert code == 0, out
    assert _count(postgres_url, Kitchen) == 2
    assert _count(postgres_url, MealSubscription) == 30
    assert not (get_settings().var_dir / "patronage.db").exists()


def test_demo_refuses_impossible_sizes() -> None:
    code, out = _run("demo", "--vans", "1", "--kitchens", "2")
    assert code != 0 and "van per kitchen" in out


def _files(tmp_path: Path, fmt: str = "csv") -> dict[str, Path]:
    town = generate_town(seed=3, size=TownSize(clients=8, vans=2, caregivers=3, visits=4))
    return write_import_files(town, tmp_path / fmt, fmt=fmt)


def test_import_needs_a_migrated_database(tmp_path: Path) -> None:
    code, out = _run("import", "kitchens", str(_files(tmp_path)["kitchens"]), "-m", "Kazanlak")
    assert code == 2 and "patronage db upgrade" in out


def test_import_files_then_again(tmp_path: Path) -> None:
    files = _files(tmp_path, "xlsx")
    assert _run("db", "upgrade")[0] == 0
    code, out = _run(
        "import", "kitchens", str(files["kitchens"]), "--municipality", "Maribor",
        "--timezone", "Europe/Ljubljana", "--locale", "sl",
    )  # fmt: skip
    assert code == 0, out
    assert "Ustvarjena je občina Maribor" in out and "novih 1" in out  # the town's language
    for kind in ("vehicles", "clients", "caregivers", "visits"):
        code, out = _run("import", kind, str(files[kind]), "-m", "Maribor")
        assert code == 0, out
    code, out = _run("import", "visits", str(files["visits"]), "-m", "Maribor", "--locale", "bg")
    assert code == 0 and "nespremenjenih 4" in out and "bg ni upoštevano" in out
    url = get_settings().effective_database_url
    with Session(make_engine(url)) as s:
        town = s.exec(select(Municipality)).one()
        assert (town.name, town.timezone, town.locale, town.country) == (
            "Maribor", "Europe/Ljubljana", "sl", "SI",
        )  # fmt: skip


def test_import_refuses_a_bad_file_and_lists_rows(tmp_path: Path) -> None:
    town = generate_town(seed=3, size=TownSize(clients=8, vans=2, caregivers=3, visits=4))
    files = write_import_files(town, tmp_path)
    assert _run("db", "upgrade")[0] == 0
    assert _run("import", "kitchens", str(files["kitchens"]), "-m", "Kazanlak")[0] == 0
    rows = [dict(r) for r in town.rows["clients"]]
    rows[1]["weekdays"] = "Mon-Fry"
    rows[4]["window_start"] = "noon"
    bad = tmp_path / "bad.csv"
    write_csv(bad, COLUMNS["clients"], rows)
    code, out = _run("import", "clients", str(bad), "-m", "Kazanlak")
    assert code == 1
    assert "нищо не е внесено" in out and "Mon-Fry" in out and "'noon'" in out  # noqa: RUF001
    assert "2 проблема" in out
    assert _count(get_settings().effective_database_url, Client) == 0
    code, out = _run("import", "clients", str(files["clients"]), "-m", "Kazanlak")
    assert code == 0 and f"{len(rows)} нови" in out
