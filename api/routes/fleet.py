"""`/v1/kitchens`, `/v1/vehicles`, `/v1/drivers`: read by staff and kitchen, written by staff.

The writes of kitchens, vans and drivers are functions the office's screens call too
(api/routes/pages_fleet.py): a form and a REST call leave the same rows and audit entry.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlmodel import Session

from api.deps import DbSession, KitchenReader, PageParams, RowId, Staff
from api.listing import page_list
from api.problems import PROBLEM_RESPONSES
from api.routes._write import Who, audited, merged
from api.schemas.common import Page
from api.schemas.fleet import (
    DriverCreate,
    DriverPublic,
    DriverUpdate,
    KitchenCreate,
    KitchenPublic,
    KitchenUpdate,
    VehicleCreate,
    VehiclePublic,
    VehicleUpdate,
)
from scheduler.errors import InvalidInputError
from scheduler.models import Driver, Kitchen, Vehicle
from scheduler.models.fleet import KitchenBase
from scheduler.refusals import Reason, refuse
from scheduler.repositories import fleet
from scheduler.repositories.fleet import DriverIn, VehicleIn

router = APIRouter(prefix="/v1", responses=PROBLEM_RESPONSES, tags=["fleet"])
CREATED = status.HTTP_201_CREATED


def _taken(external_id: str) -> InvalidInputError:
    return refuse("external_id", Reason.already_exists, value=repr(external_id))


@router.get("/kitchens", response_model=Page[KitchenPublic])
def list_kitchens(
    caller: KitchenReader, session: DbSession, paging: PageParams
) -> Page[KitchenPublic]:
    rows = fleet.list_kitchens(caller.municipality_id, session=session)
    return page_list(rows, paging, KitchenPublic)


@router.post("/kitchens", response_model=KitchenPublic, status_code=CREATED)
def create_kitchen(body: KitchenCreate, caller: Staff, session: DbSession) -> KitchenPublic:
    row = create_kitchen_and_audit(caller, body, session=session)
    return KitchenPublic.model_validate(row, from_attributes=True)


def create_kitchen_and_audit(who: Who, body: KitchenCreate, *, session: Session) -> Kitchen:
    mid = who.municipality_id
    if fleet.get_kitchen_by_external_id(mid, body.external_id, session=session):
        raise _taken(body.external_id)
    row, _ = fleet.upsert_kitchen(mid, body, session=session)
    audited(session, who, "create", "kitchen", row.id)
    return row


@router.get("/kitchens/{kitchen_id}", response_model=KitchenPublic)
def get_kitchen(kitchen_id: RowId, caller: KitchenReader, session: DbSession) -> KitchenPublic:
    row = fleet.get_kitchen(caller.municipality_id, kitchen_id, session=session)
    return KitchenPublic.model_validate(row, from_attributes=True)


@router.patch("/kitchens/{kitchen_id}", response_model=KitchenPublic)
def update_kitchen(
    kitchen_id: RowId, body: KitchenUpdate, caller: Staff, session: DbSession
) -> KitchenPublic:
    row = update_kitchen_and_audit(caller, kitchen_id, body, session=session)
    return KitchenPublic.model_validate(row, from_attributes=True)


def update_kitchen_and_audit(
    who: Who, kitchen_id: int, body: KitchenUpdate, *, session: Session
) -> Kitchen:
    """Change the fields `body` sets; the reference number stays (imports match on it)."""
    mid = who.municipality_id
    row = fleet.get_kitchen(mid, kitchen_id, session=session)
    row, _ = fleet.upsert_kitchen(mid, merged(row, KitchenBase, body), session=session)
    audited(session, who, "update", "kitchen", kitchen_id, fields=sorted(body.model_fields_set))
    return row


@router.get("/vehicles", response_model=Page[VehiclePublic])
def list_vehicles(
    caller: KitchenReader,
    session: DbSession,
    paging: PageParams,
    kitchen_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    active: bool | None = None,
) -> Page[VehiclePublic]:
    rows = fleet.list_vehicles(
        caller.municipality_id, session=session, kitchen_id=kitchen_id, active=active
    )
    return page_list(rows, paging, VehiclePublic)


@router.post("/vehicles", response_model=VehiclePublic, status_code=CREATED)
def create_vehicle(body: VehicleCreate, caller: Staff, session: DbSession) -> VehiclePublic:
    row = create_vehicle_and_audit(caller, body, session=session)
    return VehiclePublic.model_validate(row, from_attributes=True)


def create_vehicle_and_audit(who: Who, body: VehicleCreate, *, session: Session) -> Vehicle:
    mid = who.municipality_id
    if fleet.get_vehicle_by_external_id(mid, body.external_id, session=session):
        raise _taken(body.external_id)
    row, _ = fleet.upsert_vehicle(mid, body, session=session)
    audited(session, who, "create", "vehicle", row.id)
    return row


@router.get("/vehicles/{vehicle_id}", response_model=VehiclePublic)
def get_vehicle(vehicle_id: RowId, caller: KitchenReader, session: DbSession) -> VehiclePublic:
    row = fleet.get_vehicle(caller.municipality_id, vehicle_id, session=session)
    return VehiclePublic.model_validate(row, from_attributes=True)


@router.patch("/vehicles/{vehicle_id}", response_model=VehiclePublic)
def update_vehicle(
    vehicle_id: RowId, body: VehicleUpdate, caller: Staff, session: DbSession
) -> VehiclePublic:
    row = update_vehicle_and_audit(caller, vehicle_id, body, session=session)
    return VehiclePublic.model_validate(row, from_attributes=True)


def update_vehicle_and_audit(
    who: Who, vehicle_id: int, body: VehicleUpdate, *, session: Session
) -> Vehicle:
    mid = who.municipality_id
    row = fleet.get_vehicle(mid, vehicle_id, session=session)
    row, _ = fleet.upsert_vehicle(mid, merged(row, VehicleIn, body), session=session)
    audited(session, who, "update", "vehicle", vehicle_id, fields=sorted(body.model_fields_set))
    return row


@router.get("/drivers", response_model=Page[DriverPublic])
def list_drivers(caller: Staff, session: DbSession, paging: PageParams) -> Page[DriverPublic]:
    return page_list(
        fleet.list_drivers(caller.municipality_id, session=session), paging, DriverPublic
    )


@router.post("/drivers", response_model=DriverPublic, status_code=CREATED)
def create_driver(body: DriverCreate, caller: Staff, session: DbSession) -> DriverPublic:
    row = upsert_driver_and_audit(caller, body, session=session)
    return DriverPublic.model_validate(row, from_attributes=True)


def upsert_driver_and_audit(who: Who, body: DriverCreate, *, session: Session) -> Driver:
    """Create the driver, or change the one with this external id (as imports do)."""
    row, _ = fleet.upsert_driver(who.municipality_id, body, session=session)
    audited(session, who, "upsert", "driver", row.id)
    return row


@router.get("/drivers/{driver_id}", response_model=DriverPublic)
def get_driver(driver_id: RowId, caller: Staff, session: DbSession) -> DriverPublic:
    row = fleet.get_driver(caller.municipality_id, driver_id, session=session)
    return DriverPublic.model_validate(row, from_attributes=True)


@router.patch("/drivers/{driver_id}", response_model=DriverPublic)
def update_driver(
    driver_id: RowId, body: DriverUpdate, caller: Staff, session: DbSession
) -> DriverPublic:
    """Change a driver's name, phone or van (`vehicle_id: null` takes the van away)."""
    row = update_driver_and_audit(caller, driver_id, body, session=session)
    return DriverPublic.model_validate(row, from_attributes=True)


def update_driver_and_audit(
    who: Who, driver_id: int, body: DriverUpdate, *, session: Session
) -> Driver:
    mid = who.municipality_id
    row = fleet.get_driver(mid, driver_id, session=session)
    row, _ = fleet.upsert_driver(mid, merged(row, DriverIn, body), session=session)
    audited(session, who, "update", "driver", driver_id, fields=sorted(body.model_fields_set))
    return row
