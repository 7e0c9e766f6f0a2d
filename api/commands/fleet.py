"""`patronage fleet DATE --municipality NAME`: how many vans a frozen meal day needs.

Per kitchen: the vans working, the least any plan needs (the bound) and what binds, the fewest
the search found; then the what-ifs, each with vans, trips, kilometres and meals left out.
Nothing is stored, and the day must be frozen already: asking never freezes it.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from api.commands.planning import parse_day, refusals, town, write
from api.console import progress, said
from api.fleet_report import answer_json, print_answer, progress_words
from scheduler.db import session_scope
from scheduler.planning.fleet import day_problem, size_fleet
from scheduler.wording import N_


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
    with refusals(), session_scope() as session:
        mid = town(municipality, session).id or 0
        when = parse_day(day)
        problem, kitchens = day_problem(mid, when, session=session)
    # Refreshed by hand, never by a thread: a refresh thread would make the solver start its
    # searches through a forkserver, and each solve would pay for that.
    t = said()
    with progress(auto_refresh=False) as bar:
        sizing = t.gettext("Sizing the fleet of %(day)s") % {"day": t.short_day(when)}
        task = bar.add_task(sizing, total=None)

        def note(line: str) -> None:
            line = progress_words(line, t)
            bar.console.print(line, markup=False)
            bar.update(task, advance=1, description=line.strip()[:60])
            bar.refresh()

        answer = size_fleet(problem, kitchens, when, budget=budget, what_ifs=what_ifs, note=note)
    print_answer(answer, t)
    write(json_file, json.dumps(answer_json(answer), ensure_ascii=False, indent=1), N_("Answer"))
