"""`patronage`: the command line of the product (Typer with Rich output)."""

from __future__ import annotations

import typer

from api.commands import (
    care,
    db,
    demo,
    importing,
    planning,
    roads,
    routing,
    serve,
    services,
    welfare,
)

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
roads.register(app)  # roads build, bench-roads
planning.register(app)  # plan, kitchen, statement, bench-meals
care.register(app)  # care day/link/check/sick/attendance/hours, bench-care


def main() -> None:
    app()
