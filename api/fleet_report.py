"""The fleet answer (scheduler/planning/fleet.py) as the commands show it: Rich tables for a
person, JSON for a script."""

from __future__ import annotations

from dataclasses import asdict

from rich.table import Table

from api.console import console
from api.fleet_words import binds_text, what_if_text
from api.i18n import Translator
from scheduler.planning.fleet import FleetAnswer


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


def answer_json(answer: FleetAnswer) -> dict[str, object]:
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
