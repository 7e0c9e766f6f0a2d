"""The printed sheets and the month's report through the API: PDF or HTML, the right content
type and file name, in the reader's town's language; the dispatcher's page of the report."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from scheduler.intake.cutoff import freeze_day
from scheduler.models import Role
from tests.api.conftest import World
from tests.api.test_welfare_pages import _signed_in

DAY = date(2026, 1, 6)  # the seeded plan's day
PDFTOTEXT = shutil.which("pdftotext")


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "got.pdf"
    path.write_bytes(pdf)
    if PDFTOTEXT is None:
        pytest.skip("pdftotext (Debian: poppler-utils) is not installed; `make pdf`")
    out = subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


@pytest.fixture(scope="module")
def frozen(world: World) -> World:
    with world.session() as session:
        for mid in world.town_ids.values():
            freeze_day(mid, DAY, "meals", session=session)
        session.commit()
    return world


def test_the_month_report_downloads_as_pdf_csv_and_page(frozen: World, tmp_path: Path) -> None:
    office = frozen.client("Kazanlak", Role.dispatcher)
    pdf = office.get("/v1/month-report", params={"month": "2026-01"})
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == 'attachment; filename="report-2026-01.pdf"'
    assert "Месечен отчет 2026-01" in _text(pdf.content, tmp_path)  # Kazanlak speaks Bulgarian
    table = office.get("/v1/month-report", params={"month": "2026-01", "format": "csv"})
    assert table.headers["content-type"].startswith("text/csv")
    assert table.text.startswith("month,service,table,row,measure,value\n")
    assert "2026-01,meals,clients,,served," in table.text
    refused = office.get("/v1/month-report", params={"month": "2026-13"})
    assert refused.status_code == 422
    kitchen = frozen.client("Kazanlak", Role.kitchen)
    assert kitchen.get("/v1/month-report", params={"month": "2026-01"}).status_code == 403
    page = _signed_in(frozen, Role.dispatcher).get("/reports/month", params={"month": "2026-01"})
    assert page.status_code == 200 and "Месечен отчет 2026-01" in page.text
    assert 'href="/v1/month-report?month=2026-01&amp;format=pdf"' in page.text


def test_day_sheets_download_as_pdf_in_the_towns_language(frozen: World, tmp_path: Path) -> None:
    kitchen = frozen.client("Kazanlak", Role.kitchen)
    routes = kitchen.get(f"/v1/route-sheets/{DAY}")
    assert routes.status_code == 200, routes.text
    assert routes.headers["content-disposition"] == f'attachment; filename="routes-{DAY}.pdf"'
    assert "Маршрутен лист" in _text(routes.content, tmp_path)
    labels = kitchen.get(f"/v1/box-labels/{DAY}", params={"size": "99.1x38.1"})
    assert labels.headers["content-type"] == "application/pdf"
    assert "99.1x38.1.pdf" in labels.headers["content-disposition"]
    bad = kitchen.get(f"/v1/box-labels/{DAY}", params={"size": "A4"})
    assert bad.status_code == 422 and "size" in bad.text
    signed_in = _signed_in(frozen, Role.kitchen)  # the kitchen page's links, same session
    links = signed_in.get("/kitchen", params={"day": str(DAY)}).text
    assert f'href="/v1/route-sheets/{DAY}"' in links and "Маршрутни листове (PDF)" in links
    assert signed_in.get(f"/v1/route-sheets/{DAY}").headers["content-type"] == "application/pdf"
    page = kitchen.get(f"/v1/kitchen-sheets/{DAY}", params={"format": "html"})
    assert page.headers["content-type"].startswith("text/html") and "<html" in page.text
    carer = frozen.client("Maribor", Role.caregiver)  # Maribor speaks Slovenian
    own = frozen.ids[("Maribor", "caregiver")]
    sheet = carer.get(f"/v1/caregivers/{own}/days/{DAY}/sheet")
    assert sheet.status_code == 200 and "Dan oskrbovalke" in _text(sheet.content, tmp_path)
    assert sheet.headers["content-disposition"] == f'attachment; filename="care-{DAY}.pdf"'
    other = frozen.ids[("Maribor", "caregiver")] + 100000
    assert carer.get(f"/v1/caregivers/{other}/days/{DAY}/sheet").status_code == 403
