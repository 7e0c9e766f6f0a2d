"""Row-level security on PostgreSQL: a second wall behind the municipality filter.

The database itself keeps one municipality's transaction out of another's rows, for a raw
query as much as for a route that forgot its filter. The test server's role is a superuser,
which passes every policy; these tests connect as an ordinary role, as production does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from alembic import command
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ProgrammingError
from sqlmodel import Session, select

from api.app import create_app
from api.deps import CurrentCaller, DbSession
from scheduler.migrate import alembic_config, upgrade
from scheduler.migrations.row_security import POLICY, protect_all
from scheduler.models import Client, Role
from scheduler.repositories import row_security
from scheduler.repositories.row_security import SETTING, scope_to_municipality
from scheduler.settings import Settings
from tests import services
from tests.api.conftest import PASSWORD, World, build_world
from tests.pg_roles import ordinary_role

pytestmark = pytest.mark.integration

# Tables the world seeds in both towns: each must show only the named town's rows.
SEEDED = (
    *("client", "mealorder", "plan", "planversion", "route", "stop", "alert", "visit"),
    *("caregiver", "user", "apitoken", "pushtarget", "routepin", "kitchen", "vehicle"),
)


@pytest.fixture(scope="module")
def walled(request: pytest.FixtureRequest) -> Iterator[tuple[World, str]]:
    """Two towns on PostgreSQL (seeded by the superuser) and the URL of an ordinary role."""
    with services.scratch_or_skip(request.getfixturevalue("postgres_server_url")) as url:
        world = build_world(url)
        with ordinary_role(url) as role_url:
            yield world, role_url
        world.engine.dispose()


@pytest.fixture(scope="module")
def role_engine(walled: tuple[World, str]) -> Iterator[Engine]:
    engine = create_engine(walled[1])
    yield engine
    engine.dispose()


def _towns_in(conn: Connection, table: str) -> set[int]:
    rows = conn.execute(text(f'SELECT DISTINCT municipality_id FROM "{table}"'))
    return set(rows.scalars())


def _name(conn: Connection, municipality_id: int) -> None:
    conn.execute(text("SELECT set_config(:k, :v, true)"), {"k": SETTING, "v": str(municipality_id)})


def test_every_table_with_a_municipality_has_a_forced_policy(walled: tuple[World, str]) -> None:
    world, _ = walled
    with world.engine.connect() as conn:
        tenant = set(
            conn.execute(
                text(
                    "SELECT table_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND column_name = 'municipality_id'"
                )
            ).scalars()
        )
        walled_in = set(
            conn.execute(
                text(
                    "SELECT c.relname FROM pg_policies p JOIN pg_class c "
                    "ON c.relname = p.tablename AND c.relnamespace = p.schemaname::regnamespace "
                    "WHERE p.policyname = :p AND c.relrowsecurity AND c.relforcerowsecurity"
                ),
                {"p": POLICY},
            ).scalars()
        )
    assert set(SEEDED) <= tenant
    assert tenant - walled_in == set(), "tables with municipality_id and no forced policy"


def test_a_raw_query_on_one_towns_connection_sees_none_of_the_other(
    walled: tuple[World, str], role_engine: Engine
) -> None:
    world, _ = walled
    a, b = world.town_ids["Kazanlak"], world.town_ids["Maribor"]
    for mine in (a, b):
        with role_engine.begin() as conn:
            _name(conn, mine)
            seen = {table: _towns_in(conn, table) for table in SEEDED}
        assert seen == {table: {mine} for table in SEEDED}


def test_without_the_setting_a_connection_sees_every_town(
    walled: tuple[World, str], role_engine: Engine
) -> None:
    """Workers, the clock, the command line and migrations name no municipality."""
    world, _ = walled
    both = set(world.town_ids.values())
    with role_engine.begin() as conn:
        assert {table: _towns_in(conn, table) for table in SEEDED} == dict.fromkeys(SEEDED, both)


def test_the_setting_ends_with_its_transaction(
    walled: tuple[World, str], role_engine: Engine
) -> None:
    """A pooled connection does not carry one request's town into the next user's hands."""
    world, _ = walled
    with role_engine.connect() as conn:
        with conn.begin():
            _name(conn, world.town_ids["Kazanlak"])
            assert _towns_in(conn, "client") == {world.town_ids["Kazanlak"]}
        with conn.begin():
            assert _towns_in(conn, "client") == set(world.town_ids.values())


def test_one_town_cannot_write_the_others_rows(
    walled: tuple[World, str], role_engine: Engine
) -> None:
    world, _ = walled
    a, b = world.town_ids["Kazanlak"], world.town_ids["Maribor"]
    insert = text(
        "INSERT INTO alert (municipality_id, kind, severity, message, created_at, ack_note, "
        "detail, step) VALUES (:m, 'welfare', 'warning', 'planted', now(), '', '{}', 0)"
    )
    with pytest.raises(ProgrammingError, match="row-level security"), role_engine.begin() as conn:
        _name(conn, a)
        conn.execute(insert, {"m": b})
    # Moving a row of its own into the other town is refused too (WITH CHECK).
    move = text("UPDATE client SET municipality_id = :b WHERE municipality_id = :a")
    with pytest.raises(ProgrammingError, match="row-level security"), role_engine.begin() as conn:
        _name(conn, a)
        conn.execute(move, {"a": a, "b": b})
    # Nor can it touch the other town's rows: they are not there for it.
    with role_engine.begin() as conn:
        _name(conn, a)
        gone = conn.execute(text("DELETE FROM alert WHERE municipality_id = :b"), {"b": b})
        assert gone.rowcount == 0
        conn.rollback()
    with role_engine.begin() as conn:
        assert conn.execute(insert, {"m": b}).rowcount == 1  # unnamed: allowed, as for workers
        conn.rollback()


def _app_as_role(role_url: str) -> FastAPI:
    """The API connected as the ordinary role, with one careless route added: it lists
    clients without the municipality filter, as a route that forgot it would."""
    app = create_app(
        Settings(
            database_url=role_url,
            secret_key="test-secret",
            redis_url="redis://127.0.0.1:9/0",
            plan_days_back=36500,
            plan_days_ahead=36500,
        )
    )

    @app.get("/careless/clients")
    def careless(caller: CurrentCaller, session: DbSession) -> list[dict[str, Any]]:
        first = sorted({c.municipality_id for c in session.exec(select(Client)).all()})
        session.commit()  # a new transaction must stay walled in too
        second = sorted({c.municipality_id for c in session.exec(select(Client)).all()})
        return [{"first": first, "second": second}]

    return app


@pytest.fixture(scope="module")
def role_app(walled: tuple[World, str]) -> Iterator[FastAPI]:
    app = _app_as_role(walled[1])
    yield app
    app.state.engine.dispose()


def test_the_api_works_under_an_ordinary_role(walled: tuple[World, str], role_app: FastAPI) -> None:
    world, _ = walled
    browser = TestClient(role_app, raise_server_exceptions=False)
    who = {"municipality": "Kazanlak", "username": Role.dispatcher.value, "password": PASSWORD}
    assert browser.post("/login", data=who, follow_redirects=False).status_code == 303
    assert browser.get("/v1/me").json()["username"] == Role.dispatcher.value
    assert browser.get("/board").status_code == 200
    stream = browser.get("/board/stream?day=2026-01-06&once=true")  # its own session, walled
    assert stream.status_code == 200 and '"version": 1' in stream.text, stream.text
    token = world.tokens[("Maribor", Role.dispatcher)]
    api = TestClient(role_app, headers={"Authorization": f"Bearer {token}"})
    answer = api.get("/v1/clients")
    assert answer.status_code == 200, answer.text
    assert [c["external_id"] for c in answer.json()["items"]] == ["C1"]
    # A change writes the row, its audit entry, event and outbox row under the wall.
    made = api.post(
        "/v1/clients", json={"external_id": "RLS1", "name": "Ana", "lon": 15.6, "lat": 46.5}
    )
    assert made.status_code == 201, made.text
    with world.session() as session:
        row = session.get(Client, made.json()["id"])
        assert row is not None and row.municipality_id == world.town_ids["Maribor"]


@pytest.mark.parametrize("town", ["Kazanlak", "Maribor"])
def test_a_route_that_forgot_its_filter_still_sees_one_town(
    walled: tuple[World, str], role_app: FastAPI, town: str
) -> None:
    world, _ = walled
    token = world.tokens[(town, Role.dispatcher)]
    api = TestClient(role_app, headers={"Authorization": f"Bearer {token}"})
    answer = api.get("/careless/clients")
    assert answer.status_code == 200, answer.text
    mine = world.town_ids[town]
    assert answer.json() == [{"first": [mine], "second": [mine]}]


def test_the_same_careless_route_as_superuser_shows_why_the_wall_matters(
    walled: tuple[World, str],
) -> None:
    """The superuser passes every policy: the route's own filter was all there was."""
    world, _ = walled
    app = _app_as_role(str(world.engine.url.render_as_string(hide_password=False)))
    token = world.tokens[("Kazanlak", Role.dispatcher)]
    answer = TestClient(app, headers={"Authorization": f"Bearer {token}"}).get("/careless/clients")
    app.state.engine.dispose()
    assert answer.json()[0]["first"] == sorted(world.town_ids.values())


def _policies(url: str) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT tablename FROM pg_policies WHERE policyname = :p"), {"p": POLICY}
        )
        names = set(found.scalars())
    engine.dispose()
    return names


def test_the_migration_goes_down_and_up_again(postgres_url: str) -> None:
    upgrade(postgres_url)
    walled_in = _policies(postgres_url)
    assert {"client", "mealorder", "plan", "alert"} <= walled_in
    # Down to before the row security step (0021; later steps protect the tables they add).
    command.downgrade(alembic_config(postgres_url), "0020")
    assert _policies(postgres_url) == set()
    upgrade(postgres_url)
    assert _policies(postgres_url) == walled_in


def test_sqlite_gets_no_policies_and_no_setting(sqlite_engine: Engine) -> None:
    """SQLite has no row security: the migration and the API's scoping leave it alone."""
    with sqlite_engine.begin() as conn:
        assert protect_all(conn) == []
    with Session(sqlite_engine) as session:
        scope_to_municipality(1, session=session)
        assert not event.contains(session, "after_begin", row_security._on_begin)
