"""What an import file would do, row by row, before anything is kept; and doing it.

`preview_table` runs the import itself (the same row checks, the same matching on
`external_id`, the same repository writes) inside a savepoint that is always rolled back, so
the outcome of each row (new, changed, unchanged, refused with its field and reason) is the
one "apply" would have, and no domain row outlives the preview. `apply_table` runs it again in
a savepoint kept only when every row is good and each row's outcome is still the one the
person saw; otherwise nothing of it stays.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from scheduler.errors import INVALID, DomainError, FieldProblem, InvalidInputError
from scheduler.intake.importing import ImportKind, check_and_load
from scheduler.intake.importing.loaders import Load
from scheduler.intake.importing.readers import Problems, Table
from scheduler.refusals import Reason, problem
from scheduler.repositories.common import Change
from scheduler.wording import Said


class Outcome(StrEnum):
    new = "new"
    changed = "changed"
    unchanged = "unchanged"
    refused = "refused"
    unchecked = "unchecked"  # not reached: the file had too many problems to check further


_OF_CHANGE = {
    Change.created: Outcome.new,
    Change.updated: Outcome.changed,
    Change.unchanged: Outcome.unchanged,
}


@dataclass(frozen=True)
class RowOutcome:
    row: int  # as readers.py numbers them: the n-th line under the header
    external_id: str
    name: str  # the row's name (or client) cell, so a person recognises it
    outcome: Outcome
    problems: tuple[FieldProblem, ...] = ()


@dataclass(frozen=True)
class Preview:
    kind: ImportKind
    rows: tuple[RowOutcome, ...]
    more_problems: int = 0  # problems past the first `import_max_problems`, only counted

    @property
    def counts(self) -> dict[Outcome, int]:
        found = Counter(r.outcome for r in self.rows)
        return {outcome: found[outcome] for outcome in Outcome}

    @property
    def can_apply(self) -> bool:
        ok = (Outcome.new, Outcome.changed, Outcome.unchanged)
        return not self.more_problems and all(r.outcome in ok for r in self.rows)

    @property
    def problems(self) -> list[FieldProblem]:
        return [p for r in self.rows for p in r.problems]

    def outcomes(self) -> list[tuple[int, str, Outcome]]:
        """What "apply" compares: each row's outcome."""
        return [(r.row, r.external_id, r.outcome) for r in self.rows]

    def to_json(self) -> dict[str, Any]:
        rows = [
            [
                r.row,
                r.external_id,
                r.name,
                r.outcome.value,
                [_stored(p) for p in r.problems],
            ]
            for r in self.rows
        ]
        return {"kind": self.kind.value, "rows": rows, "more_problems": self.more_problems}

    @classmethod
    def from_json(cls, stored: dict[str, Any]) -> Preview:
        rows = tuple(
            RowOutcome(
                row=int(row),
                external_id=str(ext),
                name=str(name),
                outcome=Outcome(outcome),
                problems=tuple(_restored(p, int(row)) for p in problems),
            )
            for row, ext, name, outcome, problems in stored.get("rows", [])
        )
        return cls(ImportKind(stored["kind"]), rows, int(stored.get("more_problems", 0)))


def _stored(problem: FieldProblem) -> list[Any]:
    """A row's problem as the staged preview keeps it: with its code and values, so the
    preview is said again in each reader's language when it is shown."""
    said = problem.said.to_json() if problem.said is not None else None
    return [problem.field, problem.message, problem.reason, said]


def _restored(stored: list[Any], row: int) -> FieldProblem:
    field, message, *coded = stored  # a preview staged before the codes has two items
    reason = str(coded[0]) if coded else INVALID
    said = Said.from_json(coded[1]) if len(coded) > 1 and coded[1] else None
    return FieldProblem(str(field), str(message), row, reason, said)


class StalePreviewError(DomainError):
    """The file's rows no longer do what the preview showed: the data changed since."""

    def __init__(self, before: Preview, now: Preview) -> None:
        self.before = before
        self.now = now
        was = {(r.row, r.external_id): r.outcome for r in before.rows}
        self.differences = [
            (r, was.get((r.row, r.external_id))) for r in now.rows
            if was.get((r.row, r.external_id)) is not r.outcome
        ]  # fmt: skip
        super().__init__(
            f"the data changed since the preview: {len(self.differences)} row(s) would now "
            "have another outcome; nothing was imported; check the new preview and apply again"
        )


def preview_table(
    kind: ImportKind, table: Table, municipality_id: int, *, session: Session, today: date
) -> Preview:
    """Each row's outcome if the file were imported now; nothing stays written."""
    savepoint = session.begin_nested()
    try:
        load, problems = check_and_load(kind, table, municipality_id, session=session, today=today)
    finally:
        savepoint.rollback()
    return _preview(kind, table, load, problems)


def apply_table(
    kind: ImportKind,
    table: Table,
    municipality_id: int,
    *,
    session: Session,
    today: date,
    expected: Preview,
) -> Preview:
    """Import the file, all of it or nothing: StalePreviewError when a row's outcome is not
    `expected`'s (a refused row included), InvalidInputError when a row is refused anyway."""
    savepoint = session.begin_nested()
    try:
        load, problems = check_and_load(kind, table, municipality_id, session=session, today=today)
        done = _preview(kind, table, load, problems)
        if done.outcomes() != expected.outcomes():
            raise StalePreviewError(expected, done)
        if problems:
            raise problems.error()
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    return done


def _preview(kind: ImportKind, table: Table, load: Load, problems: Problems) -> Preview:
    by_row: dict[int, list[FieldProblem]] = defaultdict(list)
    for found in problems.kept:
        by_row[found.row or 0].append(found)
    rows = tuple(_row(number, values, load, by_row) for number, values in table.rows)
    return Preview(kind, rows, problems.more)


def _row(
    number: int, values: dict[str, str], load: Load, by_row: dict[int, list[FieldProblem]]
) -> RowOutcome:
    listed = tuple(by_row.get(number, ()))
    change = load.outcomes.get(number)
    if listed:
        outcome = Outcome.refused
    elif change is not None:
        outcome = _OF_CHANGE[change]
    else:
        outcome = Outcome.unchecked
    name = values.get("name") or values.get("client") or ""
    return RowOutcome(number, values.get("external_id", ""), name, outcome, listed)


def file_problems(preview: Preview) -> InvalidInputError:
    """A preview that cannot be applied, as the error that names its rows and fields."""
    shown = list(preview.problems)
    if preview.more_problems:
        shown.append(problem("file", Reason.more_problems_upload, n=preview.more_problems))
    if not shown:
        shown.append(problem("file", Reason.rows_not_checked))
    return InvalidInputError(shown)
