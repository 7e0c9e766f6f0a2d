"""The office's screens in headless Chromium: the dispatcher sets a dated price on the
prices page, then opens a client from the clients list and pauses their meals for a hospital
stay, ends that pause early when the client is back sooner, and adds a holiday delivered anyway
on the rules page. Each is checked in the database, and a wrong price is refused on the page,
naming it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.models import DateOverride, MealSubscription, SubscriptionPause
from scheduler.models.fees import DatedPrice
from tests.api.browser.conftest import ARTIFACTS, Server, seeded_town, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DESK = {"viewport": {"width": 1300, "height": 900}}


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Engine]]:
    with seeded_town(tmp_path_factory, "fees") as town:
        yield town


def test_a_price_is_set_and_a_client_paused_on_the_screens(
    town: tuple[Server, Engine], browser: Any
) -> None:
    server, engine = town
    page = browser.new_page(**DESK)
    try:
        sign_in(page, server)
        page.click("nav a[href='/prices']")
        page.wait_for_selector("#price-form")
        page.select_option("#price-form select[name=kind]", "diabetic")
        page.fill("#price-form input[name=valid_from]", server.day.isoformat())
        page.fill("#price-form input[name=price]", "4.2x")
        page.click("#price-form button[type=submit]")
        assert "price" in page.inner_text("#problem").lower()
        page.fill("#price-form input[name=price]", "3,80")
        page.click("#price-form button[type=submit]")
        page.wait_for_selector("#prices tr[data-price]")
        page.screenshot(path=str(ARTIFACTS / "admin-prices.png"), full_page=True)

        with Session(engine) as session:
            sub = session.exec(select(MealSubscription)).first()
            assert sub is not None
            client_id = sub.client_id
        start = server.day + timedelta(days=7)  # well past any cut-off of the tests' clock
        page.click("nav a[href='/clients']")
        page.click(f"a[href='/clients/{client_id}/fees']")
        page.wait_for_selector("#pause-form")
        page.fill("#pause-form input[name=start]", start.isoformat())
        page.fill("#pause-form input[name=end]", (start + timedelta(days=4)).isoformat())
        page.fill("#pause-form input[name=reason]", "hospital")
        page.click("#pause-form button[type=submit]")
        page.wait_for_selector("#pauses td:has-text('hospital')")
        page.screenshot(path=str(ARTIFACTS / "admin-client-fees.png"), full_page=True)
        # Back from hospital after two days: the pause ends early, the rest has meals again.
        back = start + timedelta(days=1)
        page.fill("#pauses form.end-pause input[name=end]", back.isoformat())
        page.click("#pauses form.end-pause button[type=submit]")
        page.wait_for_selector(f"#pauses input[name=end][max='{back.isoformat()}']")
    finally:
        page.close()
    with Session(engine) as session:
        price = session.exec(select(DatedPrice)).one()
        assert (price.kind, price.valid_from, price.price_cents) == ("diabetic", server.day, 380)
        pause = session.exec(select(SubscriptionPause)).one()
        assert (pause.start, pause.end, pause.reason) == (start, back, "hospital")


def test_a_holiday_delivered_anyway_is_added_on_the_rules_page(
    town: tuple[Server, Engine], browser: Any
) -> None:
    server, engine = town
    holiday = server.day + timedelta(days=30)
    page = browser.new_page(**DESK)
    try:
        sign_in(page, server)
        page.click("nav a[href='/admin/rules']")
        page.wait_for_selector("#override-form")
        assert page.is_disabled("#rules-form input[name=timezone]")  # a dispatcher reads them
        page.fill("#override-form input[name=day]", holiday.isoformat())
        page.select_option("#override-form select[name=delivers]", "yes")
        page.fill("#override-form input[name=note]", "market day")
        page.click("#override-form button[type=submit]")
        page.wait_for_selector("#overrides td:has-text('market day')")
        page.screenshot(path=str(ARTIFACTS / "admin-rules.png"), full_page=True)
    finally:
        page.close()
    with Session(engine) as session:
        row = session.exec(select(DateOverride).where(DateOverride.day == holiday)).one()
        assert (row.delivers, row.note) == (True, "market day")
