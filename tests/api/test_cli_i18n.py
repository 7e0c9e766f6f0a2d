"""What the office's commands print is in the office's language: no English left in Bulgarian
or Slovenian, in summaries, tables, file notes and refusals alike.

Each town's office runs its day from the shell in a terminal whose locale names no product
language (a server's `C.UTF-8`), so the commands speak the municipality's language: Kazanlak
Bulgarian, Maribor Slovenian. Besides the catalogs' English (tests/api/test_all_outputs_i18n),
the check looks for any English word of the catalogs' source that the language's own catalog
does not use: a summary built from an f-string in English fails it.
"""

from __future__ import annotations

import re
from datetime import time
from functools import lru_cache
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.cli import app
from scheduler.db import make_engine
from scheduler.intake.importing.rows import COLUMNS
from scheduler.migrate import upgrade
from scheduler.models import Caregiver, Client, Diet, Driver, Kitchen, PickupPoint
from scheduler.settings import get_settings
from tests.api.test_all_outputs_i18n import assert_no_english, po
from tests.scheduler import care_town, meal_town

DAY, MONTH = "2025-06-03", "2025-06"
TERMINAL = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}  # says nothing about the reader
TOWNS = [("Kazanlak", "bg", "Europe/Sofia"), ("Maribor", "sl", "Europe/Ljubljana")]
# Words of the catalogs' English that are the same in the output of either language: codes,
# units and names of formats and commands.
SHARED = {"csv", "pdf", "json", "yyyy", "patronage", "upgrade"}


def _words(text: str) -> set[str]:
    text = re.sub(r"%\(\w+\)[sd]", " ", text)
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)}


