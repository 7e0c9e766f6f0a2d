"""A municipality's first week, run by its office alone, in headless Chromium.

Before the test there is a new municipality with one administrator and nothing else; every
row after that is written through the screens, over HTTP. On Monday 7 December 2026 at 09:00
in Sofia (the server is pinned to that instant, whatever today is) the administrator sets the
rules, imports the kitchens, the van and the clients file (Windows-1251, semicolons, two bad
rows: the import applies whole or nothing and no row is edited on the screen, so the office
corrects the file and uploads it again), adds the driver, sets the prices, pauses one client
for a hospital stay, closes Wednesday (the town's own holiday) with its meals delivered the
day before, then plans and publishes Tuesday, which carries both days. On Tuesday the driver
delivers on the phone, and the office reads the month's statements: two meals a client.

One client of the file has an address and no coordinates: the server looks it up on a real
local server speaking Nominatim's protocol. Each step is screenshotted: to the test's folder,
or with PATRONAGE_SCREENSHOTS=docs/img to docs/img/office-week-*.png for docs/admin.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler import migrate
from scheduler.db import make_engine
from scheduler.intake.importing import COLUMNS
from scheduler.models import (
    AddressCheck,
    Client,
    DateOverride,
    Role,
    Stop,
    StopStatus,
    SubscriptionPause,
)
from scheduler.models.fees import DatedPrice
from scheduler.names import transliterate_bg
from scheduler.repositories.tenancy import create_municipality
from scheduler.repositories.users import create_user
from tests.api.browser.conftest import ROOT, Server, running_server, sign_in, sqlite_url
from tests.geocoder import nominatim_server, place

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SOFIA = ZoneInfo("Europe/Sofia")
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=SOFIA)
TUESDAY_ROUND = datetime(2026, 12, 8, 10, 30, tzinfo=SOFIA)
TUESDAY = date(2026, 12, 8)
HOLIDAY = date(2026, 12, 9)  # the town's own, delivered on Tuesday
TOWN = "Pavel Banya"
ADMIN, PASSWORD = "office", "office-pass-1"
DESK = {"viewport": {"width": 1200, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SHOTS = "PATRONAGE_SCREENSHOTS"  # a folder under the repository, e.g. docs/img

KITCHENS = ["K1;Кухня Павел баня;ул. Освобождение 1;25,2010;42,5970;45"]
VANS = ["V1;K1;Бус 1;40;8;10:00;14:00;1"]
GOOD = [
    "PB1;Иван Петров;ул. Шипка 3;25,2050;42,5990;0888123456;diabetic;1;Mon-Fri;11:00;13:00;K1;",
    "PB2;Мария Иванова;ул. Розова 7;25,1980;42,5950;;general;2;Mon-Fri;11:30;12:30;K1;звънец 2",
    "PB3;Стоян Русев;ул. Изгрев 12;;;;general;1;Mon-Fri;11:00;13:00;K1;",
    "PB6;Пена Колева;ул. Възраждане 9;25,1990;42,6020;;general;1;Mon-Fri;11:00;13:00;K1;",
]
BAD = [
    "PB4;Георги Стоянов;ул. Възраждане 5;25,2100;42,6010;;риба;1;Mon-Fri;11:00;13:00;K1;",
    "PB5;Анна Колева;ул. Трети март 9;25,1950;42,6000;;soft;1;Mon-Fri;13:00;11:00;K1;",
]
FIXED = [BAD[0].replace("риба", "soft"), BAD[1].replace("13:00;11:00", "11:00;13:00")]
# What the geocoder answers for PB3's address with the town's name appended.
IZGREV = place(42.6005, 25.2080, "12", "12, ул. Изгрев, Павел баня, България", importance=0.3)
PRICES = {"general": "3,50", "diabetic": "3,80", "soft": "3,70"}


@dataclass(frozen=True)
class Office:
    folder: Path
    url: str
    engine: Engine
    geocoder: str  # the local geocoder's URL


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    """A new municipality with one administrator, and the local geocoder."""
    folder = tmp_path_factory.mktemp("office-week")
    url = sqlite_url(folder)
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        town = create_municipality(TOWN, session=session)
        assert town.id is not None
        create_user(town.id, session=session, username=ADMIN, password=PASSWORD,
                    role=Role.admin, locale="en")  # fmt: skip
        session.commit()
    with nominatim_server() as (geo_url, state):
        state.answers["ул. изгрев 12, pavel banya"] = [IZGREV]
        try:
            yield Office(folder, url, engine, geo_url)
        finally:
            engine.dispose()


def _server(office: Office, at: datetime, name: str) -> Any:
    settings = {"PATRONAGE_GEOCODER_URL": office.geocoder}
    return running_server(office.folder, office.url, TUESDAY, municipality=TOWN,
                          settings=settings, name=name, at=at)  # fmt: skip


def _desk(browser: Any, at: datetime) -> Any:
    """A desk browser whose clock is the server's (the phone stamps its reports with it)."""
    context = browser.new_context(**DESK)
    context.clock.install(time=at)
    return context


