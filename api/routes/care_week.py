"""Caregivers' days and weeks: the municipality's fairness weight, the day's longest and
shortest working day (what the weight is judged by), and the week at a glance."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import DbSession, Staff
from api.problems import PROBLEM_RESPONSES
from api.schemas.care_week import CareWeekPublic, FairnessIn, FairnessPublic, WorkloadPublic
from scheduler.intake.rules import set_care_balance_weight
from scheduler.models.fields import Day
from scheduler.repositories.tenancy import get_municipality
from scheduler.views.care_week import care_week
from scheduler.views.workload import care_workload

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["care"])


@router.get("/care-fairness", response_model=FairnessPublic)
def get_fairness(caller: Staff, session: DbSession) -> FairnessPublic:
    town = get_municipality(caller.municipality_id, session=session)
    return FairnessPublic(care_balance_weight=town.care_balance_weight)


@router.put("/care-fairness", response_model=FairnessPublic)
def put_fairness(body: FairnessIn, caller: Staff, session: DbSession) -> FairnessPublic:
    """Set the weight; the next plan or re-plan of a care day uses it."""
    town = set_care_balance_weight(
        caller.municipality_id, body.care_balance_weight, session=session, actor=caller.actor
    )
    return FairnessPublic(care_balance_weight=town.care_balance_weight)


@router.get("/care-workload/{day}", response_model=WorkloadPublic)
def get_workload(day: Day, caller: Staff, session: DbSession) -> WorkloadPublic:
    """The longest and shortest working day in the day's latest care plan."""
    return WorkloadPublic.of(care_workload(caller.municipality_id, day, session=session))


@router.get("/care-weeks/{day}", response_model=CareWeekPublic)
def get_week(day: Day, caller: Staff, session: DbSession) -> CareWeekPublic:
    """The week (Monday to Sunday) that holds `day`: minutes per caregiver and day against their
    weekly limit, who visits each client on each day, and the share of clients kept."""
    return CareWeekPublic.of(care_week(caller.municipality_id, day, session=session))
