"""`patronage import clients` with addresses and no coordinates, as an office runs it: the
geocoder the settings name (a real local server speaking Nominatim's protocol) is asked with
the configured User-Agent, the file imports whole although one address is found nowhere, and
the command says, in the town's language, how many clients are left to place."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.cli import app
from scheduler.db import make_engine
from scheduler.intake.importing import COLUMNS
from scheduler.lab.synthetic import write_csv
from scheduler.models import AddressCheck, Client
from scheduler.settings import get_settings, reset_settings
from tests.geocoder import nominatim_server, place

AGENT = "Patronage tests (geo@example.org)"


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _files(folder: Path) -> tuple[Path, Path]:
    kitchens, clients = folder / "kitchens.csv", folder / "clients.csv"
    write_csv(kitchens, COLUMNS["kitchens"], [
        {"external_id": "K1", "name": "Central", "address": "", "lon": "25.39", "lat": "42.62",
         "hot_meal_minutes": ""},
    ])  # fmt: skip
    rows = [
        {"external_id": "c1", "name": "Иван", "address": "ул. Розова долина 5"},
        {"external_id": "c2", "name": "Мария", "address": "Несъществуваща 99"},
    ]
    write_csv(clients, COLUMNS["clients"], [
        dict.fromkeys(COLUMNS["clients"], "") | r | {
            "diet": "general", "portions": "1", "weekdays": "Mon-Fri",
            "window_start": "11:00", "window_end": "13:00",
        } for r in rows
    ])  # fmt: skip
    return kitchens, clients


def test_an_import_looks_addresses_up_and_counts_those_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kitchens, clients = _files(tmp_path)
    with nominatim_server() as (url, state):
        state.answers["ул. розова долина 5, kazanlak"] = [
            place(42.6191, 25.3934, "5", "5, ул. Розова долина, Казанлък", importance=0.3)
        ]
        monkeypatch.setenv("PATRONAGE_GEOCODER_URL", url)
        monkeypatch.setenv("PATRONAGE_GEOCODER_USER_AGENT", AGENT)
        reset_settings()
        _run("db", "upgrade")
        _run("import", "kitchens", str(kitchens), "-m", "Kazanlak")
        out = _run("import", "clients", str(clients), "-m", "Kazanlak")
    assert "2" in out and "1 клиент без място на картата" in " ".join(out.split())
    assert [a.headers["user-agent"] for a in state.asked] == [AGENT, AGENT]
    assert [a.params["q"] for a in state.asked] == [
        "ул. Розова долина 5, Kazanlak",
        "Несъществуваща 99, Kazanlak",
    ]
    with Session(make_engine(get_settings().effective_database_url)) as session:
        found = {c.external_id: c for c in session.exec(select(Client)).all()}
    assert (found["c1"].lat, found["c1"].address_check) == (42.6191, AddressCheck.ok)
    assert found["c2"].address_check is AddressCheck.not_found