@lru_cache(maxsize=2)
def english_only(language: str) -> frozenset[str]:
    """English words of the catalog's messages that its translations never use."""
    english: set[str] = set()
    native: set[str] = set()
    for message in po(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        english |= {w for i in ids for w in _words(i)}
        native |= {w for s in strings for w in _words(s or "")}
    return frozenset(english - native - SHARED)


def assert_office_words(output: str, language: str, *, data: set[str]) -> None:
    """No English in `output`: neither a catalog message nor an English word. `data` are the
    names and ids the test's town holds (they print as they are)."""
    assert_no_english(output, html=False)
    text = " ".join(t for t in output.split() if "/" not in t)  # paths are where files went
    left = sorted(_words(text) - {d.lower() for d in data} & english_only(language))
    assert left == [], output


def _towns() -> None:
    """Each town: a kitchen with a van, four clients and a canteen; two caregivers with three
    morning visits; a driver; prices."""
    url = get_settings().effective_database_url
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        for name, language, zone in TOWNS:
            town = meal_town.town(session, name, timezone=zone)
            town.locale = language
            k = meal_town.kitchen(session, town)
            meal_town.van(session, town, k, "V1")
            for i in range(4):
                meal_town.client(session, town, k, f"c{i}", offset=(0.002 * i, 0.001),
                                 diet=(Diet.general, Diet.diabetic)[i % 2])  # fmt: skip
            meal_town.client(session, town, k, "p0", point=meal_town.point(session, town, k))
            meal_town.price(session, town, Diet.general, 300)
            meal_town.price(session, town, Diet.diabetic, 320)
            for carer in ("G1", "G2"):
                care_town.caregiver(session, town, carer)
            for i, hour in enumerate((8, 9, 10)):
                who = care_town.client(session, town, f"h{i}", (0.002 * i, -0.001))
                care_town.plan(session, town, f"VP{i}", who, (time(hour), time(hour, 30)))
            session.add(Driver(municipality_id=town.id or 0, external_id="D1", name="Petar"))
        _local_names(session)
        session.commit()
    engine.dispose()


def _local_names(session: Session) -> None:
    """The towns' own names for their people and places (the test towns' are English)."""
    for model, name in ((Client, "Иван"), (Caregiver, "Мария"), (Kitchen, "Кухня"),
                        (PickupPoint, "Клуб")):  # fmt: skip
        for row in session.exec(select(model)).all():
            row.name = f"{name} {row.external_id}"
            if isinstance(row, Client):
                row.notes = ""
            session.add(row)


def _run(*args: str, ok: bool = True) -> str:
    result = CliRunner().invoke(app, list(args), env=TERMINAL)
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def _office_day(name: str, folder: Path) -> list[str]:
    """What the office prints on a day: the plans, the kitchen, the sheets, the month, the
    fleet, the care day, users, and refusals."""
    town = ("--municipality", name)
    return [
        _run("plan", DAY, *town, "--time-limit", "1", "--json", str(folder / "plan.json")),
        _run("plan", DAY, "--service", "care", *town, "--time-limit", "1"),
        _run("kitchen", DAY, *town, "--csv", str(folder / "k.csv"), "--pdf", str(folder / "k.pdf")),
        _run("statement", MONTH, *town, "--csv", str(folder / "s.csv")),
        _run("sheets", DAY, *town, "--folder", str(folder / "day")),
        _run("month-report", MONTH, *town, "--folder", str(folder)),
        _run("fleet", DAY, *town, "--budget", "0.5", "--json", str(folder / "fleet.json")),
        _run("care", "day", "G1", DAY, *town, "--ics", str(folder / "g1.ics")),
        _run("care", "check", "VP0", "G1", "in", "--date", DAY, *town, "--at", "08:02"),
        _run("care", "check", "VP0", "G1", "in", "--date", DAY, *town, "--at", "08:02"),
        _run(
            "care",
            "sick",
            "G1",
            "--date",
            DAY,
            *town,
            "--from",
            "09:00",
            "--at",
            "09:00",
            "--time-limit",
            "1",
        ),
        _run("care", "attendance", DAY, *town, "--at", "12:00"),
        _run("care", "hours", MONTH, *town, "--html", str(folder / "hours.html")),
        _run("care", "fairness", *town, "--date", DAY),
        _run("care", "link", "G1", *town),
        _run(
            "user",
            "add",
            *town,
            "--username",
            "ana",
            "--role",
            "dispatcher",
            "--password",
            "long-enough-1",
        ),
        _run("user", "link", "ana", *town, "--driver", "D1"),
        _run("user", "link", "ana", *town),
        _run("statement", MONTH, *town, "--client", "nobody", ok=False),
        _run("care", "day", "nobody", DAY, *town, ok=False),
        _run("plan", "2025-06-31", *town, ok=False),
        _run("statement", "2025-13", *town, ok=False),
        _run("user", "link", "nobody", *town, ok=False),
    ]


@pytest.mark.parametrize(("name", "language", "zone"), TOWNS)
def test_the_office_commands_speak_the_towns_language(
    tmp_path: Path, name: str, language: str, zone: str
) -> None:
    _towns()
    outputs = _office_day(name, tmp_path)
    data = {name, "Petar", "ana", "nobody", "json", "ics"}
    for output in outputs:
        assert_office_words(output, language, data=data)
    printed = "\n".join(outputs)
    expected = {"bg": ("Маршрути", "записано в", "няма потребител 'nobody'",
                       "Няма потребителски профил 'nobody'", "1,4 км"),
                "sl": ("Poti", "zapisano v", "ni uporabnika 'nobody'",
                       "Uporabniškega računa 'nobody' ni", "1,4 km")}  # fmt: skip
    assert all(words in printed for words in expected[language]), printed


def test_the_terminal_language_wins_and_english_is_caught() -> None:
    _towns()
    english = CliRunner().invoke(
        app, ["care", "fairness", "--municipality", "Maribor"], env={**TERMINAL, "LANG": "en_GB"}
    )
    assert english.exit_code == 0 and "Fairness weight" in english.output
    with pytest.raises(AssertionError):
        assert_office_words(english.output, "sl", data=set())
    unknown = CliRunner().invoke(
        app, ["kitchen", DAY, "--municipality", "Nowhere"], env={**TERMINAL, "LANG": "sl_SI.UTF-8"}
    )
    assert unknown.exit_code != 0 and "ni občine z imenom" in unknown.output
    with pytest.raises(AssertionError):  # an English summary built from an f-string
        assert_office_words("Plan v1 of meals: 4 stops on 1 routes", "bg", data=set())


def test_a_refused_import_names_its_problems_in_the_towns_language(tmp_path: Path) -> None:
    _towns()
    header = ",".join(COLUMNS["clients"])
    rows = [
        "n1,Иван,ул. Роза 1,25.40,42.62,,general,1,Mon-Fry,11:00,13:00,K1,",
        "n2,Мария,ул. Роза 2,25.40,north,,general,1,Mon-Fri,11:00,13:00,K1,",
        "n3,Георги,ул. Роза 3,25.40,42.62,,general,1,Mon-Fri,14:00,11:00,K1,",
        "n4,Стоян,ул. Роза 4,25.40,42.62,,general,1,Mon-Fri,11:00,13:00,K9,",
        "n1,Иван,ул. Роза 1,25.40,42.62,,general,1,Mon-Fri,11:00,13:00,K1,",
    ]
    bad = tmp_path / "clients.csv"
    bad.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    output = _run("import", "clients", str(bad), "--municipality", "Kazanlak", ok=False)
    # the file's own column names print as they are, in the table and in the reasons
    columns = {"weekdays", "lat", "window", "end", "start", "kitchen", "external"}
    assert_office_words(output, "bg", data={"Kazanlak", "csv", "Fry", *columns})
    flat = " ".join(output.split())
    for words in ("непознат", "'Fry'", "число", "'north'", "след", "няма кухня", "'K9'"):
        assert words in flat, output
