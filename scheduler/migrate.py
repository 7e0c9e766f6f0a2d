"""Schema migrations (Alembic) run from code, against the configured or a given database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from scheduler.db import make_engine
from scheduler.settings import get_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def owner_url() -> str:
    """Where migrations run: the schema's owner if configured, else the processes' URL."""
    settings = get_settings()
    return settings.migration_database_url or settings.effective_database_url


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # configparser treats % as interpolation; URLs may hold %-escapes (socket paths).
    cfg.set_main_option("sqlalchemy.url", (url or owner_url()).replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the database at `url` (default: the configured one) up to `revision`."""
    url = url or owner_url()
    make_engine(url).dispose()  # creates the SQLite folder when needed
    command.upgrade(alembic_config(url), revision)


def check(url: str | None = None) -> None:
    """Raise if the models and the migrated schema differ (alembic check)."""
    command.check(alembic_config(url))


def revision(message: str, url: str | None = None) -> None:
    """Autogenerate a new revision from the difference between models and the database."""
    command.revision(alembic_config(url), message=message, autogenerate=True)
