"""`patronage import KIND FILE --municipality NAME`: load a base-data file (CSV or .xlsx)."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import inspect

from api.console import console, progress
from api.problems import ProblemError
from api.ratelimit import buckets_for, charge
from scheduler.db import get_engine, session_scope
from scheduler.errors import InvalidInputError
from scheduler.intake.importing import ImportKind, ImportResult, import_file
from scheduler.models.base import utcnow
from scheduler.repositories.tenancy import (
    DEFAULT_LOCALE,
    DEFAULT_TIMEZONE,
    get_municipality_by_name,
)
from scheduler.settings import get_settings


def import_command(
    kind: ImportKind = typer.Argument(..., help="Which file: kitchens, vehicles, clients, ..."),
    file: Path = typer.Argument(..., help="A .csv (UTF-8, comma, header row) or .xlsx file."),
    municipality: str = typer.Option(..., "--municipality", "-m", help="Municipality name."),
    timezone: str | None = typer.Option(
        None, help=f"Time zone of a new municipality (default {DEFAULT_TIMEZONE})."
    ),
    locale: str | None = typer.Option(
        None, help=f"Language of a new municipality (default {DEFAULT_LOCALE})."
    ),
) -> None:
    """Import a file of kitchens, vehicles, clients, caregivers or visits (see IMPORT.md).

    A file with any bad row is refused whole, and every bad row is listed.

    Importing the same file again changes nothing.

    Order: kitchens, vehicles, clients, caregivers, visits (each names rows of earlier ones).
    """
    engine = get_engine()
    if not inspect(engine).has_table("municipality"):
        console().print("[red]The database has no tables yet; run `patronage db upgrade`.[/red]")
        raise typer.Exit(2)
    _warn_if_settings_ignored(municipality, timezone, locale)
    _check_rate(municipality)
    started = time.perf_counter()
    try:
        with progress() as bar, session_scope(engine) as session:
            task = bar.add_task(f"Importing {kind.value}", total=None)
            result = import_file(
                kind, file, municipality=municipality, session=session,
                timezone=timezone or DEFAULT_TIMEZONE, locale=locale or DEFAULT_LOCALE,
                on_progress=lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip
    except InvalidInputError as exc:
        _print_problems(file, exc)
        raise typer.Exit(1) from None
    _print_result(result, time.perf_counter() - started)


def _check_rate(municipality: str) -> None:
    """With Redis, an import takes from the municipality's allowance that its servers share
    (api/ratelimit.py); without it a one-off command has no allowance worth keeping."""
    settings = get_settings()
    if not settings.redis_url:
        return
    try:
        charge(
            buckets_for(settings), settings, "import", municipality=municipality.casefold(),
            credential="cli", now=utcnow(),
        )  # fmt: skip
    except ProblemError as exc:
        console().print(f"[red]{exc.problem.detail}[/red]")
        raise typer.Exit(1) from None


def _warn_if_settings_ignored(name: str, timezone: str | None, locale: str | None) -> None:
    """An existing municipality keeps its time zone and locale; say so rather than ignore."""
    with session_scope() as session:
        town = get_municipality_by_name(name, session=session)
        if town is None:
            return
        for option, given, kept in (
            ("timezone", timezone, town.timezone),
            ("locale", locale, town.locale),
        ):
            if given is not None and given != kept:
                note = f"{town.name} exists with --{option} {kept}; {given} is ignored."
                console().print(f"[yellow]{note}[/yellow]")


def _print_problems(file: Path, exc: InvalidInputError) -> None:
    table = Table(title=f"{file.name}: refused, nothing was imported", title_style="bold red")
    table.add_column("row", justify="right")
    table.add_column("column")
    table.add_column("problem")
    for problem in exc.problems:
        row = "" if problem.row is None else str(problem.row)
        table.add_row(row, problem.field, problem.message)
    console().print(table)
    console().print(
        f"[red]{len(exc.problems)} problem(s); fix them and import the file again.[/red]"
    )


def _print_result(result: ImportResult, seconds: float) -> None:
    if result.municipality_created:
        console().print(f"[green]Created municipality {result.municipality}.[/green]")
    console().print(
        f"[green]{result.kind.value}[/green] for {result.municipality}: {result.rows} rows, "
        f"{result.created} new, {result.updated} changed, {result.unchanged} unchanged "
        f"({seconds:.1f} s)"
    )
