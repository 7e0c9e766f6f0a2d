"""`/v1/caregivers`, `/v1/visit-plans`, `/v1/visits`: home care, for staff.

The caregivers' writes are functions the office's screens call too (api/routes/pages_care.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlmodel import Session

from api.deps import DbSession, PageParams, RowId, Staff
from api.listing import page_list, page_of
from api.problems import PROBLEM_RESPONSES
from api.routes._write import Who, audited, merged
from api.schemas.care import (
    CaregiverCreate,
    CaregiverPublic,
    CaregiverUpdate,
    VisitPlanCreate,
    VisitPlanPublic,
    VisitPublic,
)
from api.schemas.common import Page
from scheduler.models import Caregiver, Visit, VisitStatus
from scheduler.models.fields import Day
from scheduler.refusals import Reason, refuse
from scheduler.repositories import care
from scheduler.repositories.care import CaregiverIn
from scheduler.repositories.common import get_owned

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["care"])
OptionalRowId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


@router.get("/caregivers", response_model=Page[CaregiverPublic])
def list_caregivers(
    caller: Staff, session: DbSession, paging: PageParams, active: bool | None = None
) -> Page[CaregiverPublic]:
    rows = care.list_caregivers(caller.municipality_id, session=session, active=active)
    return page_list(rows, paging, CaregiverPublic)


@router.post("/caregivers", response_model=CaregiverPublic, status_code=status.HTTP_201_CREATED)
def create_caregiver(body: CaregiverCreate, caller: Staff, session: DbSession) -> CaregiverPublic:
    row = create_caregiver_and_audit(caller, body, session=session)
    return CaregiverPublic.model_validate(row, from_attributes=True)


def create_caregiver_and_audit(who: Who, body: CaregiverCreate, *, session: Session) -> Caregiver:
    mid = who.municipality_id
    if care.get_caregiver_by_external_id(mid, body.external_id, session=session):
        raise refuse("external_id", Reason.already_exists, value=repr(body.external_id))
    row, _ = care.upsert_caregiver(mid, body, session=session)
    audited(session, who, "create", "caregiver", row.id)
    return row


@router.get("/caregivers/{caregiver_id}", response_model=CaregiverPublic)
def get_caregiver(caregiver_id: RowId, caller: Staff, session: DbSession) -> CaregiverPublic:
    row = care.get_caregiver(caller.municipality_id, caregiver_id, session=session)
    return CaregiverPublic.model_validate(row, from_attributes=True)


@router.patch("/caregivers/{caregiver_id}", response_model=CaregiverPublic)
def update_caregiver(
    caregiver_id: RowId, body: CaregiverUpdate, caller: Staff, session: DbSession
) -> CaregiverPublic:
    row = update_caregiver_and_audit(caller, caregiver_id, body, session=session)
    return CaregiverPublic.model_validate(row, from_attributes=True)


def update_caregiver_and_audit(
    who: Who, caregiver_id: int, body: CaregiverUpdate, *, session: Session
) -> Caregiver:
    mid = who.municipality_id
    row = care.get_caregiver(mid, caregiver_id, session=session)
    row, _ = care.upsert_caregiver(mid, merged(row, CaregiverIn, body), session=session)
    fields = sorted(body.model_fields_set)
    audited(session, who, "update", "caregiver", caregiver_id, fields=fields)
    return row


@router.get("/visit-plans", response_model=Page[VisitPlanPublic])
def list_visit_plans(
    caller: Staff, session: DbSession, paging: PageParams, client_id: OptionalRowId = None
) -> Page[VisitPlanPublic]:
    rows = care.list_visit_plans(caller.municipality_id, session=session, client_id=client_id)
    return page_list(rows, paging, VisitPlanPublic)


@router.post("/visit-plans", response_model=VisitPlanPublic, status_code=status.HTTP_201_CREATED)
def upsert_visit_plan(body: VisitPlanCreate, caller: Staff, session: DbSession) -> VisitPlanPublic:
    """Create the plan, or change the one with this external id."""
    row, change = care.upsert_visit_plan(caller.municipality_id, body, session=session)
    audited(session, caller, str(change), "visit_plan", row.id)
    return VisitPlanPublic.model_validate(row, from_attributes=True)


@router.get("/visit-plans/{visit_plan_id}", response_model=VisitPlanPublic)
def get_visit_plan(visit_plan_id: RowId, caller: Staff, session: DbSession) -> VisitPlanPublic:
    row = care.get_visit_plan(caller.municipality_id, visit_plan_id, session=session)
    return VisitPlanPublic.model_validate(row, from_attributes=True)


@router.get("/visits", response_model=Page[VisitPublic])
def list_visits(
    caller: Staff,
    session: DbSession,
    paging: PageParams,
    day: Day | None = None,
    date_from: Annotated[Day | None, Query(alias="from")] = None,
    date_to: Annotated[Day | None, Query(alias="to")] = None,
    status: VisitStatus | None = None,
    client_id: OptionalRowId = None,
) -> Page[VisitPublic]:
    query = care.select_visits(
        caller.municipality_id,
        day=day,
        date_from=date_from,
        date_to=date_to,
        status=status,
        client_id=client_id,
    )
    return page_of(session, query, paging, VisitPublic)


@router.get("/visits/{visit_id}", response_model=VisitPublic)
def get_visit(visit_id: RowId, caller: Staff, session: DbSession) -> VisitPublic:
    row = get_owned(Visit, caller.municipality_id, visit_id, session=session)
    return VisitPublic.model_validate(row, from_attributes=True)
