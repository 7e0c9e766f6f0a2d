"""A dispatcher's pins: which van carries a client's meal on a day, and in what order.

One pin per client, day and service: pinning a pinned stop again moves the pin. Positions are
places in the van's route as the dispatcher asked (1 first); a new pin at place N goes before
the van's pins at N or later, which move down one, as when a stop is dropped into a list.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from scheduler.models import Client, PlanVersion, Route, RoutePin, Service, Stop, Vehicle
from scheduler.refusals import Reason, problem, refuse
from scheduler.repositories.common import check_reference, get_owned, raise_problems
from scheduler.repositories.plans import get_plan
from scheduler.wording import term

PINNABLE = (Service.meals.value,)  # home care has no van routes to pin to (docs/board.md)


def list_pins(
    municipality_id: int, day: date, service: Service, *, session: Session
) -> list[RoutePin]:
    """The day's pins by van, each van's in the order asked for."""
    query = select(RoutePin).where(
        RoutePin.municipality_id == municipality_id,
        RoutePin.day == day,
        RoutePin.service == service,
    )
    order = (col(RoutePin.vehicle_id), col(RoutePin.position), col(RoutePin.id))
    return list(session.exec(query.order_by(*order)).all())


def stop_client(
    municipality_id: int, day: date, service: Service, stop_id: int, *, session: Session
) -> int:
    """The client of a stop of this day's plan of `service`; InvalidInputError naming
    `stop_id` for anything else (no such stop here, a start or reload, another day's)."""
    stop = session.get(Stop, stop_id)
    route = session.get(Route, stop.route_id) if stop is not None else None
    plan = get_plan(municipality_id, day, service, session=session)
    if stop is None or stop.municipality_id != municipality_id or route is None:
        raise refuse("stop_id", Reason.not_found, entity="stop", value=stop_id)
    version = session.get(PlanVersion, route.plan_version_id)
    if plan is None or version is None or version.plan_id != plan.id:
        raise refuse(
            "stop_id",
            Reason.stop_not_on_plan,
            value=stop_id,
            service=term(service),
            day=day.isoformat(),
        )
    if stop.kind != "job" or stop.client_id is None:
        raise refuse("stop_id", Reason.not_a_client_stop, value=stop_id)
    return stop.client_id


def pin_client(
    municipality_id: int,
    day: date,
    service: Service,
    *,
    client_id: int,
    vehicle_id: int,
    position: int,
    by: str,
    session: Session,
) -> RoutePin:
    """Pin the client's stop to the van at `position` (replacing the client's earlier pin)."""
    problems = check_reference(Client, municipality_id, client_id, "client_id", session=session)
    problems += check_reference(Vehicle, municipality_id, vehicle_id, "vehicle_id", session=session)
    if service not in PINNABLE:
        problems.append(problem("service", Reason.not_pinnable, choices=", ".join(PINNABLE)))
    if position < 1:
        problems.append(problem("position", Reason.below_one, value=position))
    raise_problems(problems)
    for old in list_pins(municipality_id, day, service, session=session):
        if old.client_id == client_id:
            session.delete(old)
            session.flush()  # the unit of work inserts before it deletes: the key is unique
        elif old.vehicle_id == vehicle_id and old.position >= position:
            old.position += 1
            session.add(old)
    pin = RoutePin(
        municipality_id=municipality_id,
        day=day,
        service=service,
        client_id=client_id,
        vehicle_id=vehicle_id,
        position=position,
        created_by=by[:120],
    )
    session.add(pin)
    session.flush()
    return pin


def unpin(municipality_id: int, pin_id: int, *, session: Session) -> RoutePin:
    """Remove a pin; the next plan places the stop freely again."""
    pin = get_owned(RoutePin, municipality_id, pin_id, session=session)
    session.delete(pin)
    session.flush()
    return pin