def _shot(page: Any, office: Office, name: str) -> None:
    """The screen as it is now: to the test's folder, or for the guide (see the docstring)."""
    wanted = os.environ.get(SHOTS)
    folder = ROOT / wanted if wanted else office.folder
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"office-week-{name}.png"))


def _file(kind: str, rows: list[str]) -> bytes:
    """As the office saves it from its spreadsheet: Windows-1251, semicolons, CRLF."""
    return ("\r\n".join([";".join(COLUMNS[kind]), *rows]) + "\r\n").encode("cp1251")


def _upload(page: Any, kind: str, rows: list[str]) -> None:
    page.select_option("#kind", kind)
    upload = {"name": f"{kind}.csv", "mimeType": "text/csv", "buffer": _file(kind, rows)}
    page.set_input_files("#upload-form input[name=file]", files=[upload])
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#preview")


def _count(page: Any, outcome: str) -> int:
    return int(page.locator(f"#counts li[data-outcome={outcome}] .count").inner_text())


def _import(page: Any, kind: str, rows: list[str]) -> str:
    """Upload, preview and apply a file with no bad row; the page's words once it is in."""
    _upload(page, kind, rows)
    assert _count(page, "new") == len(rows), page.inner_text("#preview")
    page.click("#apply")
    page.wait_for_selector("#done")
    return str(page.inner_text("#done"))


def _client_id(engine: Engine, external_id: str) -> int:
    with Session(engine) as session:
        found = session.exec(select(Client.id).where(Client.external_id == external_id)).one()
    assert found is not None
    return found


def test_the_office_runs_its_first_week_alone(office: Office, browser: Any) -> None:
    with _server(office, MONDAY, "monday") as server:
        desk = _desk(browser, MONDAY)
        page = desk.new_page()
        sign_in(page, server, ADMIN, password=PASSWORD)
        _rules(page, server, office)
        _base_data(page, server, office)
        _clients_file(page, server, office)
        _driver(page, server, office)
        _prices(page, server, office)
        _pause(page, server, office)
        _own_holiday(page, server, office)
        day_link = _plan_and_publish(page, server, office)
        desk.close()
    with _server(office, TUESDAY_ROUND, "tuesday") as server:
        _deliver(browser, server, office, day_link)
        desk = _desk(browser, TUESDAY_ROUND)
        page = desk.new_page()
        sign_in(page, server, ADMIN, password=PASSWORD)
        _statements(page, server, office)
        desk.close()


def _rules(page: Any, server: Server, office: Office) -> None:
    """Orders close at noon the day before (the town's kitchen orders food after lunch)."""
    page.click("nav a[href='/admin/rules']")
    page.wait_for_selector("#rules-form")
    page.fill("#rules-form input[name=timezone]", "Europe/Sofia")
    page.select_option("#rules-form select[name=locale]", "bg")
    page.fill("#rules-form input[name=cutoff_time]", "12:00")
    page.fill("#rules-form input[name=cutoff_days_before]", "1")
    page.click("#rules-form button[type=submit]")
    page.wait_for_selector("#rules-form input[name=cutoff_time][value='12:00']")
    _shot(page, office, "01-rules")


