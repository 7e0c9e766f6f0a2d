"""Errors of the scheduler layer. Callers (API, CLI, tasks) map them to their own answers.

- `DomainError`: the base; a change was refused for a reason a person can act on.
- `InvalidInputError`: one or more fields are wrong; each problem names its row (if any) and field,
  and says why as a machine `reason` and a sentence kept as catalog messages (`said`, see
  scheduler/refusals.py), so every reader gets it in their own language.
- `NotFoundError`: no such row *in this municipality* (another town's ids look the same as missing).
- `CutoffPassedError`: a change after the cut-off; says the cut-off and the next possible date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from scheduler.wording import ENGLISH, Said, Wording

INVALID = "invalid"  # the reason of a problem that has no code of its own yet


class DomainError(Exception):
    """A change refused for a reason a person can act on."""


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str  # in English
    row: int | None = None  # 1-based data row of an import file (header not counted)
    reason: str = INVALID  # a stable code a client program can act on
    said: Said | None = None  # the message as catalog messages and values, when it has a code

    def words(self, wording: Wording | None = None) -> str:
        """The message in `wording`'s language (English without one, or without a code)."""
        if self.said is None or wording is None or wording.language == ENGLISH:
            return self.message
        return self.said.words(wording)

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        return f"{where}{self.field}: {self.message}"


class InvalidInputError(DomainError):
    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))

    @classmethod
    def one(cls, field: str, message: str, row: int | None = None) -> InvalidInputError:
        return cls([FieldProblem(field, message, row)])


class NotFoundError(DomainError):
    def __init__(self, entity: str, key: object) -> None:
        self.entity = entity
        self.key = key
        super().__init__(f"{entity} {key!r} not found")


class CutoffPassedError(DomainError):
    def __init__(self, day: date, cutoff: datetime, next_day: date) -> None:
        self.day = day
        self.cutoff = cutoff
        self.next_day = next_day
        super().__init__(
            f"orders for {day.isoformat()} closed at {cutoff:%Y-%m-%d %H:%M %Z}; "
            f"the earliest date this change can apply to is {next_day.isoformat()}"
        )
