"""Reading an import file (CSV or .xlsx) into a header and rows of text.

Both formats become the same `Table` of strings, so one set of row schemas checks both: an
.xlsx time cell becomes `HH:MM`, a whole number typed as 2.0 becomes `2`. Row numbers are
1-based and count every line under the header, blank ones too, so "row 5" is the fifth line
of data a person sees in the spreadsheet.

Files come as offices have them: a CSV file in UTF-8 (with or without Excel's byte-order mark)
or in the Windows code page of Bulgarian or Slovenian spreadsheets, with commas or semicolons;
a path (the CLI) and an upload (the import page) are read by the same code.

A file is bounded (settings): its size (checked before it is read), its rows, and the problems
listed (the first `import_max_problems`, then how many more), so a large file of junk costs
little memory and time and never buries the person in messages.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path, PurePath
from typing import Any, BinaryIO

from scheduler.errors import FieldProblem, InvalidInputError
from scheduler.refusals import Reason, problem, refuse
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
        for found in problems:
            self.add(found)

    @property
    def full(self) -> bool:
        return len(self.kept) >= self.limit

    def __bool__(self) -> bool:
        return bool(self.kept)

    def error(self) -> InvalidInputError:
        shown = sorted(self.kept, key=lambda p: (p.row or 0, p.field))
        if self.more:
            shown.append(problem("file", Reason.more_problems, n=self.more))
        return InvalidInputError(shown)


def read_table(path: Path, columns: tuple[str, ...], language: str | None = None) -> Table:
    """The file's rows keyed by the expected `columns`; InvalidInputError for a bad file.

    `language` is the municipality's: it settles which legacy code page a CSV file that is
    not UTF-8 was saved in when the text itself does not tell (see `encoding_of`).
    """
    if not path.is_file():
        raise refuse("file", Reason.no_file, value=path)
    _check_size(path.stat().st_size)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        lines = _csv_file(path, language)
    elif suffix in XLSX_SUFFIXES:
        lines = _xlsx_lines(path)
    else:
        raise refuse("file", Reason.not_a_table_file, value=repr(path.name))
    return _table(lines, columns)


def read_upload(
    name: str, data: bytes, columns: tuple[str, ...], language: str | None = None
) -> Table:
    """An uploaded file (its name says the format) read like `read_table` reads a path."""
    _check_size(len(data))
    suffix = PurePath(name).suffix.lower()
    if suffix in CSV_SUFFIXES:
        lines = _csv_lines(io.BytesIO(data), language)
    elif suffix in XLSX_SUFFIXES:
        lines = _xlsx_lines(io.BytesIO(data))
    else:
        raise refuse("file", Reason.not_a_table_file, value=repr(name))
    return _table(lines, columns)


CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_SAMPLE = 1 << 16  # what the code page is told from: plenty of names and addresses


def _check_size(size: int) -> None:
    limit = get_settings().import_max_bytes
    if size > limit:
        raise refuse("file", Reason.file_too_big, n=f"{size:,}", limit=f"{limit:,}")


def decode_text(data: bytes, language: str | None = None) -> str:
    """A whole CSV file's text, decoded as `encoding_of` finds."""
    try:
        return data.decode(encoding_of(io.BytesIO(data), language))
    except UnicodeDecodeError as exc:
        raise _not_text(exc) from exc


def encoding_of(stream: BinaryIO, language: str | None = None) -> str:
    """The encoding of a CSV file: UTF-8 (with or without Excel's byte-order mark), else the
    Windows code page an office's spreadsheet program writes: 1251 (Cyrillic) or 1250 (Central
    European). The stream is read once in chunks (never held whole) and rewound.

    Either code page decodes almost any bytes, so the choice is by what the text looks like:
    Slovenian read as 1251 puts Cyrillic letters inside Latin words ("Kovaиiи"), Bulgarian read
    as 1250 gives words without a single ASCII letter ("Čâŕí"). When both look as plausible
    (a file with few letters beyond ASCII), the municipality's language decides.
    """
    sample = stream.read(_SAMPLE)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        chunk = sample
        while chunk:
            decoder.decode(chunk)
            chunk = stream.read(_SAMPLE)
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    finally:
        stream.seek(0)
    texts = {page: sample.decode(page, errors="replace") for page in ("cp1251", "cp1250")}
    penalty = {
        "cp1251": _mixed_words(texts["cp1251"]) + texts["cp1251"].count("\ufffd"),
        "cp1250": _foreign_words(texts["cp1250"]) + texts["cp1250"].count("\ufffd"),
    }
    preferred = "cp1250" if (language or "").lower().startswith("sl") else "cp1251"
    other = "cp1251" if preferred == "cp1250" else "cp1250"
    return other if penalty[other] < penalty[preferred] else preferred


