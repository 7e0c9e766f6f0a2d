"""Reading an import file (CSV or .xlsx) into a header and rows of text.

Both formats become the same `Table` of strings, so one set of row schemas checks both: an
.xlsx time cell becomes `HH:MM`, a whole number typed as 2.0 becomes `2`. Row numbers are
1-based and count every line under the header, blank ones too, so "row 5" is the fifth line
of data a person sees in the spreadsheet.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from scheduler.errors import FieldProblem, InvalidInputError


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number, values)


def read_table(path: Path, columns: tuple[str, ...]) -> Table:
    """The file's rows keyed by the expected `columns`; InvalidInputError for a bad file."""
    if not path.is_file():
        raise InvalidInputError.one("file", f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        lines = _csv_lines(path)
    elif suffix in (".xlsx", ".xlsm"):
        lines = _xlsx_lines(path)
    else:
        raise InvalidInputError.one("file", f"expected a .csv or .xlsx file, got {path.name!r}")
    return _table(lines, columns)


def _csv_lines(path: Path) -> list[list[str]]:
    try:
        # utf-8-sig: spreadsheet programs put a byte-order mark in front of "CSV UTF-8".
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [list(line) for line in csv.reader(handle)]
    except UnicodeDecodeError as exc:
        message = f"is not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'"
        raise InvalidInputError.one("file", message) from exc
    except csv.Error as exc:
        raise InvalidInputError.one("file", f"is not a readable CSV file: {exc}") from exc


def _xlsx_lines(path: Path) -> list[list[str]]:
    import openpyxl  # imported here: only .xlsx imports pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise InvalidInputError.one("file", f"is not a readable .xlsx file: {exc}") from exc
    try:
        sheet = book.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
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


def _table(lines: list[list[str]], columns: tuple[str, ...]) -> Table:
    while lines and not any(cell.strip() for cell in lines[-1]):
        lines.pop()  # trailing empty lines (spreadsheets often keep formatted blank rows)
    if not lines:
        raise InvalidInputError.one("file", "is empty; the first line must name the columns")
    header = [cell.strip() for cell in lines[0]]
    while header and not header[-1]:
        header.pop()
    _check_header(header, columns)
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[FieldProblem] = []
    for number, line in enumerate(lines[1:], start=1):
        cells = list(line)
        while len(cells) > len(header) and not cells[-1].strip():
            cells.pop()
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            message = f"has {len(cells)} values but the header names {len(header)} columns"
            problems.append(FieldProblem("row", message, number))
            continue
        rows.append((number, dict(zip(header, (c.strip() for c in cells), strict=True))))
    if problems:
        raise InvalidInputError(problems)
    return Table(columns=header, rows=rows)


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
