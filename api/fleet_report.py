"""The fleet answer (scheduler/planning/fleet.py) as the commands show it: Rich tables for a
person, JSON for a script."""

from __future__ import annotations

import re
from dataclasses import asdict

from rich.table import Table

from api.console import console
from api.fleet_words import binds_text, what_if_text
from api.i18n import Translator
from scheduler.planning.fleet import FleetAnswer
from scheduler.wording import N_

SUMMARY = N_(
    "%(day)s: %(meals)s meals; fewest vans found %(fewest)s (working that day %(working)s), "
    "lower bound %(bound)s; %(seconds)s s"
)
KITCHEN_COLUMNS = (N_("Kitchen"), N_("Meals"), N_("Working"), N_("Bound"), N_("Fewest found"),
                   N_("Trips"), N_("km"), N_("What binds"))  # fmt: skip
WHAT_IF_COLUMNS = (N_("Option"), N_("Vans"), N_("Trips"), N_("km"), N_("Left out"))
# The search's progress lines (scheduler/planning/fleet.py, routing/fleet.py) and their words.
PROGRESS = (
    (re.compile(r"^(?P<kitchen>.+): (?P<meals>\d+) meals, (?P<vans>\d+) vans working$"),
     N_("%(kitchen)s: %(meals)s meals, %(vans)s vans working")),
    (re.compile(r"^(?P<lead>\s*)(?P<kitchen>.+): (?P<vans>\d+) vans: (?P<left>\d+) left out$"),
     N_("%(kitchen)s: %(vans)s vans, %(left)s left out")),
    (re.compile(r"^what if (?P<key>\w+): (?P<vans>\d+) vans, (?P<km>[\d.]+) km, "
                r"(?P<left>\d+) left out$"),
     N_("%(option)s: %(vans)s vans, %(km)s km, %(left)s left out")),
)  # fmt: skip


def progress_words(line: str, t: Translator) -> str:
    """A progress line of the search in the reader's words (as it is if it is not known)."""
    for pattern, message in PROGRESS:
        found = pattern.match(line)
        if found is None:
            continue
        values = found.groupdict()
        if "key" in values:
            values["option"] = what_if_text(values["key"], t)
            values["km"] = t.number(float(values["km"]), 1)
        return values.get("lead", "") + t.gettext(message) % values
    return line


def print_answer(answer: FleetAnswer, t: Translator) -> None:
    out = console()
    fewest = answer.fewest
    out.print(t.gettext(SUMMARY) % {
        "day": t.short_day(answer.day), "meals": answer.jobs,
        "fewest": fewest if fewest is not None else "-", "working": answer.has,
        "bound": answer.bound, "seconds": t.number(answer.seconds),
    })  # fmt: skip
    table = Table(title=t.gettext("Kitchens"), title_justify="left")
    for column in KITCHEN_COLUMNS:
        table.add_column(t.gettext(column))
    for k in answer.kitchens:
        table.add_row(
            k.kitchen, str(k.bound.jobs), str(k.has), str(k.bound.bound),
            str(k.fewest) if k.fewest is not None else "-", str(k.trips), t.number(k.km, 1),
            binds_text(k, t),
        )  # fmt: skip
    out.print(table)
    if answer.what_ifs:
        options = Table(title=t.gettext("What if"), title_justify="left")
        for column in WHAT_IF_COLUMNS:
            options.add_column(t.gettext(column))
        for w in answer.what_ifs:
            options.add_row(
                what_if_text(w.key, t), str(w.vans), str(w.trips), t.number(w.km, 1),
                str(w.left_out),
            )  # fmt: skip
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
