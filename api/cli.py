"""`patronage`: the command line of the product (Typer with Rich output)."""

from __future__ import annotations

import typer

from api.commands import db

app = typer.Typer(
    name="patronage",
    help="Plans hot-meal van routes and home-care visits for municipal home patronage.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(db.app, name="db")


def main() -> None:
    app()
