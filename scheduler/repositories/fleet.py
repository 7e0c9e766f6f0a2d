"""Kitchens, pick-up points (canteens), vans and drivers of one municipality."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, SQLModel, select

from scheduler.errors import FieldProblem
from scheduler.models import Driver, Kitchen, PickupPoint, Vehicle
from scheduler.models.fields import Address, ExternalId, Name, Phone
from scheduler.models.fleet import KitchenBase, VehicleBase
from scheduler.repositories.common import (
    Change,
    all_by_external_id,
    by_external_id,
    check_order,
    check_reference,
    check_weekdays,
    get_owned,
    raise_problems,
    require_text,
    save,
)


class VehicleIn(VehicleBase):
    """A van as written by an import or a form: the van's fields and its kitchen's id."""

    kitchen_id: int


class PickupPointIn(SQLModel):
    external_id: ExternalId
    name: Name
    address: Address = ""
    kitchen_id: int


class DriverIn(SQLModel):
    external_id: ExternalId
    name: Name
    phone: Phone = ""
    vehicle_id: int | None = None


# Kitchens


def get_kitchen(municipality_id: int, kitchen_id: int, *, session: Session) -> Kitchen:
    return get_owned(Kitchen, municipality_id, kitchen_id, session=session)


def get_kitchen_by_external_id(
    municipality_id: int, external_id: str, *, session: Session
) -> Kitchen | None:
    return by_external_id(Kitchen, municipality_id, external_id, session=session)


def list_kitchens(municipality_id: int, *, session: Session) -> list[Kitchen]:
    statement = select(Kitchen).where(Kitchen.municipality_id == municipality_id)
    return list(session.exec(statement.order_by(Kitchen.external_id)).all())


def kitchens_by_external_id(municipality_id: int, *, session: Session) -> dict[str, Kitchen]:
    return all_by_external_id(Kitchen, municipality_id, session=session)


def check_kitchen(values: dict[str, Any]) -> list[FieldProblem]:
    return require_text(values["external_id"], "external_id") + require_text(values["name"], "name")


def upsert_kitchen(
    municipality_id: int, data: KitchenBase, *, session: Session
) -> tuple[Kitchen, Change]:
    """Create the kitchen or update the fields `data` sets; matched on external_id."""
    values = data.model_dump(exclude_unset=True)
    raise_problems(check_kitchen(values))
    existing = get_kitchen_by_external_id(municipality_id, data.external_id, session=session)
    return save(session, Kitchen, existing, municipality_id, values)


# Pick-up points


def list_pickup_points(
    municipality_id: int, *, session: Session, kitchen_id: int | None = None
) -> list[PickupPoint]:
    statement = select(PickupPoint).where(PickupPoint.municipality_id == municipality_id)
    if kitchen_id is not None:
        statement = statement.where(PickupPoint.kitchen_id == kitchen_id)
    return list(session.exec(statement.order_by(PickupPoint.external_id)).all())


def upsert_pickup_point(
    municipality_id: int, data: PickupPointIn, *, session: Session
) -> tuple[PickupPoint, Change]:
    values = data.model_dump(exclude_unset=True)
    raise_problems(
        require_text(data.external_id, "external_id")
        + require_text(data.name, "name")
        + check_reference(Kitchen, municipality_id, data.kitchen_id, "kitchen_id", session=session)
    )
    existing = by_external_id(PickupPoint, municipality_id, data.external_id, session=session)
    return save(session, PickupPoint, existing, municipality_id, values)


# Vans


def get_vehicle(municipality_id: int, vehicle_id: int, *, session: Session) -> Vehicle:
    return get_owned(Vehicle, municipality_id, vehicle_id, session=session)


def get_vehicle_by_external_id(
    municipality_id: int, external_id: str, *, session: Session
) -> Vehicle | None:
    return by_external_id(Vehicle, municipality_id, external_id, session=session)


def list_vehicles(
    municipality_id: int,
    *,
    session: Session,
    kitchen_id: int | None = None,
    active: bool | None = None,
) -> list[Vehicle]:
    statement = select(Vehicle).where(Vehicle.municipality_id == municipality_id)
    if kitchen_id is not None:
        statement = statement.where(Vehicle.kitchen_id == kitchen_id)
    if active is not None:
        statement = statement.where(Vehicle.active == active)
    return list(session.exec(statement.order_by(Vehicle.external_id)).all())


def vehicles_by_external_id(municipality_id: int, *, session: Session) -> dict[str, Vehicle]:
    return all_by_external_id(Vehicle, municipality_id, session=session)


def check_vehicle(values: dict[str, Any]) -> list[FieldProblem]:
    """Pure checks of a van's fields; normalises `weekdays` in `values`."""
    return (
        require_text(values["external_id"], "external_id")
        + require_text(values["name"], "name")
        + check_order(values, "shift_start", "shift_end")
        + check_weekdays(values)
    )


def upsert_vehicle(
    municipality_id: int, data: VehicleIn, *, session: Session
) -> tuple[Vehicle, Change]:
    """Create the van or update the fields `data` sets; its kitchen must be this town's."""
    values = data.model_dump(exclude_unset=True)
    raise_problems(
        check_vehicle(values)
        + check_reference(Kitchen, municipality_id, data.kitchen_id, "kitchen_id", session=session)
    )
    existing = get_vehicle_by_external_id(municipality_id, data.external_id, session=session)
    return save(session, Vehicle, existing, municipality_id, values)


# Drivers


def get_driver(municipality_id: int, driver_id: int, *, session: Session) -> Driver:
    return get_owned(Driver, municipality_id, driver_id, session=session)


def list_drivers(municipality_id: int, *, session: Session) -> list[Driver]:
    statement = select(Driver).where(Driver.municipality_id == municipality_id)
    return list(session.exec(statement.order_by(Driver.external_id)).all())


def upsert_driver(
    municipality_id: int, data: DriverIn, *, session: Session
) -> tuple[Driver, Change]:
    values = data.model_dump(exclude_unset=True)
    raise_problems(
        require_text(data.external_id, "external_id")
        + require_text(data.name, "name")
        + check_reference(Vehicle, municipality_id, data.vehicle_id, "vehicle_id", session=session)
    )
    existing = by_external_id(Driver, municipality_id, data.external_id, session=session)
    return save(session, Driver, existing, municipality_id, values)
