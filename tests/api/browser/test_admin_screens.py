"""The office's client and resource screens in headless Chromium: the dispatcher finds a
client written in Cyrillic by typing the name in Latin letters, creates a client and gives
them a meal subscription, changes a van's capacity and records a caregiver's holiday. Each
step is checked in the database; a wrong value is refused on the page, naming the field. A
kitchen is created, and a driver's sick leave recorded and removed, on their screens."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.models import (
    Caregiver,
    CaregiverAbsence,
    Client,
    Driver,
    DriverAbsence,
    Kitchen,
    MealSubscription,
    Vehicle,
)
from scheduler.names import transliterate_bg
from tests.api.browser.conftest import ARTIFACTS, Server, seeded_town, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DESK = {"viewport": {"width": 1300, "height": 900}}


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Engine]]:
    with seeded_town(tmp_path_factory, "admin") as town:
        yield town


def test_a_client_is_found_in_latin_letters_and_a_new_one_subscribed(
    town: tuple[Server, Engine], browser: Any
) -> None:
    server, engine = town
    with Session(engine) as session:
        known = session.exec(select(Client).order_by(Client.id)).first()  # type: ignore[arg-type]
        assert known is not None and known.id is not None
    latin = transliterate_bg(known.name.split()[-1])  # "Иванова" typed as "ivanova"
    assert latin.isascii() and latin != known.name.split()[-1].lower()
    start = server.day + timedelta(days=7)
    page = browser.new_page(**DESK)
    try:
        sign_in(page, server)
        page.click("nav a[href='/clients']")
        page.fill("#client-search input[name=q]", latin)
        page.click("#client-search button[type=submit]")
        page.wait_for_selector(f"#clients tr[data-client='{known.id}']")
        page.screenshot(path=str(ARTIFACTS / "admin-clients.png"), full_page=True)

        page.click("#new-client")
        page.fill("#client-form input[name=name]", "Гинка Тодорова")
        page.fill("#client-form input[name=address]", "ул. Шипка 3")
        page.fill("#client-form input[name=village]", "Енина")
        page.fill("#client-form input[name=lat]", "42.66")
        page.fill("#client-form input[name=lon]", "north")
        page.click("#client-form button[type=submit]")
        assert "longitude" in page.inner_text("#problem").lower()
        page.fill("#client-form input[name=lon]", "25.38")
        page.check("#client-form input[name=lives_alone]")
        page.click("#client-form button[type=submit]")
        page.wait_for_selector("#subscription-form")
        page.uncheck("#subscription-form input[value=Tue]")
        page.uncheck("#subscription-form input[value=Thu]")
        page.select_option("#subscription-form select[name=diet]", "diabetic")
        page.fill("#subscription-form input[name=start]", start.isoformat())
        page.click("#subscription-form button[type=submit]")
        page.wait_for_selector("#subscriptions tr[data-subscription]")
        page.screenshot(path=str(ARTIFACTS / "admin-client.png"), full_page=True)
    finally:
        page.close()
    with Session(engine) as session:
        made = session.exec(select(Client).where(Client.name == "Гинка Тодорова")).one()
        assert (made.village, made.lon, made.lives_alone, made.check_on_me) == (
            "Енина", 25.38, True, True,
        )  # fmt: skip
        sub = session.exec(
            select(MealSubscription).where(MealSubscription.client_id == made.id)
        ).one()
        assert (sub.weekdays, sub.diet, sub.valid_from) == ("Mon,Wed,Fri", "diabetic", start)


def test_a_vans_capacity_and_a_caregivers_holiday_are_set_on_the_screens(
    town: tuple[Server, Engine], browser: Any
) -> None:
    server, engine = town
    with Session(engine) as session:
        van = session.exec(select(Vehicle).order_by(Vehicle.id)).first()  # type: ignore[arg-type]
        carer = session.exec(select(Caregiver).order_by(Caregiver.id)).first()  # type: ignore[arg-type]
        assert van is not None and carer is not None
    away = server.day + timedelta(days=20)
    page = browser.new_page(**DESK)
    try:
        sign_in(page, server)
        page.click("nav a[href='/admin/vans']")
        page.click(f"#vans tr[data-van='{van.id}'] a")
        page.fill("#van-form input[name=capacity_portions]", "100001")  # over what REST takes
        page.click("#van-form button[type=submit]")
        assert "capacity (portions)" in page.inner_text("#problem").lower()
        page.fill("#van-form input[name=capacity_portions]", str(van.capacity_portions + 7))
        page.click("#van-form button[type=submit]")
        cell = f"#vans tr[data-van='{van.id}'] td.capacity"
        page.wait_for_selector(f"{cell}:has-text('{van.capacity_portions + 7}')")
        page.screenshot(path=str(ARTIFACTS / "admin-vans.png"), full_page=True)

        page.click("nav a[href='/admin/absences']")
        page.select_option("#absence-form select[name=caregiver_id]", str(carer.id))
        page.fill("#absence-form input[name=start]", away.isoformat())
        page.fill("#absence-form input[name=end]", (away + timedelta(days=4)).isoformat())
        page.select_option("#absence-form select[name=kind]", "holiday")
        page.click("#absence-form button[type=submit]")
        page.wait_for_selector(f"#absences td:has-text('{carer.name}')")
        page.screenshot(path=str(ARTIFACTS / "admin-absences.png"), full_page=True)
    finally:
        page.close()
    with Session(engine) as session:
        changed = session.get(Vehicle, van.id)
        assert changed is not None and changed.capacity_portions == van.capacity_portions + 7
        absence = session.exec(select(CaregiverAbsence).where(CaregiverAbsence.start == away)).one()
        assert (absence.caregiver_id, absence.end, absence.kind) == (
            carer.id, away + timedelta(days=4), "holiday",
        )  # fmt: skip


def test_a_kitchen_and_a_drivers_absence_are_made_on_the_screens(
    town: tuple[Server, Engine], browser: Any
) -> None:
    """A new kitchen (a wrong latitude refused first), a driver for a van, and his sick leave:
    each written as typed, and the absence gone again once removed."""
    server, engine = town
    with Session(engine) as session:
        van = session.exec(select(Vehicle).order_by(Vehicle.id)).first()  # type: ignore[arg-type]
        assert van is not None
    away = server.day + timedelta(days=30)
    page = browser.new_page(**DESK)
    try:
        sign_in(page, server)
        page.click("nav a[href='/admin/kitchens']")
        page.fill("#kitchen-form input[name=external_id]", "K-EAST")
        page.fill("#kitchen-form input[name=name]", "Източна кухня")
        page.fill("#kitchen-form input[name=address]", "ул. Изток 2")
        page.fill("#kitchen-form input[name=lat]", "142.6")
        page.fill("#kitchen-form input[name=lon]", "25.42")
        page.fill("#kitchen-form input[name=hot_meal_minutes]", "70")
        page.fill("#kitchen-form input[name=portions_per_box]", "6")
        page.click("#kitchen-form button[type=submit]")
        assert "latitude" in page.inner_text("#problem").lower()
        page.fill("#kitchen-form input[name=lat]", "42.63")
        page.click("#kitchen-form button[type=submit]")
        page.wait_for_selector("#kitchens td.name:has-text('Източна кухня')")
        page.screenshot(path=str(ARTIFACTS / "admin-kitchens.png"), full_page=True)

        page.click("nav a[href='/admin/drivers']")
        page.fill("#driver-form input[name=name]", "Стоян Колев")
        page.select_option("#driver-form select[name=vehicle_id]", str(van.id))
        page.click("#driver-form button[type=submit]")
        page.wait_for_selector(".driver-form input[value='Стоян Колев']")
        page.click("nav a[href='/admin/driver-absences']")
        page.select_option("#driver-absence-form select[name=driver_id]", label="Стоян Колев")
        page.fill("#driver-absence-form input[name=first_day]", away.isoformat())
        page.fill(
            "#driver-absence-form input[name=last_day]", (away - timedelta(days=1)).isoformat()
        )
        page.select_option("#driver-absence-form select[name=kind]", "sick")
        page.click("#driver-absence-form button[type=submit]")
        assert "until" in page.inner_text("#problem").lower()
        page.fill(
            "#driver-absence-form input[name=last_day]", (away + timedelta(days=2)).isoformat()
        )
        page.fill("#driver-absence-form input[name=note]", "болничен")
        page.click("#driver-absence-form button[type=submit]")
        page.wait_for_selector("#driver-absences td:has-text('Стоян Колев')")
        page.screenshot(path=str(ARTIFACTS / "admin-driver-absences.png"), full_page=True)
        with Session(engine) as session:
            absence = session.exec(select(DriverAbsence)).one()
            driver = session.get(Driver, absence.driver_id)
            assert driver is not None and (driver.name, driver.vehicle_id) == (
                "Стоян Колев",
                van.id,
            )
            assert (absence.first_day, absence.last_day, absence.kind, absence.note) == (
                away, away + timedelta(days=2), "sick", "болничен",
            )  # fmt: skip
        page.click(f"#driver-absences tr[data-driver-absence='{absence.id}'] button")
        page.wait_for_selector("#driver-absences td.muted")
    finally:
        page.close()
    with Session(engine) as session:
        kitchen = session.exec(select(Kitchen).where(Kitchen.external_id == "K-EAST")).one()
        saved = (kitchen.name, kitchen.address, kitchen.lat, kitchen.lon)
        assert saved == ("Източна кухня", "ул. Изток 2", 42.63, 25.42)
        assert (kitchen.hot_meal_minutes, kitchen.portions_per_box) == (70, 6)
        assert session.exec(select(DriverAbsence)).all() == []
