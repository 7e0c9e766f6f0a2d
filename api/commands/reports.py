"""`patronage sheets` and `patronage month-report`: printed outputs as HTML and PDF files."""

from __future__ import annotations

from pathlib import Path

import typer

from api.commands.planning import parse_day, parse_month, refusals, town, written
from api.console import said
from scheduler.db import session_scope
from scheduler.reports.labels import DEFAULT_SHEET, SHEETS
from scheduler.reports.outputs import write_day_sheets, write_month
from scheduler.wording import N_


def register(app: typer.Typer) -> None:
    app.command("sheets")(sheets_command)
    app.command("month-report")(month_report_command)


def sheets_command(
    day: str = typer.Argument(..., metavar="DATE", help="The date, YYYY-MM-DD (frozen)."),
    municipality: str = typer.Option(..., "--municipality", help="Municipality name."),
    folder: Path = typer.Option(Path("sheets"), "--folder", help="Where the files go."),
    label_size: str = typer.Option(
        DEFAULT_SHEET, "--label-size", help="Label size in mm: " + ", ".join(SHEETS)
    ),
    language: str | None = typer.Option(None, "--lang", help="bg, sl or en (default: town's)."),
) -> None:
    """The day's kitchen sheets, box labels, route sheets and caregivers' days, HTML and PDF."""
    with refusals(), session_scope() as session:
        found = town(municipality, session, language)
        when = parse_day(day)
        paths = write_day_sheets(
            found.id or 0, when, folder, session=session, words=said(), label_size=label_size
        )
    _list(paths)


def month_report_command(
    month: str = typer.Argument(..., metavar="MONTH", help="The month, YYYY-MM."),
    municipality: str = typer.Option(..., "--municipality", help="Municipality name."),
    folder: Path = typer.Option(Path("reports"), "--folder", help="Where the files go."),
    language: str | None = typer.Option(None, "--lang", help="bg, sl or en (default: town's)."),
) -> None:
    """The month's report per service (HTML, PDF, CSV) and the month's statements."""
    with refusals(), session_scope() as session:
        found = town(municipality, session, language)
        paths = write_month(found.id or 0, parse_month(month), folder, session=session,
                            words=said())  # fmt: skip
    _list(paths)


def _list(paths: list[Path]) -> None:
    for path in paths:
        written(path, N_("File"))
