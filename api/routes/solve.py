"""`POST /v1/solve`: one routing problem in the exchange format, solved within the budget.

The solve runs in a worker thread, one at a time per process: a second caller is told to come
back (503) rather than halving the first one's search.
"""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import APIRouter, Body

from api.alerts import caller_reader
from api.deps import DbSession, SettingsDep, Staff
from api.problems import PROBLEM_RESPONSES, FieldError, ProblemError
from api.reasons import why_text
from api.schemas.solve import EXAMPLE_PROBLEM, SolveSolution
from routing.exchange import JsonObject, problem_from_dict, solution_to_dict
from routing.params import SolveParams
from routing.solver import solve as solve_problem

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["routing"])
_one_at_a_time = threading.BoundedSemaphore(1)


@router.post("/solve", response_model=SolveSolution)
def solve(
    problem: Annotated[JsonObject, Body(examples=[EXAMPLE_PROBLEM])],
    caller: Staff,
    settings: SettingsDep,
    session: DbSession,
) -> SolveSolution:
    """Routes for the problem; what cannot be served is listed with a reason."""
    try:
        parsed = problem_from_dict(problem)
    except ValueError as exc:
        field, _, message = str(exc).partition(": ")
        error = FieldError(field=f"body.{field}", message=message or str(exc))
        raise ProblemError(422, "Invalid input", str(exc), [error]) from exc
    budget = min(
        parsed.options.time_limit_s or settings.solve_time_limit_s, settings.solve_time_limit_s
    )
    if not _one_at_a_time.acquire(timeout=budget):
        raise ProblemError(503, "Busy", "another problem is being solved; try again shortly")
    try:
        solution = solve_problem(parsed, SolveParams(budget))
    finally:
        _one_at_a_time.release()
    answer = SolveSolution.model_validate(solution_to_dict(solution))
    t = caller_reader(session, caller)
    for row, left in zip(answer.unassigned, solution.unassigned, strict=True):
        if left.why is not None:
            row.text = why_text(left.why, t)
    return answer
