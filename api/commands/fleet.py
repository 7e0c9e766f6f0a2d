"""`patronage fleet DATE --municipality NAME`: how many vans a frozen meal day needs.

Per kitchen: the vans working, the least any plan needs (the bound) and what binds, the fewest
the search found; then the what-ifs, each with vans, trips, kilometres and meals left out.
Nothing is stored. The day is frozen first if it is not yet, as `patronage plan` does.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import typer
from rich.table import Table

from api.commands.planning import parse_day, refusals, town, write
from api.console import console, progress
from api.fleet_words import binds_text, what_if_text
from api.i18n import Translator
from scheduler.db import session_scope
from scheduler.planning.fleet import FleetAnswer, day_problem, size_fleet


def register(app: typer.Typer) -> None:
    app.command("fleet")(fleet_command)


def fleet_command(
    day: str = typer.Argument(..., metavar="DATE", help="The date, YYYY-MM-DD."),
    municipality: str = typer.Option(..., "--municipality", help="Municipality name."),
    budget: float = typer.Option(5.0, "--budget", min=0.5, help="Seconds of each solve."),
    what_ifs: bool = typer.Option(True, "--what-ifs/--no-what-ifs", help="Solve the what-ifs."),
    json_file: Path | None = typer.Option(None, "--json", help="Write the answer as JSON."),
) -> None:
    """The fewest vans that serve every meal of the day, the bound, what binds, what-ifs."""
    when = parse_day(day)
    with refusals(), session_scope() as session:
        mid = town(municipality, session).id or 0
        problem, kitchens = day_problem(mid, when, session=session)
    # Refreshed by hand, never by a thread: a refresh thread would make the solver start its
    # searches through a forkserver, and each solve would pay for that.
    with progress(auto_refresh=False) as bar:
        task = bar.add_task(f"Sizing the fleet of {when}", total=None)

        def note(line: str) -> None:
            bar.console.print(line, markup=False)
            bar.update(task, advance=1, description=line.strip()[:60])
            bar.refresh()

        answer = size_fleet(problem, kitchens, when, budget=budget, what_ifs=what_ifs, note=note)
    print_answer(answer, Translator("en", "UTC"))
    write(json_file, json.dumps(_json(answer), ensure_ascii=False, indent=1), "Answer")


def print_answer(answer: FleetAnswer, t: Translator) -> None:
    out = console()
    fewest = answer.fewest
    out.print(
        f"[bold]{answer.day}[/bold]: {answer.jobs} meals; fewest vans found "
        f"{fewest if fewest is not None else 'none'} (working that day {answer.has}), "
        f"lower bound {answer.bound}; {answer.seconds:.0f} s"
    )
    table = Table(title="Kitchens", title_justify="left")
    for column in ("kitchen", "meals", "working", "bound", "fewest found", "trips", "km", "binds"):
        table.add_column(column)
    for k in answer.kitchens:
        table.add_row(
            k.kitchen, str(k.bound.jobs), str(k.has), str(k.bound.bound),
            str(k.fewest) if k.fewest is not None else "-", str(k.trips), f"{k.km:.1f}",
            binds_text(k, t),
        )  # fmt: skip
    out.print(table)
    if answer.what_ifs:
        options = Table(title="What if", title_justify="left")
        for column in ("option", "vans", "trips", "km", "left out"):
            options.add_column(column)
        for w in answer.what_ifs:
            options.add_row(
                what_if_text(w.key, t), str(w.vans), str(w.trips), f"{w.km:.1f}", str(w.left_out)
            )
        out.print(options)


def _json(answer: FleetAnswer) -> dict[str, object]:
    return {
        "day": answer.day.isoformat(),
        "meals": answer.jobs,
        "fewest": answer.fewest,
        "bound": answer.bound,
        "working": answer.has,
        "seconds": answer.seconds,
        "kitchens": [
            {
                "kitchen": k.kitchen,
                "working": k.has,
                "bound": k.bound.bound,
                "trips_bound": k.bound.trips,
                "binds": k.bound.binds,
                "by_kind": dict(k.bound.by_kind),
                "fewest": k.fewest,
                "trips": k.trips,
                "km": k.km,
                "tries": [list(x) for x in k.tries],
            }
            for k in answer.kitchens
        ],
        "what_ifs": [asdict(w) for w in answer.what_ifs],
    }
