"""`patronage demo`: build a synthetic Kazanlak in the configured database and show it."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from api.console import console, progress
from api.i18n import Translator
from scheduler.lab.demo import (
    DemoRun,
    DemoStep,
    DemoSummary,
    closing_steps,
    default_steps,
    run_demo,
    summarize,
)
from scheduler.lab.synthetic import TownSize
from scheduler.settings import get_settings
from workers.lab.demo_steps import pipeline_steps


def demo_command(
    seed: int = typer.Option(7, help="Same seed, same municipality."),
    clients: int = typer.Option(300, min=0, help="Meal clients."),
    vans: int = typer.Option(8, min=1, help="Delivery vans."),
    kitchens: int = typer.Option(1, min=1, max=2, help="Kitchens (1 or 2)."),
    caregivers: int = typer.Option(20, min=0, help="Caregivers."),
    visits: int = typer.Option(120, min=0, help="Recurring visit plans."),
    municipality: str = typer.Option("Kazanlak", help="Name of the demo municipality."),
    folder: Path | None = typer.Option(None, help="Where the import files go (default var/demo)."),
) -> None:
    """Create the database, generate a municipality's import files and import them.

    Uses PATRONAGE_DATABASE_URL, else SQLite under ./var/.

    Running it again changes nothing.
    """
    settings = get_settings()
    try:
        size = TownSize(
            clients=clients, vans=vans, kitchens=kitchens, caregivers=caregivers, visits=visits
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    run = DemoRun(
        database_url=settings.effective_database_url,
        folder=folder or settings.var_dir / "demo",
        seed=seed,
        size=size,
        municipality=municipality,
    )
    # The day through the same tasks the workers run (eager without Redis): late changes,
    # one coalesced re-plan, publishing.
    steps = [*default_steps(), *pipeline_steps(), *closing_steps()]
    run.words = Translator(run.locale, run.timezone)
    with progress() as bar:
        overall = bar.add_task("Demo", total=len(steps))
        rows = bar.add_task("rows", total=None, visible=False)

        def show_rows(done: int, total: int) -> None:
            bar.update(rows, completed=done, total=total, visible=done < total)

        def finished(step: DemoStep, note: str) -> None:
            bar.console.print(f"[green]✓[/green] {step.title}: {note}")
            bar.advance(overall)

        run.on_rows = show_rows
        run_demo(run, steps, on_step=finished)
    _print_summary(summarize(run))
    _print_outputs(run.outputs)


def _print_summary(s: DemoSummary) -> None:
    out = console()
    out.print(f"\n[bold]{s.municipality}[/bold] ({s.timezone}, {s.locale})")
    kitchens = Table(title="Kitchens", title_justify="left")
    for column in ("id", "name", "hot meal limit"):
        kitchens.add_column(column)
    for ext, name, minutes in s.kitchens:
        kitchens.add_row(ext, name, f"{minutes} min")
    out.print(kitchens)
    diets = Table(title="Meal clients by diet", title_justify="left")
    diets.add_column("diet")
    diets.add_column("clients", justify="right")
    for diet, count in sorted(s.meal_clients_by_diet.items(), key=lambda kv: -kv[1]):
        diets.add_row(diet.value, str(count))
    diets.add_row("[bold]all[/bold]", f"[bold]{sum(s.meal_clients_by_diet.values())}[/bold]")
    out.print(diets)
    modes = ", ".join(f"{n} {mode}" for mode, n in sorted(s.caregivers_by_mode.items()))
    out.print(
        f"Vans: {s.vans} (room for {s.van_portions} portions over all trips) for "
        f"up to {s.portions} portions a day\n"
        f"Clients living alone: {s.lives_alone}; care-only clients: {s.care_only_clients}\n"
        f"Caregivers: {s.caregivers} ({modes})\n"
        f"Visit plans: {s.visit_plans} ({s.two_person_visits} need two caregivers, "
        f"{s.linked_visits} follow another visit)\n"
        f"Import files: {s.folder.resolve()}"
    )


def _print_outputs(paths: list[Path]) -> None:
    out = console()
    out.print("\n[bold]Printed outputs[/bold] (the month's report first)")
    for path in paths:
        out.print(f"  {path.resolve()}")
