"""`patronage import KIND FILE --municipality NAME`: load a base-data file (CSV or .xlsx)."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import inspect

from api.console import console, office_words, progress
from api.i18n import Translator
from api.import_words import reason_text
from api.problems import ProblemError
from api.ratelimit import buckets_for, charge
from scheduler.db import get_engine, session_scope
from scheduler.errors import InvalidInputError
from scheduler.intake.importing import ImportKind, ImportResult, import_file
from scheduler.models.base import utcnow
from scheduler.repositories.addresses import clients_to_check
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
        t = office_words(locale or DEFAULT_LOCALE)  # no municipality to ask yet
        empty = t.gettext("The database has no tables yet; run `patronage db upgrade`.")
        console().print(empty, style="red", markup=False)
        raise typer.Exit(2)
    _warn_if_settings_ignored(municipality, timezone, locale)
    t = _words(municipality, locale)
    _check_rate(municipality, t)
    started = time.perf_counter()
    try:
        with progress() as bar, session_scope(engine) as session:
            doing = t.gettext("Importing %(kind)s") % {"kind": t.gettext(kind.value)}
            task = bar.add_task(doing, total=None)
            result = import_file(
                kind, file, municipality=municipality, session=session,
                timezone=timezone or DEFAULT_TIMEZONE, locale=locale or DEFAULT_LOCALE,
                on_progress=lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip
    except InvalidInputError as exc:
        _print_problems(file, exc, t)
        raise typer.Exit(1) from None
    _print_result(result, time.perf_counter() - started, t)
    if result.kind is ImportKind.clients:
        _print_addresses_to_check(result.municipality_id, t)


def _check_rate(municipality: str, t: Translator) -> None:
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
        again = t.gettext("Too many imports for now; try again in %(seconds)s s.")
        wait = exc.headers.get("Retry-After", "60") if exc.headers else "60"
        console().print(again % {"seconds": wait}, style="red", markup=False)
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
                said = {"town": town.name, "option": option, "kept": kept, "given": given}
                note = (
                    office_words(town.locale).gettext(
                        "%(town)s exists with --%(option)s %(kept)s; %(given)s is ignored."
                    )
                    % said
                )
                console().print(f"[yellow]{note}[/yellow]")


def _words(name: str, locale: str | None) -> Translator:
    """The office's words: its language, else the municipality's (or the one it gets)."""
    with session_scope() as session:
        town = get_municipality_by_name(name, session=session)
    return office_words(town.locale if town else locale or DEFAULT_LOCALE)


def _print_problems(file: Path, exc: InvalidInputError, t: Translator) -> None:
    _ = t.gettext
    title = _("%(file)s: refused, nothing was imported") % {"file": file.name}
    table = Table(title=title, title_style="bold red")
    table.add_column(_("Row"), justify="right")
    table.add_column(_("Column"))
    table.add_column(_("Problem"))
    for problem in exc.problems:
        row = "" if problem.row is None else str(problem.row)
        table.add_row(row, problem.field, reason_text(problem, t))
    console().print(table)
    n = len(exc.problems)
    said = t.ngettext(
        "%(n)s problem; fix it and import the file again.",
        "%(n)s problems; fix them and import the file again.",
        n,
    )
    console().print(f"[red]{said % {'n': n}}[/red]")


def _print_addresses_to_check(municipality_id: int, t: Translator) -> None:
    """Clients the geocoder did not place (or none was asked): not planned until placed."""
    with session_scope() as session:
        n = len(clients_to_check(municipality_id, session=session))
    if n:
        said = t.ngettext(
            "%(n)s client without a place on the map: place it on the Addresses page "
            "(/clients/addresses).",
            "%(n)s clients without a place on the map: place them on the Addresses page "
            "(/clients/addresses).",
            n,
        )
        console().print(f"[yellow]{said % {'n': n}}[/yellow]")


def _print_result(result: ImportResult, seconds: float, t: Translator) -> None:
    _ = t.gettext
    if result.municipality_created:
        made = _("Created municipality %(name)s.") % {"name": result.municipality}
        console().print(f"[green]{made}[/green]")
    counts = _(
        "%(kind)s for %(municipality)s: %(rows)s rows, %(created)s new, %(updated)s changed, "
        "%(unchanged)s unchanged (%(seconds)s s)"
    ) % {
        "kind": f"[green]{_(result.kind.value)}[/green]",
        "municipality": result.municipality,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "seconds": t.number(seconds, places=1),
    }
    console().print(counts)
