"""The routing exchange format's solution (../shared/FORMAT.md), as typed response models.

The problem is read by `routing.exchange`, which is strict (unknown fields are errors) and
names the offending field; the request body is therefore declared as a JSON object here.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class SolveSummary(BaseModel):
    cost: int
    distance: int
    duration: int
    late: int
    routes: int
    unassigned: int
    solve_time_s: float


class SolveStep(BaseModel):
    type: str
    id: str | None = None
    arrival: int
    start: int | None = None
    departure: int | None = None
    late: int | None = None
    trip: int | None = None
    load: list[int] | None = None


class SolveRoute(BaseModel):
    vehicle: str
    distance: int
    duration: int
    steps: list[SolveStep]


class SolveUnassigned(BaseModel):
    id: str
    reason: str
    code: str | None = Field(default=None, description="The cause a person can act on.")
    params: dict[str, int | str] | None = Field(default=None, description="Its numbers.")
    text: str | None = Field(default=None, description="The cause in the caller's language.")


class SolveSolution(BaseModel):
    summary: SolveSummary
    routes: list[SolveRoute]
    unassigned: list[SolveUnassigned]


EXAMPLE_PROBLEM = {
    "matrices": {"durations": [[0, 300], [300, 0]], "distances": [[0, 2500], [2500, 0]]},
    "vehicles": [
        {
            "id": "van-1",
            "start_index": 0,
            "end_index": 0,
            "time_window": [28800, 57600],
            "capacity": [40],
        }
    ],
    "jobs": [
        {
            "id": "client-17",
            "location_index": 1,
            "service": 120,
            "delivery": [2],
            "time_windows": [[39600, 50400]],
        }
    ],
    "options": {"time_limit_s": 1, "seed": 0},
}
