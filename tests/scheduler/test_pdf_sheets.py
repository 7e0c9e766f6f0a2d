"""Every printed sheet as a PDF, read back with pdftotext, in Bulgarian and Slovenian.

The kitchen's day and the caregiver's day are built by hand (names in Cyrillic and with
Slovenian letters, so a missing glyph would show); the statements and the month's report come
from a month planned and confirmed as in test_statements.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.i18n import Translator
from scheduler.errors import InvalidInputError
from scheduler.reports.caregiver_day import CaregiverDay, DayVisit
from scheduler.reports.caregiver_sheet import caregiver_days_html
from scheduler.reports.kitchen import KitchenBatch, KitchenDay, PackLine, VanLoad, Wave
from scheduler.reports.kitchen_sheets import kitchen_html
from scheduler.reports.labels import labels_html
from scheduler.reports.month import month_report
from scheduler.reports.month_sheets import month_html
from scheduler.reports.pdf import html_to_pdf
from scheduler.reports.route_sheets import route_sheets_html
from scheduler.reports.statement_sheets import statements_html
from scheduler.reports.statements import month_statements
from tests.scheduler.test_month_report import THU, _counters
from tests.scheduler.test_statements import _month, _town

PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext (Debian: poppler-utils) is not installed; `make pdf`"
)
DAY = date(2025, 6, 3)
LANGUAGES = ("bg", "sl")


def text_of(pdf: bytes, tmp_path: Path) -> tuple[str, int]:
    """The PDF's text (pdftotext, reading order, runs of white space as one space: a table
    cell may wrap) and its number of pages."""
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    assert PDFTOTEXT is not None
    out = subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, check=True)
    text = out.stdout.decode("utf-8")
    return " ".join(text.split()), text.rstrip("\f").count("\f") + 1


def _line(n: int) -> PackLine:
    name = "Иван Петров" if n % 2 else "Čebelica Žužek"
    return PackLine(stop=n, client_id=f"C{n}", client=f"{name} {n}", address=f"ul. Rozova {n}",
                    diet="diabetic", portions=1, box=str(n), eta="11:30", notes="",
                    label=f"{name}\nul. Rozova {n}")  # fmt: skip


def kitchen(lines: int) -> KitchenDay:
    count = {"diabetic": lines}
    packed = [_line(n + 1) for n in range(lines)]
    van = VanLoad("V1", "Бус 1", 1, "10:45", count, packed, boxes=lines)
    wave = Wave("10:45", count, [van])
    batch = KitchenBatch("K1", "Централна кухня", count, {"diabetic": 0}, count, waves=[wave])
    return KitchenDay(DAY, "Kazanlak", "bg", 1, 1, True, [batch], [])


def caregiver() -> CaregiverDay:
    visit = DayVisit(stop_id=1, visit_id=1, external_id="W1", start="09:00", end="09:45",
                     start_s=32400, end_s=35100, window="08:30-09:30", client="Мария Иванова",
                     address="ul. Iskra 4", phone="+359 88 123", lon=25.39, lat=42.62,
                     tasks="Baden", notes="", partner="Špela Kovač", lunch=None,
                     status="planned")  # fmt: skip
    return CaregiverDay(7, "G7", "Стефка Манолова", DAY, 3, True, [visit], ("12:00", "12:30"))


@needs_pdftotext
@pytest.mark.parametrize("language", LANGUAGES)
def test_day_sheets_read_back_in_the_language(language: str, tmp_path: Path) -> None:
    t = Translator(language, "Europe/Sofia")
    day = kitchen(3)
    route, _ = text_of(html_to_pdf(route_sheets_html(day, t)), tmp_path)
    assert t.gettext("Route sheet") in route and "Бус 1" in route
    assert t.gettext("Route sheet") != "Route sheet"  # the catalog has it
    assert "Иван Петров 1" in route and "Čebelica Žužek 2" in route
    labels, _ = text_of(html_to_pdf(labels_html(day, "70x37", t)), tmp_path)
    assert t.gettext("Trip no.") in labels and "ul. Rozova 3" in labels
    care, _ = text_of(
        html_to_pdf(caregiver_days_html([caregiver()], municipality="Kazanlak", locale=language,
                                        words=t)), tmp_path)  # fmt: skip
    assert t.gettext("Caregiver's day") in care and "Мария Иванова" in care
    assert t.gettext("Together with") in care and "Špela Kovač" in care
    assert t.gettext("Break for lunch") in care and "12:00-12:30" in care
    sheets, pages = text_of(html_to_pdf(kitchen_html(day)), tmp_path)
    assert "Централна кухня" in sheets and "Čebelica Žužek 2" in sheets and pages >= 3


@needs_pdftotext
def test_label_sizes_fill_their_sticker_sheets(tmp_path: Path) -> None:
    """30 labels: two A4 sheets of 24 (70 x 37 mm), three of 14 (99.1 x 38.1 mm)."""
    day = kitchen(30)
    for size, sheets in (("70x37", 2), ("99.1x38.1", 3)):
        text, pages = text_of(html_to_pdf(labels_html(day, size)), tmp_path)
        assert pages == sheets, size
        assert "Иван Петров 29" in text and "Čebelica Žužek 30" in text
    with pytest.raises(InvalidInputError, match=r"size: expected one of 70x37, 99\.1x38\.1"):
        labels_html(day, "A4")


@needs_pdftotext
def test_statements_and_month_report_read_back(sqlite_engine: Engine, tmp_path: Path) -> None:
    with Session(sqlite_engine) as session:
        town, clients = _town(session)
        _month(session, town, clients)
        statements = month_statements(town.id or 0, "2025-06", session=session)
        report = month_report(town.id or 0, "2025-06", session=session)
    text, pages = text_of(html_to_pdf(statements_html(statements, municipality=town.name,
                                                      locale="bg")), tmp_path)  # fmt: skip
    assert (
        pages == 2 and "Client a" in text and "21,00 €" in text.replace("\xa0", " ")
    )  # money as bg writes it
    expected = {
        "bg": ("Месечен отчет", "Доставени порции", "диабетна"),
        "sl": ("Mesečno poročilo", "Dostavljene porcije", "diabetična"),
    }
    for language, words in expected.items():
        t = Translator(language, "Europe/Sofia")
        text, _ = text_of(html_to_pdf(month_html(report, t)), tmp_path)
        assert all(w in text for w in words), (language, text[:400])
        assert "27,00 €" in text.replace("\xa0", " ")


@needs_pdftotext
def test_the_canteen_and_milk_kitchen_sections_read_back(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    with Session(sqlite_engine) as session:
        town = _counters(session)
        report = month_report(town.id or 0, "2025-06", session=session, now=THU)
    expected = {
        "bg": ("Трапезария", "Получени обеди по диети", "Млечна кухня", "Пропуснати получавания"),
        "sl": ("Socialna kuhinja", "Prevzeti obroki po dietah", "Mlečna kuhinja",
               "Neopravljeni prevzemi"),
    }  # fmt: skip
    for language, words in expected.items():
        text, _ = text_of(html_to_pdf(month_html(report, Translator(language, "UTC"))), tmp_path)
        assert all(w in text for w in words), (language, text[:600])
        money = text.replace("\xa0", " ")
        assert "7,50 €" in money and "3,60 €" in money  # the canteen's and the guardians'
