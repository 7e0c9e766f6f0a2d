"""Clients entered with an address and no coordinates: the geocoder's verdict (found,
ambiguous, not found), answers kept so no address is asked twice, a clients file with an
address nobody can find still imported whole, and flagged clients left out of plans with a
reason. The geocoder is a real local server speaking Nominatim's protocol (tests/geocoder.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.db import session_scope
from scheduler.intake import addresses
from scheduler.intake.addresses import Area, judge, normalise, query_for
from scheduler.intake.cutoff import freeze_day
from scheduler.intake.importing import COLUMNS, import_file, import_table, read_table
from scheduler.lab.synthetic import write_csv
from scheduler.models import AddressCheck, Client, GeocodeAnswer, LocationSource, Municipality
from scheduler.planning import plan_day
from scheduler.repositories.plans import unassigned_of
from scheduler.roads.geocoding import Nominatim, Pace, Place
from tests.geocoder import FakeClock, NominatimState, nominatim_server, place
from tests.scheduler import meal_town

TODAY = date(2025, 3, 3)
KAZANLAK = Area(25.0, 42.3, 25.8, 42.9)
ROSE = place(42.6191, 25.3934, "5", "5, ул. Розова долина, Казанлък, България", importance=0.3)
SHIPKA_1 = place(42.6230, 25.4010, "Шипка", "ул. Шипка, Казанлък, България", importance=0.2)
SHIPKA_2 = place(42.7150, 25.3280, "Шипка", "ул. Шипка, Шипка, България", importance=0.19,
                 place_id=2)  # fmt: skip
FAR = place(43.2141, 27.9147, "Шипка", "ул. Шипка, Варна, България", importance=0.4, place_id=3)


def _place(raw: dict[str, object]) -> Place:
    return Place(float(str(raw["lat"])), float(str(raw["lon"])), str(raw["display_name"]),
                 float(str(raw["importance"])), 30, "building/house")  # fmt: skip


def test_one_place_is_found_several_alike_are_ambiguous_none_is_not_found() -> None:
    assert judge([_place(ROSE)], KAZANLAK).check is AddressCheck.ok
    assert judge([], KAZANLAK).check is AddressCheck.not_found
    assert judge([_place(SHIPKA_1), _place(SHIPKA_2)], KAZANLAK).check is AddressCheck.ambiguous
    # Far more important than the next: clear. The same building twice: one place.
    clear = judge([_place(ROSE), _place({**SHIPKA_2, "importance": 0.05})], KAZANLAK)
    assert clear.place == _place(ROSE)
    twin = {**ROSE, "lat": "42.6195", "importance": 0.29}
    assert judge([_place(ROSE), _place(twin)], KAZANLAK).check is AddressCheck.ok
    # Outside the municipality's area: not trusted, even alone.
    assert judge([_place(FAR)], KAZANLAK).check is AddressCheck.ambiguous
    assert judge([_place(FAR), _place(SHIPKA_1)], KAZANLAK).place == _place(SHIPKA_1)


def test_queries_name_the_municipality_once_and_are_kept_in_one_spelling() -> None:
    town = Municipality(name="Kazanlak")
    assert query_for("ul. Rozova dolina 5", town) == "ul. Rozova dolina 5, Kazanlak"
    assert query_for("ul. Rozova dolina 5, KAZANLAK", town) == "ul. Rozova dolina 5, KAZANLAK"
    assert normalise("Ул.  Розова долина 5 ,Казанлък") == "ул. розова долина 5, казанлък"


@pytest.fixture
def geocoder(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[NominatimState, FakeClock]]:
    """The settings' geocoder is the local server, paced on a clock that does not wait."""
    clock = FakeClock()
    with nominatim_server() as (url, state), httpx.Client(base_url=url, timeout=5) as http:
        served = Nominatim(http, user_agent="tests", pace=Pace(clock=clock, sleep=clock.sleep))
        monkeypatch.setattr(addresses, "default_geocoder", lambda: served)
        yield state, clock


