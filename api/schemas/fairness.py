"""What REST takes and returns for fairness between caregivers' days."""

from __future__ import annotations

from pydantic import BaseModel, Field

from scheduler.models.tenancy import CARE_BALANCE_WEIGHT_MAX
from scheduler.views.workload import Workload


class FairnessIn(BaseModel):
    care_balance_weight: int = Field(
        ge=0,
        le=CARE_BALANCE_WEIGHT_MAX,
        description="Cost of each second of the longest caregiver's day, beside one per second "
        "of travel and work; 0 plans for the least time in all.",
    )


class FairnessPublic(BaseModel):
    care_balance_weight: int


class WorkingDayPublic(BaseModel):
    caregiver: str
    minutes: int


class WorkloadPublic(BaseModel):
    """The longest and shortest working day of the day's latest care plan (null: none)."""

    longest: WorkingDayPublic | None = None
    shortest: WorkingDayPublic | None = None
    caregivers: int = 0
    spread_minutes: int = 0

    @classmethod
    def of(cls, found: Workload | None) -> WorkloadPublic:
        if found is None:
            return cls()
        return cls(
            longest=WorkingDayPublic(
                caregiver=found.longest.caregiver, minutes=found.longest.minutes
            ),
            shortest=WorkingDayPublic(
                caregiver=found.shortest.caregiver, minutes=found.shortest.minutes
            ),
            caregivers=found.caregivers,
            spread_minutes=found.spread_minutes,
        )
