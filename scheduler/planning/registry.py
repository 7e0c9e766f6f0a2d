"""What a service's planner gives `plan_day`, and the registry of planners per service.

A builder turns a frozen day into a routing problem plus the references needed to store the
answer as plan rows (which client and orders each job stands for, which vehicle row each
routing vehicle is). It knows nothing of earlier versions: `plan_day` adds what vans already
carry (pinned) and the previous routes (initial routes) to whatever problem it gets. Meals
register under `Service.meals`; home care adds its own builder under `Service.care` without
touching `plan_day`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

import routing
from scheduler.models import DayFreeze, Municipality, Service
from scheduler.planning.replan import KeptPart
from scheduler.refusals import Reason, refuse


@dataclass(frozen=True)
class JobRef:
    """The rows behind one routing job, and the words a dispatcher reads about it."""

    client_id: int | None
    order_ids: tuple[int, ...] = ()
    visit_id: int | None = None
    label: str = ""  # "Ivana Petrova, ul. Rozova 3"
    home: str = ""  # the kitchen (or base) the job is served from
    window: tuple[int, int] | None = None  # the client's window, seconds from midnight


@dataclass(frozen=True)
class VehicleRef:
    """The rows behind one routing vehicle. A van may be given to the solver as one vehicle
    per trip (`trip` > 0, see planning/meals.py): its routes are stored as one route of
    `resource`, the van's external id, with a reload between the trips."""

    vehicle_id: int | None = None
    caregiver_id: int | None = None
    label: str = ""
    resource: str = ""  # the stored route's resource; empty: the routing vehicle's id
    trip: int = 0  # the trip this vehicle stands for; 0: the whole day, reloads included
    reload_s: int = 0  # time to load the next trip at the kitchen (trip vehicles)


@dataclass(frozen=True)
class Unroutable:
    """A job the builder already knows cannot be routed (no van that day, an empty window)."""

    job_id: str
    ref: JobRef
    reason: routing.Reason
    explanation: str


@dataclass(frozen=True)
class BuiltProblem:
    problem: routing.Problem
    jobs: Mapping[str, JobRef]
    vehicles: Mapping[str, VehicleRef]
    unroutable: tuple[Unroutable, ...] = ()
    # None: `plan_day` keeps the trips the vans are on (replan.continue_day). A service that
    # continues the day itself (home care: from the visits checked in) gives what it kept,
    # with a problem of what is left and its initial routes.
    kept: Mapping[str, KeptPart] | None = None
    # Vans out of service from a local time of the day (a breakdown, intake/breakdowns.py):
    # they keep only the stops drivers reported and serve nothing after that time.
    out_of_service: Mapping[str, int] = field(default_factory=dict)
    # Of those, the vans out because every driver of theirs is away that day
    # (intake/driver_absences.py): van -> (its name, the drivers' names), for the reasons.
    without_driver: Mapping[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanContext:
    session: Session
    municipality: Municipality
    day: date
    freeze: DayFreeze
    now: datetime | None = None  # when the plan is made (a re-plan on the day sees the time)


Builder = Callable[[PlanContext], BuiltProblem]
BUILDERS: dict[Service, Builder] = {}


def register(service: Service) -> Callable[[Builder], Builder]:
    def add(builder: Builder) -> Builder:
        BUILDERS[service] = builder
        return builder

    return add


def builder_for(service: Service) -> Builder:
    try:
        return BUILDERS[service]
    except KeyError:
        choices = sorted(s.value for s in BUILDERS)
        raise refuse(
            "service", Reason.expected_one_of_got, choices=choices, value=repr(service)
        ) from None
