"""`patronage municipality add` and `patronage municipality list`: the municipalities an
installation serves. Creating one is the operator's act (no municipality's admin may create
another), so it has a command and no page; everything after it, from the rules to the first
import, is done by the municipality's own office on its screens."""

from __future__ import annotations

import typer
from rich.table import Table

from api.commands.planning import refusal_words
from api.console import console, said, speak_for
from scheduler.audit import audit
from scheduler.db import session_scope
from scheduler.errors import DomainError
from scheduler.repositories.tenancy import (
    DEFAULT_LOCALE,
    DEFAULT_TIMEZONE,
    create_municipality,
    list_municipalities,
)

municipalities = typer.Typer(help="The municipalities this installation serves.",
                             no_args_is_help=True)  # fmt: skip


@municipalities.command("add")
def add_municipality(
    name: str = typer.Argument(..., help="The municipality's name, as its office writes it."),
    timezone: str = typer.Option(DEFAULT_TIMEZONE, help="IANA time zone, e.g. Europe/Ljubljana."),
    locale: str = typer.Option(DEFAULT_LOCALE, help="The office's language: bg, sl or en."),
) -> None:
    """Create a municipality; then `patronage user add --role admin` gives its office a way in."""
    with session_scope() as session:
        try:
            town = create_municipality(name, session=session, timezone=timezone, locale=locale)
        except DomainError as exc:
            console().print(refusal_words(exc, said()), style="red", markup=False)
            raise typer.Exit(1) from exc
        assert town.id is not None
        audit(town.id, session=session, actor="cli", action="create", entity="municipality",
              entity_id=town.id, detail={"timezone": timezone, "locale": locale})  # fmt: skip
        speak_for(town.locale, town.timezone)
        added = said().gettext("Municipality %(name)s added (%(timezone)s, %(locale)s)")
        values = {"name": town.name, "timezone": town.timezone, "locale": town.locale}
        console().print(added % values, style="green", markup=False)


@municipalities.command("list")
def list_command() -> None:
    """The municipalities with their time zone and language."""
    t = said()
    table = Table(t.gettext("Municipality"), t.gettext("Time zone"), t.gettext("Language"))
    with session_scope() as session:
        for town in list_municipalities(session=session):
            table.add_row(town.name, town.timezone, town.locale)
    console().print(table)
