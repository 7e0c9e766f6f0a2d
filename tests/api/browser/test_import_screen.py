"""The dispatcher imports the office's clients file on the import page.

The file is as a Bulgarian office saves it from its spreadsheet: Windows-1251, semicolons,
decimal commas. Two rows are bad; the preview shows them refused with the column and the
reason while nothing is imported; the corrected file is uploaded again, previewed and applied.
The preview is screenshotted to test-artifacts/ for the admin guide.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.intake.importing import COLUMNS
from scheduler.models import AuditEntry, Client, ImportUpload
from tests.api.browser.conftest import (
    ARTIFACTS,
    Server,
    seeded_town,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GOOD = [
    "OF1;Иван Петров;ул. Розова 3;25,3921;42,6190;0888123456;diabetic;1;Mon-Fri;11:00;13:00;;",
    "OF2;Мария Иванова;ул. Шипка 7;25,4012;42,6201;;general;2;Mon,Wed,Fri;11:30;12:30;;звънец 2",
]
BAD = [
    "OF3;Георги Стоянов;;25,4100;42,6250;;риба;1;Mon-Fri;11:00;13:00;;",
    "OF4;Анна Колева;;25,4200;42,6300;;soft;1;Mon-Fri;13:00;11:00;;",
]
FIXED = [BAD[0].replace("риба", "soft"), BAD[1].replace("13:00;11:00", "11:00;13:00")]


def _file(rows: list[str]) -> bytes:
    return ("\r\n".join([";".join(COLUMNS["clients"]), *rows]) + "\r\n").encode("cp1251")


def _upload(page: Any, rows: list[str]) -> None:
    page.select_option("#kind", "clients")
    upload = {"name": "clients.csv", "mimeType": "text/csv", "buffer": _file(rows)}
    page.set_input_files("#upload-form input[name=file]", files=[upload])
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#preview")


def _count(page: Any, outcome: str) -> int:
    return int(page.locator(f"#counts li[data-outcome={outcome}] .count").inner_text())


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Engine]]:
    """The shared fixture's town, its server and its database (to check what was written)."""
    with seeded_town(tmp_path_factory, "imports") as town:
        yield town


def _clients(engine: Engine, ids: list[str]) -> list[str]:
    with Session(engine) as session:
        found = session.exec(select(Client.external_id).where(col(Client.external_id).in_(ids)))
        return sorted(found.all())


def test_the_office_imports_its_clients_file_fixing_two_rows(
    town: tuple[Server, Engine], browser: Any
) -> None:
    server, engine = town
    ids = ["OF1", "OF2", "OF3", "OF4"]
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    sign_in(page, server)
    page.click("#imports-link")
    page.wait_for_url(f"{server.url}/imports")
    _upload(page, GOOD + BAD)
    assert (_count(page, "new"), _count(page, "refused")) == (2, 2)
    refused = page.locator("#preview tr.refused")
    assert refused.count() == 2
    assert refused.nth(0).get_attribute("data-row") == "3"
    assert refused.nth(0).locator("td.field").inner_text() == "diet"
    assert "риба" in refused.nth(0).locator("td.reason").inner_text()
    assert refused.nth(1).locator("td.field").inner_text() == "window_end"
    assert "must be after window_start" in refused.nth(1).locator("td.reason").inner_text()
    assert page.locator("#apply").count() == 0 and page.locator("#cannot-apply").is_visible()
    page.screenshot(path=str(ARTIFACTS / "import-refused.png"), full_page=True)
    assert _clients(engine, ids) == []  # the preview wrote nothing

    _upload(page, GOOD + FIXED)  # the office corrects the two rows and uploads again
    assert (_count(page, "new"), _count(page, "refused")) == (4, 0)
    assert page.locator("#preview tr.refused").count() == 0
    page.screenshot(path=str(ARTIFACTS / "import-preview.png"), full_page=True)
    page.click("#apply")
    page.wait_for_selector("#done")
    assert "4 new" in page.locator("#done").inner_text()
    assert _clients(engine, ids) == ids

    _upload(page, GOOD + FIXED)  # the same file again changes nothing
    assert _count(page, "unchanged") == 4
    page.click("#cancel")
    page.wait_for_url(f"{server.url}/imports")
    assert page.locator("#preview").count() == 0
    with Session(engine) as session:
        actions = session.exec(
            select(AuditEntry.action)
            .where(AuditEntry.entity == "import")
            .order_by(col(AuditEntry.id))
        ).all()
        left = session.exec(select(ImportUpload)).all()
    # The first (refused) upload waits to expire; the applied and the cancelled ones are gone.
    assert [u.filename for u in left] == ["clients.csv"]
    assert list(actions) == ["preview", "preview", "apply", "preview", "cancel"]
    desk.close()
