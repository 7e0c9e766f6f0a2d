"""A running API over a real migrated database with two municipalities and a user per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.app import create_app
from scheduler.db import make_engine
from scheduler.migrate import upgrade
from scheduler.models import Municipality, Role
from scheduler.repositories.users import create_user, issue_token
from scheduler.settings import Settings

PASSWORD = "correct horse battery"
TOWNS = ("Kazanlak", "Maribor")


@dataclass
class World:
    app: FastAPI
    engine: Engine
    town_ids: dict[str, int]
    tokens: dict[tuple[str, Role], str] = field(default_factory=dict)
    user_ids: dict[tuple[str, Role], int] = field(default_factory=dict)

    def client(self, town: str | None = None, role: Role | None = None) -> TestClient:
        """A client acting as that town's user of that role (bearer token), or anonymous."""
        client = TestClient(self.app, raise_server_exceptions=False)
        if town and role:
            client.headers["Authorization"] = f"Bearer {self.tokens[(town, role)]}"
        return client

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)


def build_world(url: str) -> World:
    upgrade(url)
    engine = make_engine(url)
    app = create_app(Settings(database_url=url, secret_key="test-secret"))
    world = World(app=app, engine=engine, town_ids={})
    with world.session() as session:
        for name, zone, locale in zip(
            TOWNS, ("Europe/Sofia", "Europe/Ljubljana"), ("bg", "sl"), strict=True
        ):
            town = Municipality(name=name, timezone=zone, locale=locale, country=locale.upper())
            session.add(town)
            session.flush()
            assert town.id is not None
            world.town_ids[name] = town.id
            for role in Role:
                user = create_user(
                    town.id, session=session, username=role.value, password=PASSWORD, role=role
                )
                assert user.id is not None
                world.user_ids[(name, role)] = user.id
                world.tokens[(name, role)] = issue_token(user, "tests", session=session).secret
        session.commit()
    return world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One database per test module (building it costs more than most tests)."""
    path: Path = tmp_path_factory.mktemp("api") / "api.db"
    world = build_world(f"sqlite:///{path.as_posix()}")
    yield world
    world.engine.dispose()