def _base_data(page: Any, server: Server, office: Office) -> None:
    """The kitchen and the van come in through the import page (no screen creates a kitchen)."""
    page.click("#imports-link")
    page.wait_for_url(f"{server.url}/imports")
    assert "1" in _import(page, "kitchens", KITCHENS)
    assert "1" in _import(page, "vehicles", VANS)
    page.click("nav a[href='/admin/vans']")
    page.wait_for_selector("#vans td:has-text('Бус 1')")
    _shot(page, office, "02-vans")


def _clients_file(page: Any, server: Server, office: Office) -> None:
    """Two bad rows refuse the file whole; the office corrects them in its spreadsheet and
    uploads it again (the screen edits no row); PB3's address is looked up on apply."""
    page.click("#imports-link")
    _upload(page, "clients", GOOD + BAD)
    assert (_count(page, "new"), _count(page, "refused")) == (4, 2)
    refused = page.locator("#preview tr.refused")
    assert [refused.nth(i).locator("td.field").inner_text() for i in (0, 1)] == [
        "diet",
        "window_end",
    ]
    assert page.locator("#apply").count() == 0
    _shot(page, office, "03-import-refused")
    with Session(office.engine) as session:
        assert session.exec(select(Client)).all() == []  # the preview wrote nothing

    _upload(page, "clients", GOOD + FIXED)
    assert (_count(page, "new"), _count(page, "refused")) == (6, 0)
    _shot(page, office, "04-import-preview")
    page.click("#apply")
    page.wait_for_selector("#done")
    assert page.locator("#unplaced").count() == 0  # every address is on the map
    _shot(page, office, "05-import-done")
    with Session(office.engine) as session:
        found = session.exec(select(Client).where(Client.external_id == "PB3")).one()
        assert (found.lat, found.lon, found.address_check) == (42.6005, 25.208, AddressCheck.ok)
        assert len(session.exec(select(Client)).all()) == 6


def _driver(page: Any, server: Server, office: Office) -> None:
    page.click("nav a[href='/admin/drivers']")
    page.fill("#driver-form input[name=name]", "Петко Драганов")
    page.fill("#driver-form input[name=phone]", "0888765432")
    page.select_option("#driver-form select[name=vehicle_id]", label="Бус 1")
    page.click("#driver-form button[type=submit]")
    page.wait_for_selector("#drivers input[value='Петко Драганов']")


def _prices(page: Any, server: Server, office: Office) -> None:
    page.click("nav a[href='/prices']")
    for kind, price in PRICES.items():
        page.select_option("#price-form select[name=kind]", kind)
        page.fill("#price-form input[name=valid_from]", "2026-12-01")
        page.fill("#price-form input[name=price]", price)
        page.click("#price-form button[type=submit]")
        page.wait_for_selector(f"#prices tr[data-price]:has-text('{price.replace(',', '.')}')")
    assert page.locator("#prices tr[data-price]").count() == 3
    _shot(page, office, "06-prices")
    with Session(office.engine) as session:
        cents = {p.kind: p.price_cents for p in session.exec(select(DatedPrice)).all()}
    assert cents == {"general": 350, "diabetic": 380, "soft": 370}


def _pause(page: Any, server: Server, office: Office) -> None:
    """Мария goes to hospital on Tuesday, before the cut-off: no meal for her this week."""
    page.click("nav a[href='/clients']")
    page.fill("#client-search input[name=q]", transliterate_bg("Мария"))  # in Latin letters
    page.click("#client-search button[type=submit]")
    maria = _client_id(office.engine, "PB2")
    page.click(f"#clients tr[data-client='{maria}'] a[href='/clients/{maria}/fees']")
    page.wait_for_selector("#pause-form")
    page.fill("#pause-form input[name=start]", "2026-12-08")
    page.fill("#pause-form input[name=end]", "2026-12-11")
    page.fill("#pause-form input[name=reason]", "болница")
    page.click("#pause-form button[type=submit]")
    page.wait_for_selector("#pauses td:has-text('болница')")
    _shot(page, office, "07-pause")
    with Session(office.engine) as session:
        pause = session.exec(select(SubscriptionPause)).one()
    assert (pause.start, pause.end) == (date(2026, 12, 8), date(2026, 12, 11))


