"""Reading an import file (CSV or .xlsx) into a header and rows of text.

Both formats become the same `Table` of strings, so one set of row schemas checks both: an
.xlsx time cell becomes `HH:MM`, a whole number typed as 2.0 becomes `2`. Row numbers are
1-based and count every line under the header, blank ones too, so "row 5" is the fifth line
of data a person sees in the spreadsheet.

A file is read line by line and bounded (settings): its size, its rows, and the problems
listed (the first `import_max_problems`, then how many more), so a large file of junk costs
little memory and time and never buries the person in messages.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from scheduler.errors import FieldProblem, InvalidInputError
from scheduler.settings import get_settings


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number, values)


class Problems:
    """A file's problems: the first `limit` kept to show, the rest only counted."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = get_settings().import_max_problems if limit is None else limit
        self.kept: list[FieldProblem] = []
        self.more = 0

    def add(self, problem: FieldProblem) -> None:
        if len(self.kept) < self.limit:
            self.kept.append(problem)
        else:
            self.more += 1

    def extend(self, problems: Iterable[FieldProblem]) -> None:
        for problem in problems:
            self.add(problem)

    @property
    def full(self) -> bool:
        return len(self.kept) >= self.limit

    def __bool__(self) -> bool:
        return bool(self.kept)

    def error(self) -> InvalidInputError:
        shown = sorted(self.kept, key=lambda p: (p.row or 0, p.field))
        if self.more:
            message = f"{self.more} more problem(s) not listed; fix these and import again"
            shown.append(FieldProblem("file", message))
        return InvalidInputError(shown)


def read_table(path: Path, columns: tuple[str, ...]) -> Table:
    """The file's rows keyed by the expected `columns`; InvalidInputError for a bad file."""
    if not path.is_file():
        raise InvalidInputError.one("file", f"no such file: {path}")
    limit = get_settings().import_max_bytes
    size = path.stat().st_size
    if size > limit:
        message = f"is {size:,} bytes; at most {limit:,} are taken: split it into smaller files"
        raise InvalidInputError.one("file", message)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        lines = _csv_lines(path)
    elif suffix in (".xlsx", ".xlsm"):
        lines = _xlsx_lines(path)
    else:
        raise InvalidInputError.one("file", f"expected a .csv or .xlsx file, got {path.name!r}")
    return _table(lines, columns)


def _csv_lines(path: Path) -> Iterator[list[str]]:
    try:
        # utf-8-sig: spreadsheet programs put a byte-order mark in front of "CSV UTF-8".
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from csv.reader(handle)
    except UnicodeDecodeError as exc:
        message = f"is not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'"
        raise InvalidInputError.one("file", message) from exc
    except csv.Error as exc:
        raise InvalidInputError.one("file", f"is not a readable CSV file: {exc}") from exc


def _xlsx_lines(path: Path) -> Iterator[list[str]]:
    import openpyxl  # imported here: only .xlsx imports pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise InvalidInputError.one("file", f"is not a readable .xlsx file: {exc}") from exc
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in row]
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person would have typed in a CSV file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        # A time-only cell comes back as a datetime on Excel's day zero.
        return value.strftime("%H:%M") if value.year < 1901 else value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _table(lines: Iterable[list[str]], columns: tuple[str, ...]) -> Table:
    stream = iter(lines)
    first = next(stream, None)
    if first is None or (_blank(first) and all(_blank(line) for line in stream)):
        raise InvalidInputError.one("file", "is empty; the first line must name the columns")
    header = [cell.strip() for cell in first]
    while header and not header[-1]:
        header.pop()
    _check_header(header, columns)
    max_rows = get_settings().import_max_rows
    rows: list[tuple[int, dict[str, str]]] = []
    problems = Problems()
    for number, line in enumerate(stream, start=1):
        cells = list(line)
        while len(cells) > len(header) and not cells[-1].strip():
            cells.pop()
        if _blank(cells):
            continue
        if len(rows) + problems.more + len(problems.kept) >= max_rows:
            message = f"has more than {max_rows:,} rows; split it into smaller files"
            raise InvalidInputError.one("file", message)
        if len(cells) != len(header):
            message = f"has {len(cells)} values but the header names {len(header)} columns"
            problems.add(FieldProblem("row", message, number))
            continue
        if not problems:  # once the file is refused, its good rows are no longer kept
            rows.append((number, dict(zip(header, (c.strip() for c in cells), strict=True))))
    if problems:
        raise problems.error()
    return Table(columns=header, rows=rows)


def _blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _check_header(header: list[str], columns: tuple[str, ...]) -> None:
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(FieldProblem("columns", f"column {name!r} appears twice"))
        seen.add(name)
    missing = [c for c in columns if c not in seen]
    extra = [c for c in header if c not in columns]
    if missing:
        problems.append(FieldProblem("columns", f"missing: {', '.join(missing)}"))
    if extra:
        shown = ", ".join(repr(c) if c else "(a column without a name)" for c in extra)
        problems.append(FieldProblem("columns", f"not expected: {shown}"))
    if problems:
        expected = ",".join(columns)
        problems.append(FieldProblem("columns", f"the header must be exactly: {expected}"))
        raise InvalidInputError(problems)
