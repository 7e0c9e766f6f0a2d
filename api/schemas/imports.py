"""Imports from the screen over REST: the preview of an uploaded file, and what apply did."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Outcome = Literal["new", "changed", "unchanged", "refused", "unchecked"]


class RowProblemPublic(BaseModel):
    field: str = Field(description="The file's column, e.g. `diet`.")
    message: str = Field(description="The reason, in English.")
    reason: str = Field(description="The reason in the caller's language.")
    code: str = Field(
        default="invalid",
        description="The reason as a stable code for programs (as `errors[].reason` of a 422).",
    )


class ImportRowPublic(BaseModel):
    row: int = Field(description="The n-th line under the header, blank lines counted.")
    external_id: str
    name: str = Field(description="The row's name (or client) cell.")
    outcome: Outcome = Field(
        description="What apply would do to the row; `unchecked`: not reached, because the "
        "file has more problems than are listed."
    )
    problems: list[RowProblemPublic] = Field(default_factory=list)


class ImportPreviewPublic(BaseModel):
    id: int = Field(description="Apply or cancel with this id.")
    kind: str
    filename: str
    uploaded_by: str
    uploaded_at: datetime
    expires_at: datetime
    counts: dict[Outcome, int]
    can_apply: bool = Field(description="False while any row is refused or unchecked.")
    more_problems: int = Field(description="Problems past the first ones listed, counted.")
    rows: list[ImportRowPublic]


class ImportAppliedPublic(BaseModel):
    id: int
    kind: str
    filename: str
    counts: dict[Outcome, int]
