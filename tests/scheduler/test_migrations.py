"""Migrations build the schema from empty on both backends and match the models."""

from sqlalchemy import inspect
from sqlmodel import SQLModel

import scheduler.models  # noqa: F401
from scheduler.db import make_engine
from scheduler.migrate import check, upgrade


def test_upgrade_from_empty_matches_models(db_url: str) -> None:
    upgrade(db_url)
    check(db_url)  # raises when models and migrated schema differ
    tables = set(inspect(make_engine(db_url)).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables


def test_upgrade_twice_is_harmless(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    upgrade(sqlite_url)
    check(sqlite_url)
