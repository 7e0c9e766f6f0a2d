"""`patronage solve` and `patronage bench`: the routing engine from the command line."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import typer
from rich.table import Table

from api.console import console, progress
from routing.exchange import read_problem, write_solution
from routing.lab import bench as benchmarks
from routing.lab import bench_care
from routing.params import SolveParams
from routing.search import DEFAULT_PORTFOLIO, GLS_ARC, PREVIOUS_PORTFOLIO, Config
from routing.solver import solve as solve_problem
from routing.wording import describe


def solve(
    problem: Path = typer.Argument(..., exists=True, dir_okay=False, help="Problem JSON file."),
    time_limit: float | None = typer.Option(None, "--time-limit", help="Seconds (default 10)."),
    seed: int | None = typer.Option(None, "--seed", help="Seed of the search."),
    out: Path | None = typer.Option(None, "--out", help="Write the solution JSON here."),
) -> None:
    """Solve a routing problem in the exchange format and print a short summary."""
    try:
        parsed = read_problem(problem)
    except (ValueError, json.JSONDecodeError) as exc:
        # Unwrapped and unstyled inside: the field path must stay whole for people and scripts.
        console().print(f"{problem}: {exc}", style="red", markup=False, soft_wrap=True)
        raise typer.Exit(code=2) from None
    solution = solve_problem(parsed, SolveParams(time_limit, seed))
    s = solution.summary
    console().print(
        f"cost {s.cost}  distance {s.distance}  duration {s.duration}  late {s.late}  "
        f"routes {s.routes}  unassigned {s.unassigned}  in {s.solve_time_s:.2f} s"
    )
    for u in solution.unassigned:
        words = f" {describe(u.why)}" if u.why is not None else ""
        console().print(f"  unassigned {u.id}: {u.reason.value}.{words}", markup=False)
    if out is not None:
        write_solution(solution, out)
        console().print(f"solution written to {out}")


OURS: dict[str, Sequence[Config] | None] = {
    "patronage": None,  # the default portfolio: one search per core, up to two
    # One process, for a like-for-like comparison with the peers: what runs alone on one core.
    "patronage-1p": DEFAULT_PORTFOLIO[:1],
    "patronage-gls": PREVIOUS_PORTFOLIO,  # guided local search, the default before ruin.py
    "patronage-arc": (GLS_ARC,),
}


def bench(
    files: list[Path] = typer.Argument(None, exists=True, help="VRPLIB .vrp files."),
    time_limit: float = typer.Option(10.0, "--time-limit", help="Seconds per instance each."),
    peers: str = typer.Option("", "--peers", help="Comma-separated: pyvrp,vroom (--care: exact)."),
    ours: str = typer.Option(
        "patronage", "--ours", help=f"Our configurations, comma-separated: {','.join(OURS)}."
    ),
    seed: int = typer.Option(0, "--seed"),
    json_out: Path | None = typer.Option(None, "--json", help="Write records as JSON here."),
    care: int | None = typer.Option(
        None, "--care", help="Instead of files: a generated home-care day of N visits."
    ),
    caregivers: int = typer.Option(25, "--caregivers", help="Caregivers of the --care day."),
    days: int = typer.Option(1, "--days", help="How many --care days, seeds from --seed on."),
    markdown_out: Path | None = typer.Option(
        None, "--markdown", help="Write the tables as Markdown here."
    ),
) -> None:
    """Solve VRPLIB instances with our engine and, when asked, with PyVRP and VROOM; or, with
    --care N, generated home-care days (routing/lab/bench_care.py)."""
    if care is not None:
        chosen = {k: v for k, v in bench_care.SOLVERS.items() if k == "patronage" or k in peers}
        days_ = range(seed, seed + days)
        cared = bench_care.run_care(care, caregivers, days_, time_limit, chosen)
        console().print(bench_care.markdown(cared), markup=False, soft_wrap=True)
        if json_out is not None:
            json_out.write_text(json.dumps([r.as_json() for r in cared], indent=1) + "\n")
        return
    if not files:
        raise typer.BadParameter("give VRPLIB files, or --care N", param_hint="FILES")
    wanted = [p for p in peers.split(",") if p]
    unknown = [o for o in ours.split(",") if o and o not in OURS]
    if unknown:
        raise typer.BadParameter(f"unknown: {unknown}", param_hint="--ours")
    try:
        solvers = benchmarks.runners(wanted, {o: OURS[o] for o in ours.split(",") if o})
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--peers") from None
    records = _run(sorted(files), solvers, time_limit, seed, json_out)
    _print_instances(records)
    _print_aggregates(benchmarks.aggregate(records))
    if json_out is not None:
        console().print(f"records written to {json_out}")
    if markdown_out is not None:
        markdown_out.write_text(benchmarks.markdown(records), encoding="utf-8")
        console().print(f"tables written to {markdown_out}")


def _run(
    files: list[Path],
    solvers: dict[str, benchmarks.Runner],
    limit: float,
    seed: int,
    json_out: Path | None,
) -> list[benchmarks.Record]:
    records: list[benchmarks.Record] = []
    with progress() as bar:
        task = bar.add_task("benchmark", total=len(files) * len(solvers))
        for path in files:
            inst = benchmarks.read_instance(path)
            for name, runner in solvers.items():
                bar.update(task, description=f"{inst.name} {name}")
                record = benchmarks.run_one(inst, name, runner, limit, seed)
                records.append(record)
                # One line per answer, and the file kept current: a long run can be followed
                # and an interrupted one still leaves what it measured.
                bar.console.print(
                    f"{record.instance} {record.solver}: cost {_fmt(record.cost, 1)} "
                    f"gap {_fmt(record.gap_pct)}% routes {record.routes} "
                    f"unassigned {record.unassigned} {record.seconds:.1f} s"
                )
                if json_out is not None:
                    rows = [r.as_json() for r in records]
                    json_out.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
                bar.advance(task)
    return records


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _print_instances(records: list[benchmarks.Record]) -> None:
    table = Table(title="Per instance")
    for col in ("instance", "solver", "cost", "best-known", "gap %", "routes", "unassigned", "s"):
        table.add_column(col, justify="left" if col in ("instance", "solver") else "right")
    for r in records:
        table.add_row(
            r.instance,
            r.solver,
            _fmt(r.cost, 1) if r.cost is not None else "[red]failed[/red]",
            _fmt(r.bks, 1),
            _fmt(r.gap_pct),
            str(r.routes),
            str(r.unassigned),
            _fmt(r.seconds, 1),
        )
    console().print(table)


def _print_aggregates(rows: list[benchmarks.Aggregate]) -> None:
    table = Table(title="Per class")
    for col in (
        "solver",
        "class",
        "n",
        "mean gap %",
        "median gap %",
        "routes",
        "unassigned",
        "failed",
        "s",
    ):
        table.add_column(col, justify="left" if col in ("solver", "class") else "right")
    for a in rows:
        table.add_row(
            a.solver,
            a.family,
            str(a.instances),
            _fmt(a.mean_gap_pct),
            _fmt(a.median_gap_pct),
            _fmt(a.routes, 1),
            str(a.unassigned),
            str(a.failed),
            _fmt(a.seconds, 1),
        )
    console().print(table)
