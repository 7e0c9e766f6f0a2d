"""`patronage`: the command line of the product (Typer with Rich output)."""

from __future__ import annotations

import typer

from api.commands import (
    care,
    db,
    demo,
    fleet,
    importing,
    municipalities,
    planning,
    reports,
    roads,
    routing,
    serve,
    services,
    welfare,
)
from api.console import forget_town
from api.i18n import catalog_of
from scheduler.wording import use_catalogs

app = typer.Typer(
    name="patronage",
    help="Plans hot-meal van routes and home-care visits for municipal home patronage.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(db.app, name="db")
services.register(app)
welfare.register(app)  # bench-welfare
app.command("solve")(routing.solve)
app.command("bench")(routing.bench)
app.command("import")(importing.import_command)
app.command("demo")(demo.demo_command)
app.command("serve")(serve.serve)
app.add_typer(serve.users, name="user")
app.add_typer(municipalities.municipalities, name="municipality")
roads.register(app)  # roads build, bench-roads
planning.register(app)  # plan, kitchen, statement, bench-meals
fleet.register(app)  # fleet
care.register(app)  # care day/link/check/sick/attendance/hours, bench-care
reports.register(app)  # sheets, month-report


@app.callback()
def _start() -> None:
    """Plans hot-meal van routes and home-care visits for municipal home patronage."""
    use_catalogs(catalog_of)  # what the commands write and print is in the reader's language
    forget_town()


def main() -> None:
    app()
