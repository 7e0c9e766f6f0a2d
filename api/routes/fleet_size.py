"""`GET /v1/days/{day}/fleet`: the fewest vans for a frozen meal day, the bound, what-ifs.

It searches (a few solves of `budget` seconds per kitchen, and per what-if), so it runs one at
a time per process: a second caller is told to come back (503), as `/v1/solve` does.
"""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.alerts import caller_reader
from api.deps import DbSession, Staff
from api.fleet_words import binds_text, what_if_text
from api.i18n import Translator
from api.problems import PROBLEM_RESPONSES, ProblemError
from api.schemas.fleet_size import FleetKitchenPublic, FleetPublic, FleetWhatIfPublic
from scheduler.models.fields import Day as PlausibleDay
from scheduler.planning.fleet import FleetAnswer, day_problem, size_fleet

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["days"])
Day = Annotated[PlausibleDay, Path(description="The plan day, YYYY-MM-DD (frozen).")]
_one_at_a_time = threading.BoundedSemaphore(1)


@router.get("/days/{day}/fleet", response_model=FleetPublic)
def get_fleet(
    day: Day,
    caller: Staff,
    session: DbSession,
    budget: Annotated[float, Query(ge=0.5, le=30, description="Seconds of each solve.")] = 2.0,
    what_ifs: Annotated[bool, Query(description="Also solve the what-ifs.")] = True,
) -> FleetPublic:
    """How many vans serve every meal of the day: found, bound, what binds, what-ifs."""
    problem, kitchens = day_problem(caller.municipality_id, day, session=session)
    if not _one_at_a_time.acquire(blocking=False):
        raise ProblemError(503, "Busy", "another fleet question is being worked out; try again")
    try:
        answer = size_fleet(problem, kitchens, day, budget=budget, what_ifs=what_ifs)
    finally:
        _one_at_a_time.release()
    return fleet_public(answer, caller_reader(session, caller))


def fleet_public(answer: FleetAnswer, t: Translator) -> FleetPublic:
    return FleetPublic(
        day=answer.day,
        meals=answer.jobs,
        working=answer.has,
        bound=answer.bound,
        fewest=answer.fewest,
        seconds=answer.seconds,
        kitchens=[
            FleetKitchenPublic(
                kitchen=k.kitchen,
                meals=k.bound.jobs,
                working=k.has,
                bound=k.bound.bound,
                trips_bound=k.bound.trips,
                binds=k.bound.binds,
                binds_text=binds_text(k, t),
                fewest=k.fewest,
                trips=k.trips,
                km=k.km,
            )
            for k in answer.kitchens
        ],
        what_ifs=[
            FleetWhatIfPublic(
                key=w.key,
                label=what_if_text(w.key, t),
                vans=w.vans,
                trips=w.trips,
                km=w.km,
                left_out=w.left_out,
            )
            for w in answer.what_ifs
        ],
    )