def _not_text(exc: UnicodeDecodeError) -> InvalidInputError:
    return refuse("file", Reason.not_text, n=exc.start)


_WORD = re.compile(r"[^\W\d_]+")


def _mixed_words(text: str) -> int:
    """Words with both ASCII and Cyrillic letters: Latin text read as if it were Cyrillic."""
    found = 0
    for word in _WORD.findall(text):
        ascii_letter = any(c.isascii() for c in word)
        if ascii_letter and any("\u0400" <= c <= "\u04ff" for c in word):
            found += 1
    return found


def _foreign_words(text: str) -> int:
    """Words of two letters or more without one ASCII letter: Cyrillic read as if Latin."""
    return sum(
        1 for word in _WORD.findall(text) if len(word) > 1 and not any(c.isascii() for c in word)
    )


def sniff_delimiter(header: str) -> str:
    """Comma, semicolon or tab: whichever the header line holds most of. The header's names
    are fixed words without any of them, so the count is unambiguous; spreadsheets in
    Bulgarian and Slovenian save with semicolons (their decimal mark is the comma)."""
    counts = {mark: header.count(mark) for mark in (",", ";", "\t")}
    best = max(counts, key=lambda mark: counts[mark])
    return best if counts[best] else ","


def _csv_file(path: Path, language: str | None) -> Iterator[list[str]]:
    with path.open("rb") as stream:
        yield from _csv_lines(stream, language)


def _csv_lines(stream: BinaryIO, language: str | None) -> Iterator[list[str]]:
    """The file's rows, read line by line in the encoding and with the delimiter it has."""
    text = io.TextIOWrapper(stream, encoding=encoding_of(stream, language), newline="")
    try:
        header = text.readline()
        yield from csv.reader(itertools.chain([header], text), delimiter=sniff_delimiter(header))
    except UnicodeDecodeError as exc:
        raise _not_text(exc) from exc
    except csv.Error as exc:
        raise refuse("file", Reason.unreadable_csv, error=exc) from exc
    finally:
        text.detach()  # the stream is its opener's to close


def _xlsx_lines(source: Path | BinaryIO) -> Iterator[list[str]]:
    import openpyxl  # imported here: only .xlsx imports pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise refuse("file", Reason.unreadable_xlsx, error=exc) from exc
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
        if value.year < 1901:
            return value.strftime("%H:%M")
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _table(lines: Iterable[list[str]], columns: tuple[str, ...]) -> Table:
    stream = iter(lines)
    first = next(stream, None)
    if first is None or (_blank(first) and all(_blank(line) for line in stream)):
        raise refuse("file", Reason.empty_file)
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
            raise refuse("file", Reason.too_many_rows, n=f"{max_rows:,}")
        if len(cells) != len(header):
            problems.add(problem("row", Reason.cell_count, number, n=len(cells), m=len(header)))
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
            problems.append(problem("columns", Reason.column_twice, value=repr(name)))
        seen.add(name)
    missing = [c for c in columns if c not in seen]
    extra = [c for c in header if c not in columns]
    if missing:
        problems.append(problem("columns", Reason.columns_missing, value=", ".join(missing)))
    if extra:
        shown = ", ".join(repr(c) if c else "(a column without a name)" for c in extra)
        problems.append(problem("columns", Reason.columns_unexpected, value=shown))
    if problems:
        expected = ",".join(columns)
        problems.append(problem("columns", Reason.header_expected, value=expected))
        raise InvalidInputError(problems)
