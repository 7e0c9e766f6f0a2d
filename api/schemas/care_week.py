"""What REST takes and returns about caregivers' days and weeks: fairness, workload, the week."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from scheduler.models.tenancy import CARE_BALANCE_WEIGHT_MAX
from scheduler.views.care_week import CareWeek
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


class CarerWeekPublic(BaseModel):
    caregiver: str
    minutes: list[int] = Field(description="Minutes of work per day, Monday first.")
    visits: list[int]
    total: int
    limit: int | None


class ClientWeekPublic(BaseModel):
    client: str
    caregivers: list[list[str]] = Field(description="Who visits, per day, Monday first.")
    kept: bool


class CareWeekPublic(BaseModel):
    days: list[date]
    caregivers: list[CarerWeekPublic]
    clients: list[ClientWeekPublic]
    unassigned: list[int]
    continuity: float | None = Field(
        description="Of the recurring visits (made on two days or more), the share the same "
        "caregiver made every day."
    )

    @classmethod
    def of(cls, week: CareWeek) -> CareWeekPublic:
        return cls(
            days=list(week.days),
            caregivers=[
                CarerWeekPublic(
                    caregiver=c.caregiver,
                    minutes=list(c.minutes),
                    visits=list(c.visits),
                    total=c.total,
                    limit=c.limit,
                )
                for c in week.caregivers
            ],
            clients=[
                ClientWeekPublic(
                    client=c.client, caregivers=[list(w) for w in c.carers], kept=c.kept
                )
                for c in week.clients
            ],
            unassigned=list(week.unassigned),
            continuity=week.continuity,
        )
