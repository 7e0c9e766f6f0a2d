"""What a welfare alert needs to reach a person: a client's emergency contacts, the van and
its driver at a stop, the escalation list, and who is told at each step (their push targets).

Every read and write is scoped to one municipality.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from scheduler.models import (
    Caregiver,
    Driver,
    EmergencyContact,
    EscalationMember,
    Municipality,
    PushTarget,
    Role,
    Route,
    User,
    Vehicle,
)
from scheduler.refusals import Reason, refuse
from scheduler.repositories.common import get_owned


@dataclass(frozen=True)
class ContactIn:
    name: str
    phone: str
    relation: str = ""


def list_contacts(
    municipality_id: int, client_id: int, *, session: Session
) -> list[EmergencyContact]:
    query = select(EmergencyContact).where(
        EmergencyContact.municipality_id == municipality_id,
        EmergencyContact.client_id == client_id,
    )
    return list(session.exec(query.order_by(col(EmergencyContact.id))).all())


def replace_contacts(
    municipality_id: int, client_id: int, contacts: list[ContactIn], *, session: Session
) -> list[EmergencyContact]:
    """The client's contacts become exactly `contacts`, in this order (the first is called
    first)."""
    for old in list_contacts(municipality_id, client_id, session=session):
        session.delete(old)
    session.flush()
    rows = [
        EmergencyContact(
            municipality_id=municipality_id,
            client_id=client_id,
            name=c.name.strip(),
            phone=c.phone.strip(),
            relation=c.relation.strip(),
        )
        for c in contacts
    ]
    session.add_all(rows)
    session.flush()
    return rows


@dataclass(frozen=True)
class Crew:
    """Who was at the door: the van (or caregiver) and the driver's names."""

    van: str = ""
    driver: str = ""


def crew_of_route(municipality_id: int, route: Route | None, *, session: Session) -> Crew:
    """The van and its drivers, or the caregiver, of the route (empty for another town's)."""
    if route is None or route.municipality_id != municipality_id:
        return Crew()
    if route.vehicle_id is not None:
        van = session.get(Vehicle, route.vehicle_id)
        drivers = session.exec(
            select(Driver.name).where(
                Driver.municipality_id == municipality_id, Driver.vehicle_id == route.vehicle_id
            )
        ).all()
        return Crew(van.name if van else route.resource, ", ".join(sorted(drivers)))
    if route.caregiver_id is not None:
        carer = session.get(Caregiver, route.caregiver_id)
        return Crew(route.resource, carer.name if carer else "")
    return Crew(route.resource)


# --- the escalation list -----------------------------------------------------------------------


def escalation_list(municipality_id: int, *, session: Session) -> list[User]:
    """The users asked in turn when nobody takes a welfare alert, first first."""
    query = (
        select(User)
        .join(EscalationMember, col(EscalationMember.user_id) == col(User.id))
        .where(EscalationMember.municipality_id == municipality_id)
        .order_by(col(EscalationMember.position))
    )
    return list(session.exec(query).all())


def set_escalation(
    municipality_id: int, user_ids: list[int], minutes: int, *, session: Session
) -> list[User]:
    """Replace the list (each user of this municipality, at most once) and the minutes."""
    if len(set(user_ids)) != len(user_ids):
        raise refuse("user_ids", Reason.person_twice)
    users = [get_owned(User, municipality_id, uid, session=session) for uid in user_ids]
    town = session.get(Municipality, municipality_id)
    assert town is not None
    town.welfare_escalate_after_min = minutes
    session.add(town)
    old = select(EscalationMember).where(EscalationMember.municipality_id == municipality_id)
    for row in session.exec(old).all():
        session.delete(row)
    session.flush()
    session.add_all(
        EscalationMember(municipality_id=municipality_id, position=i, user_id=user.id)  # type: ignore[arg-type]
        for i, user in enumerate(users, start=1)
    )
    session.flush()
    return users


def dispatchers_on_duty(municipality_id: int, *, session: Session) -> list[User]:
    """The active dispatchers: who is told first. (No shifts are kept yet: all of them.)"""
    query = select(User).where(
        User.municipality_id == municipality_id,
        User.role == Role.dispatcher,
        col(User.active).is_(True),
    )
    return list(session.exec(query.order_by(col(User.id))).all())


def user_targets(
    municipality_id: int, user_ids: list[int], *, session: Session
) -> list[PushTarget]:
    """The active push targets these users registered for themselves."""
    if not user_ids:
        return []
    query = select(PushTarget).where(
        PushTarget.municipality_id == municipality_id,
        col(PushTarget.active).is_(True),
        col(PushTarget.user_id).in_(user_ids),
    )
    return list(session.exec(query.order_by(col(PushTarget.id))).all())


def list_user_targets(municipality_id: int, user_id: int, *, session: Session) -> list[PushTarget]:
    return user_targets(municipality_id, [user_id], session=session)