def _clients_file(folder: Path, rows: list[dict[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "clients.csv"
    full = [dict.fromkeys(COLUMNS["clients"], "") | r for r in rows]
    write_csv(path, COLUMNS["clients"], full)
    return path


def _row(ext: str, address: str, lon: str = "", lat: str = "") -> dict[str, str]:
    return {
        "external_id": ext, "name": f"Client {ext}", "address": address, "lon": lon, "lat": lat,
        "diet": "general", "portions": "1", "weekdays": "Mon-Fri", "window_start": "11:00",
        "window_end": "13:00",
    }  # fmt: skip


def test_a_file_with_an_unfindable_address_imports_and_flags_it(
    engine: Engine, tmp_path: Path, geocoder: tuple[NominatimState, FakeClock]
) -> None:
    state, clock = geocoder
    state.answers["ул. розова долина 5, kazanlak"] = [ROSE]
    state.answers["ул. шипка, kazanlak"] = [SHIPKA_1, SHIPKA_2]
    with session_scope(engine) as session:
        town = meal_town.town(session)
        meal_town.kitchen(session, town, "K1")
    rows = [
        _row("c1", "ул. Розова долина 5"),
        _row("c2", "ул. Розова  долина 5"),  # the same address, spelled a little differently
        _row("c3", "ул. Шипка"),
        _row("c4", "Несъществуваща 99"),
        _row("c5", "", lon="25.40", lat="42.61"),
    ]
    path = _clients_file(tmp_path, rows)
    with session_scope(engine) as session:
        result = import_file("clients", path, municipality="Kazanlak", session=session,
                             today=TODAY)  # fmt: skip
    assert (result.rows, result.created) == (5, 5)
    assert len(state.asked) == 3  # c2 is c1's answer, kept; c5 has its coordinates
    assert all(a.headers["user-agent"] == "tests" for a in state.asked)
    assert clock.slept == [pytest.approx(1.0)] * 2  # a second between the three requests
    with Session(engine) as session:
        found = {c.external_id: c for c in session.exec(select(Client)).all()}
        kept = session.exec(select(GeocodeAnswer)).all()
    assert (found["c1"].lat, found["c1"].lon) == (42.6191, 25.3934)
    assert (found["c2"].lat, found["c2"].lon) == (42.6191, 25.3934)
    assert found["c1"].location_source is LocationSource.geocoder
    assert found["c1"].address_check is AddressCheck.ok
    assert found["c3"].address_check is AddressCheck.ambiguous
    assert found["c4"].address_check is AddressCheck.not_found
    assert (found["c5"].location_source, found["c5"].address_check) == ("given", "ok")
    assert len(kept) == 3

    with session_scope(engine) as session:  # the same file again asks nothing
        import_file("clients", path, municipality="Kazanlak", session=session, today=TODAY)
    assert len(state.asked) == 3
    with Session(engine) as session:
        again = {c.external_id: c.address_check for c in session.exec(select(Client)).all()}
    assert again == {c: f.address_check for c, f in found.items()}


def test_a_geocoder_that_is_down_leaves_clients_pending_and_imports(
    engine: Engine, tmp_path: Path, geocoder: tuple[NominatimState, FakeClock]
) -> None:
    state, _ = geocoder
    state.script = [(503, {})] * 3
    with session_scope(engine) as session:
        town = meal_town.town(session)
        meal_town.kitchen(session, town, "K1")
    path = _clients_file(tmp_path, [_row("c1", "ул. Розова долина 5"), _row("c2", "Шипка 1")])
    with session_scope(engine) as session:
        result = import_file("clients", path, municipality="Kazanlak", session=session,
                             today=TODAY)  # fmt: skip
    assert result.created == 2
    assert len(state.asked) == 3  # one address, tried three times; the next is not asked
    with Session(engine) as session:
        checks = {c.external_id: c.address_check for c in session.exec(select(Client)).all()}
        assert session.exec(select(GeocodeAnswer)).all() == []  # a failure is not an answer
    assert checks == {"c1": AddressCheck.pending, "c2": AddressCheck.pending}


def test_a_flagged_client_is_left_out_of_the_plan_with_a_reason(sqlite_engine: Engine) -> None:
    day = date(2025, 6, 3)
    with Session(sqlite_engine) as session:
        town = meal_town.town(session)
        k1 = meal_town.kitchen(session, town, "K1")
        meal_town.van(session, town, k1, "V1")
        meal_town.client(session, town, k1, "here")
        lost = meal_town.client(session, town, k1, "lost")
        lost.address_check = AddressCheck.not_found
        session.add(lost)
        assert town.id is not None
        freeze_day(town.id, day, "meals", session=session)
        version = plan_day(town.id, day, "meals", session=session, time_limit=1.0,
                           now=datetime(2025, 6, 2, 12, 0, tzinfo=UTC))  # fmt: skip
        assert version.id is not None
        left = {u.job_id: u for u in unassigned_of(town.id, version.id, session=session)}
    assert set(left) == {"lost"}
    assert "was not found on the map" in left["lost"].explanation
    assert "Clients > Addresses" in left["lost"].explanation


def test_a_trial_import_asks_nothing_and_leaves_clients_pending(
    engine: Engine, tmp_path: Path, geocoder: tuple[NominatimState, FakeClock]
) -> None:
    state, _ = geocoder
    with session_scope(engine) as session:
        town = meal_town.town(session)
        meal_town.kitchen(session, town, "K1")
    table = read_table(_clients_file(tmp_path, [_row("c1", "ул. Розова долина 5")]),
                       COLUMNS["clients"])  # fmt: skip
    with session_scope(engine) as session:
        import_table("clients", table, municipality="Kazanlak", session=session, today=TODAY,
                     look_up_addresses=False)  # fmt: skip
    assert state.asked == []
    with Session(engine) as session:
        assert session.exec(select(Client)).one().address_check is AddressCheck.pending
