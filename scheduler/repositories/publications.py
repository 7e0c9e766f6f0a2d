"""Push targets and publications: where a route is sent, and the record of each sending."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import Session, col, select

from scheduler.models import Driver, Publication, PublicationStatus, PushTarget, Route, User


def get_push_target(municipality_id: int, target_id: int, *, session: Session) -> PushTarget | None:
    row = session.get(PushTarget, target_id)
    return row if row is not None and row.municipality_id == municipality_id else None


def find_push_target(
    municipality_id: int, channel: str, address: str, *, session: Session
) -> PushTarget | None:
    statement = select(PushTarget).where(
        PushTarget.municipality_id == municipality_id,
        PushTarget.channel == channel,
        PushTarget.address == address,
    )
    return session.exec(statement).first()


def store_push_target(target: PushTarget, *, session: Session) -> PushTarget:
    session.add(target)
    session.flush()
    return target


def switch_off_push_target(target: PushTarget, *, session: Session) -> None:
    target.active = False
    session.add(target)
    session.flush()


def targets_for_route(municipality_id: int, route: Route, *, session: Session) -> list[PushTarget]:
    """The active targets of the route's driver or caregiver, and the municipality-wide ones."""
    users = select(User.id).where(User.municipality_id == municipality_id)
    if route.vehicle_id is not None:
        drivers = select(Driver.id).where(
            Driver.municipality_id == municipality_id, Driver.vehicle_id == route.vehicle_id
        )
        users = users.where(col(User.driver_id).in_(drivers))
    elif route.caregiver_id is not None:
        users = users.where(User.caregiver_id == route.caregiver_id)
    else:
        users = users.where(col(User.id).is_(None))
    statement = select(PushTarget).where(
        PushTarget.municipality_id == municipality_id,
        col(PushTarget.active).is_(True),
        col(PushTarget.user_id).is_(None) | col(PushTarget.user_id).in_(users),
    )
    return list(session.exec(statement.order_by(col(PushTarget.id))).all())


def add_publication(municipality_id: int, row: Publication, *, session: Session) -> Publication:
    row.municipality_id = municipality_id
    session.add(row)
    return row


def get_publication(
    municipality_id: int, publication_id: int, *, session: Session
) -> Publication | None:
    row = session.get(Publication, publication_id)
    return row if row is not None and row.municipality_id == municipality_id else None


def publication_ids(
    municipality_id: int,
    plan_version_id: int,
    *,
    besides: Collection[PublicationStatus],
    session: Session,
) -> list[int]:
    """The version's publications whose status is none of `besides`, by id."""
    statement = select(Publication.id).where(
        Publication.municipality_id == municipality_id,
        Publication.plan_version_id == plan_version_id,
        col(Publication.status).not_in(besides),
    )
    return [i for i in session.exec(statement.order_by(col(Publication.id))).all() if i]


def record_attempt(
    row: Publication,
    status: PublicationStatus,
    *,
    attempts: int,
    error: str = "",
    delivered_at: datetime | None = None,
    session: Session,
) -> None:
    """The outcome of a sending: the status, the tries so far, the error if there was one."""
    row.status, row.attempts, row.last_error = status, attempts, error[:500]
    if delivered_at is not None:
        row.delivered_at = delivered_at
    session.add(row)


def list_publications(municipality_id: int, *, session: Session) -> list[Publication]:
    statement = select(Publication).where(Publication.municipality_id == municipality_id)
    return list(session.exec(statement.order_by(col(Publication.id))).all())


def list_push_targets(municipality_id: int, channel: str, *, session: Session) -> list[PushTarget]:
    """The municipality's active targets of one channel, oldest first."""
    statement = select(PushTarget).where(
        PushTarget.municipality_id == municipality_id,
        PushTarget.channel == channel,
        col(PushTarget.active).is_(True),
    )
    return list(session.exec(statement.order_by(col(PushTarget.id))).all())
