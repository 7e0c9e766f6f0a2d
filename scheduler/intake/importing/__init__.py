"""Importing the five base-data files (kitchens, vehicles, clients, caregivers, visits).

`import_file(kind, path, municipality=..., session=...)` reads a CSV or .xlsx file (columns in
`COLUMNS`), checks every row, and writes through the repositories. A file with any bad row is
refused whole: `InvalidInputError` lists the bad rows and fields (the first
`import_max_problems`, then how many more), and since the import never commits, the caller's
rollback (`session_scope`) leaves the database as it was, municipality included. Rows are
matched on `external_id`, so importing the same file again changes nothing. Nothing is ever
deleted: a client missing from a newer file stays until ended deliberately.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

from pydantic import ValidationError
from sqlmodel import Session

from scheduler.errors import FieldProblem
from scheduler.intake import addresses
from scheduler.intake.calendar import local_today
from scheduler.intake.importing import loaders
from scheduler.intake.importing.readers import Problems, Table, read_table
from scheduler.intake.importing.rows import COLUMNS, SCHEMAS, Row
from scheduler.intake.importing.visits import load_visits
from scheduler.refusals import Reason, checked_problem, problem, refuse
from scheduler.repositories.common import Change
from scheduler.repositories.tenancy import DEFAULT_LOCALE, DEFAULT_TIMEZONE, ensure_municipality

__all__ = [
    "COLUMNS",
    "ImportKind",
    "ImportResult",
    "check_and_load",
    "import_file",
    "import_table",
    "read_table",
]


class ImportKind(StrEnum):
    """The kinds of file, in the order a new municipality imports them (references point back)."""

    kitchens = "kitchens"
    vehicles = "vehicles"
    clients = "clients"
    caregivers = "caregivers"
    visits = "visits"


@dataclass(frozen=True)
class ImportResult:
    kind: ImportKind
    municipality: str
    municipality_id: int
    municipality_created: bool
    rows: int
    created: int
    updated: int
    unchanged: int


ProgressCallback = Callable[[int, int], None]  # (rows done, rows in the file)


def import_file(
    kind: ImportKind | str,
    path: Path,
    *,
    municipality: str,
    session: Session,
    timezone: str = DEFAULT_TIMEZONE,
    locale: str = DEFAULT_LOCALE,
    today: date | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportResult:
    """Read `path` and import it; see `import_table`."""
    kind = _kind(kind)
    table = read_table(Path(path), COLUMNS[kind], language=locale)
    return import_table(
        kind, table, municipality=municipality, session=session, timezone=timezone,
        locale=locale, today=today, on_progress=on_progress,
    )  # fmt: skip


def import_table(
    kind: ImportKind | str,
    table: Table,
    *,
    municipality: str,
    session: Session,
    timezone: str = DEFAULT_TIMEZONE,
    locale: str = DEFAULT_LOCALE,
    today: date | None = None,
    on_progress: ProgressCallback | None = None,
    look_up_addresses: bool = True,
) -> ImportResult:
    """Check and write every row of `table`; InvalidInputError (all problems) if any is bad.

    The municipality is created (with `timezone` and `locale`) when it does not exist yet.
    Subscriptions from the clients file start `today` (default: today in the municipality).
    Clients without coordinates are looked up once the file is in (scheduler/intake/
    addresses.py), unless `look_up_addresses` is off (a trial that will be rolled back would
    lose the geocoder's answers, and asking again is what its usage policy forbids).
    """
    kind = _kind(kind)
    town, created = ensure_municipality(
        municipality, session=session, timezone=timezone, locale=locale
    )
    assert town.id is not None
    load, problems = check_and_load(
        kind, table, town.id, session=session, today=today or local_today(town.timezone),
        on_progress=on_progress,
    )  # fmt: skip
    if problems:
        raise problems.error()
    if kind is ImportKind.clients and look_up_addresses:  # addresses without coordinates
        addresses.locate_clients(town, session=session, geocoder=addresses.default_geocoder())
    return ImportResult(
        kind=kind,
        municipality=town.name,
        municipality_id=town.id,
        municipality_created=created,
        rows=len(table.rows),
        created=load.counts[Change.created],
        updated=load.counts[Change.updated],
        unchanged=load.counts[Change.unchanged],
    )


def check_and_load(
    kind: ImportKind,
    table: Table,
    municipality_id: int,
    *,
    session: Session,
    today: date,
    on_progress: ProgressCallback | None = None,
) -> tuple[loaders.Load, Problems]:
    """Check every row and write the good ones; what was written (`Load.outcomes`, row by
    row) and the problems. The caller rolls back when there are problems (the import) or
    always (the preview, scheduler/intake/importing/preview.py)."""
    total, done = len(table.rows), 0

    def tick() -> None:
        nonlocal done
        done += 1
        if on_progress is not None:
            on_progress(done, total)

    load = loaders.Load(municipality_id=municipality_id, today=today, session=session, on_row=tick)
    parsed, problems = _parse(kind, table)
    if problems.full:  # refused already, and the loaders' checks would only add to the count
        return load, problems
    for _ in range(total - len(parsed)):
        tick()  # rows refused while parsing count as handled
    _run_loader(kind, load, parsed, _refused_ids(table, problems.kept))
    problems.extend(load.problems)
    return load, problems


def _kind(kind: ImportKind | str) -> ImportKind:
    try:
        return ImportKind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in ImportKind)
        raise refuse("kind", Reason.unknown_kind, value=repr(kind), choices=choices) from None


def _parse(kind: ImportKind, table: Table) -> tuple[list[tuple[int, Row]], Problems]:
    """Rows that pass their schema (first of each external id), and the problems found."""
    schema = SCHEMAS[kind]
    parsed: list[tuple[int, Row]] = []
    problems = Problems()
    first_row: dict[str, int] = {}
    for number, values in table.rows:
        ext = values.get("external_id", "")
        if ext in first_row:
            said = {"value": repr(ext), "first": first_row[ext]}
            problems.add(problem("external_id", Reason.duplicate_row, number, **said))
            continue
        first_row.setdefault(ext, number)
        try:
            parsed.append((number, schema.model_validate(values)))
        except ValidationError as exc:
            problems.extend(_problems(exc, number))
    return parsed, problems


def _problems(exc: ValidationError, row: int) -> list[FieldProblem]:
    """Each cell pydantic refused, with its code (a cell's text named after pydantic's words)."""
    return [
        checked_problem(str(err["loc"][0]) if err["loc"] else "row", err, row)
        for err in exc.errors()
    ]


def _refused_ids(table: Table, problems: list[FieldProblem]) -> dict[str, int]:
    bad_rows = {p.row for p in problems}
    return {
        values.get("external_id", ""): number
        for number, values in table.rows
        if number in bad_rows and values.get("external_id")
    }


def _run_loader(
    kind: ImportKind, load: loaders.Load, rows: list[tuple[int, Row]], refused: dict[str, int]
) -> None:
    typed = cast(Any, rows)  # each kind's rows come from that kind's schema (SCHEMAS)
    if kind is ImportKind.kitchens:
        loaders.load_kitchens(load, typed)
    elif kind is ImportKind.vehicles:
        loaders.load_vehicles(load, typed)
    elif kind is ImportKind.clients:
        loaders.load_clients(load, typed)
    elif kind is ImportKind.caregivers:
        loaders.load_caregivers(load, typed)
    else:
        load_visits(load, typed, refused)
