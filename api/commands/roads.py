"""`patronage roads build`: a municipality's road graph from an OpenStreetMap extract.

From then on its plans and re-plans use road times (scheduler/roads/choice.py). docs/roads.md
says where an office gets its extract and when to rebuild.
"""

from __future__ import annotations

from pathlib import Path

import typer

from api.commands.planning import town
from api.console import console, progress
from scheduler.db import session_scope
from scheduler.roads.build import build_roads
from scheduler.roads.pbf import NotPbfError
from scheduler.roads.tiles import STAGES, RoadsError
from scheduler.settings import get_settings

app = typer.Typer(help="The road graphs plans are timed on.", no_args_is_help=True)


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
