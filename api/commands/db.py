"""`patronage db ...`: schema migrations and upkeep."""

from __future__ import annotations

import typer

from api.console import console
from scheduler import migrate
from workers.upkeep import prune_access_records_job

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Create or migrate the configured database as its owner (PATRONAGE_MIGRATION_DATABASE_URL,
    else PATRONAGE_DATABASE_URL, else SQLite)."""
    url = migrate.owner_url()
    migrate.upgrade(url, revision)
    console().print(f"[green]Database at revision {revision}[/green]: {_safe(url)}")


@app.command("check")
def check() -> None:
    """Fail if the database schema and the models differ."""
    migrate.check()
    console().print("[green]Schema matches the models.[/green]")


@app.command("prune")
def prune() -> None:
    """Delete page sessions and sign-in attempts older than PATRONAGE_ACCESS_RECORDS_KEEP_DAYS."""
    pruned = prune_access_records_job()
    console().print(
        f"[green]Pruned[/green] {pruned.sessions} page sessions and "
        f"{pruned.signin_attempts} sign-in attempts."
    )


def _safe(url: str) -> str:
    """The URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
