"""Addresses to check in headless Chromium: two clients entered without coordinates were
looked up on a real local server speaking Nominatim's protocol; one matched two streets, the
other nothing. The dispatcher chooses the second candidate for the first and places the pin
on the map for the other; both are then placed by hand, in the database and off the page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.db import make_engine
from scheduler.intake import addresses
from scheduler.models import AddressCheck, Client, LocationSource
from scheduler.repositories.tenancy import get_municipality_by_name
from scheduler.roads.geocoding import Nominatim, Pace
from tests.api.browser.conftest import ARTIFACTS, Server, _seed, running_server, sign_in, sqlite_url
from tests.geocoder import FakeClock, nominatim_server, place

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DESK = {"viewport": {"width": 1300, "height": 1100}}
TWINS = [
    place(42.6230, 25.4010, "Шипка", "ул. Шипка, Казанлък, България", importance=0.2),
    place(42.7150, 25.3280, "Шипка", "ул. Шипка, Шипка, България", importance=0.19, place_id=2),
]


def _flagged_clients(engine: Engine, url: str) -> None:
    """Two clients without coordinates, looked up on the local geocoder."""
    clock = FakeClock()
    with Session(engine) as session, httpx.Client(base_url=url, timeout=5) as http:
        town = get_municipality_by_name("Kazanlak", session=session)
        assert town is not None and town.id is not None
        for ext, address in (("geo-twin", "ул. Шипка 3"), ("geo-lost", "Няма такава 1")):
            row = Client(municipality_id=town.id, external_id=ext, name=f"Client {ext}",
                         address=address, lon=0.0, lat=0.0)  # fmt: skip
            session.add(row)
            session.flush()
            addresses.mark_pending(row, session=session)
        geocoder = Nominatim(http, user_agent="tests", pace=Pace(clock=clock, sleep=clock.sleep))
        addresses.locate_clients(town, session=session, geocoder=geocoder)
        session.commit()


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Engine]]:
    folder = tmp_path_factory.mktemp("addresses")
    url = sqlite_url(folder)
    day = _seed(url, folder / "files")
    engine = make_engine(url)
    with nominatim_server() as (geo_url, state):
        state.answers["ул. шипка 3, kazanlak"] = TWINS
        _flagged_clients(engine, geo_url)
        assert len(state.asked) == 2
    with running_server(folder, url, day) as server:
        yield server, engine
    engine.dispose()


def _client(engine: Engine, ext: str) -> Client:
    with Session(engine) as session:
        return session.exec(select(Client).where(Client.external_id == ext)).one()


def test_a_candidate_is_chosen_and_a_pin_placed(town: tuple[Server, Engine], browser: Any) -> None:
    server, engine = town
    twin, lost = _client(engine, "geo-twin"), _client(engine, "geo-lost")
    assert (twin.address_check, lost.address_check) == ("ambiguous", "not_found")
    page = browser.new_page(**DESK)
    try:
        sign_in(page, server)
        page.click("nav a[href='/clients/addresses']")
        card = f".address[data-client='{twin.id}']"
        page.wait_for_selector(f"{card} .candidate-mark")
        assert page.locator(f"{card} .candidate-mark").count() == 2
        assert "ул. Шипка, Шипка" in page.inner_text(f"{card} .candidates")
        page.screenshot(path=str(ARTIFACTS / "admin-addresses.png"), full_page=True)
        page.click(f"{card} .candidates li:nth-child(2) button")
        page.wait_for_selector(card, state="detached")

        other = f".address[data-client='{lost.id}']"
        button = page.locator(f"{other} .pin-form button[type=submit]")
        assert button.is_disabled()
        page.click(f"#map-{lost.id}", position={"x": 300, "y": 120})
        assert not button.is_disabled()
        lat = float(page.input_value(f"{other} .pin-form input[name=lat]"))
        lon = float(page.input_value(f"{other} .pin-form input[name=lon]"))
        button.click()
        page.wait_for_selector("#none")
    finally:
        page.close()
    twin, lost = _client(engine, "geo-twin"), _client(engine, "geo-lost")
    assert (twin.lat, twin.lon) == (42.7150, 25.3280)
    assert (twin.location_source, twin.address_check) == (LocationSource.hand, AddressCheck.ok)
    assert (lost.lat, lost.lon) == (pytest.approx(lat), pytest.approx(lon))
    assert 42.0 < lost.lat < 43.5 and 24.5 < lost.lon < 26.5  # near the town's kitchens
    assert (lost.location_source, lost.address_check) == (LocationSource.hand, AddressCheck.ok)