def _own_holiday(page: Any, server: Server, office: Office) -> None:
    """The town's own holiday on Wednesday, its meals delivered the day before: on Tuesday each
    client gets Wednesday's meal with Tuesday's (set before Tuesday's cut-off, at noon)."""
    page.click("nav a[href='/admin/rules']")
    page.fill("#override-form input[name=day]", HOLIDAY.isoformat())
    page.select_option("#override-form select[name=delivers]", "before")
    page.fill("#override-form input[name=note]", "празник на Павел баня")
    page.click("#override-form button[type=submit]")
    page.wait_for_selector("#overrides td:has-text('празник на Павел баня')")
    page.locator("#override-form").scroll_into_view_if_needed()
    _shot(page, office, "08-holiday")
    with Session(office.engine) as session:
        row = session.exec(select(DateOverride)).one()
    assert (row.day, row.delivers, row.deliver_before) == (HOLIDAY, False, True)


def _plan_and_publish(page: Any, server: Server, office: Office) -> str:
    """Tuesday is planned and published: five stops, Мария's pause left out; the driver's
    day link."""
    page.goto(f"{server.url}/board?day={TUESDAY.isoformat()}&service=meals")
    page.wait_for_selector("#state[data-state=none]")
    page.click("#plan")
    page.wait_for_selector("#state[data-state=planned]", timeout=90_000)
    page.click("#publish")
    page.wait_for_selector("#state[data-state=published]", timeout=60_000)
    _shot(page, office, "09-board")
    href = page.locator("a.day-link").first.get_attribute("href")
    assert href and href.startswith("/d/")
    with Session(office.engine) as session:
        planned = session.exec(select(Stop.client_id).where(col(Stop.client_id).is_not(None)))
        stopped = set(planned.all())
    assert _client_id(office.engine, "PB2") not in stopped and len(stopped) == 5
    return str(href)


def _deliver(browser: Any, server: Server, office: Office, day_link: str) -> None:
    """Tuesday 10:30: the driver reports every stop delivered on the phone."""
    phone = browser.new_context(**PHONE)
    phone.clock.install(time=TUESDAY_ROUND)
    driver = phone.new_page()
    driver.goto(server.url + day_link)
    stops = driver.locator("li.stop[data-kind=meal]")
    stops.first.wait_for()
    ids = [stops.nth(i).get_attribute("data-stop") for i in range(stops.count())]
    assert len(ids) == 5
    carried = driver.locator(f"#stop-{ids[0]} p.diet").text_content() or ""
    assert "\u00d7 2" in carried  # Tuesday's meal and the holiday's
    for stop_id in ids:
        button = driver.locator(f"#stop-{stop_id} button[data-report=delivered]")
        if not button.is_visible():
            driver.click(f"#stop-{stop_id} .stop-row")
        button.click()
    driver.wait_for_selector("#queue:empty", state="attached", timeout=30_000)
    _shot(driver, office, "10-phone")
    phone.close()
    with Session(office.engine) as session:
        done = session.exec(select(Stop).where(Stop.status == StopStatus.delivered)).all()
    assert len(done) == 5


def _statements(page: Any, server: Server, office: Office) -> None:
    """December so far: each client's delivered portions at December's prices."""
    page.click("nav a[href='/statements']")
    page.wait_for_selector("#statements")
    assert page.locator("#missing-prices").count() == 0
    rows = page.locator("#statements tr[data-client]")
    fees = {
        rows.nth(i).get_attribute("data-client"): rows.nth(i).locator("td").nth(2).inner_text()
        for i in range(rows.count())
    }
    assert set(fees) == {"PB1", "PB3", "PB4", "PB5", "PB6"}  # Мария was in hospital
    # Tuesday's meal and the holiday's, delivered together on Tuesday, each billed once.
    assert "7.60" in fees["PB1"] and "7.40" in fees["PB4"] and "7.00" in fees["PB3"]
    assert page.inner_text("#statements tr[data-client=PB1] td:nth-child(2)") == "2"
    _shot(page, office, "11-statements")
    with page.expect_download() as download:
        page.click("#month-csv")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Иван Петров" in text
