"""A day's home-care visits and the check-ins and check-outs made on them.

Visits are generated from visit plans by scheduler/intake/visits.py; these functions only
read and find them. Cancelled visits are included unless a function says otherwise, because
a cancellation is part of the day's record.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, col, select

from scheduler.models import Visit, VisitCheck, VisitStatus
from scheduler.repositories.common import get_owned

# Visits


def get_visit(municipality_id: int, visit_id: int, *, session: Session) -> Visit:
    return get_owned(Visit, municipality_id, visit_id, session=session)


def visit_by_external_id(
    municipality_id: int, external_id: str, day: date, *, session: Session
) -> Visit | None:
    return session.exec(
        select(Visit).where(
            Visit.municipality_id == municipality_id,
            Visit.external_id == external_id,
            Visit.day == day,
        )
    ).first()


def day_visits(municipality_id: int, day: date, *, session: Session) -> list[Visit]:
    """Every visit stored for `day` (cancelled ones too), by external id."""
    return list(
        session.exec(
            select(Visit)
            .where(Visit.municipality_id == municipality_id, Visit.day == day)
            .order_by(col(Visit.external_id))
        ).all()
    )


def visits_by_ids(municipality_id: int, ids: Iterable[int], *, session: Session) -> list[Visit]:
    """The municipality's visits with these ids, by external id (other towns' are absent)."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    return list(
        session.exec(
            select(Visit)
            .where(Visit.municipality_id == municipality_id, col(Visit.id).in_(wanted))
            .order_by(col(Visit.external_id))
        ).all()
    )


def visits_between(
    municipality_id: int, first: date, last: date, *, session: Session
) -> list[Visit]:
    """Visits dated `first`..`last` that were not cancelled, by date, window and external id."""
    return list(
        session.exec(
            select(Visit)
            .where(
                Visit.municipality_id == municipality_id,
                col(Visit.day) >= first,
                col(Visit.day) <= last,
                Visit.status != VisitStatus.cancelled,
            )
            .order_by(col(Visit.day), col(Visit.window_start), col(Visit.external_id))
        ).all()
    )


def meals_on_visits(municipality_id: int, day: date, *, session: Session) -> dict[int, Visit]:
    """Clients whose lunch a caregiver carries on `day`, with the visit that carries it.

    The meal plan leaves these clients out of the vans; the kitchen still cooks their meal.
    """
    rows = session.exec(
        select(Visit).where(
            Visit.municipality_id == municipality_id,
            Visit.day == day,
            col(Visit.carries_meal).is_(True),
            Visit.status != VisitStatus.cancelled,
        )
    ).all()
    return {v.client_id: v for v in rows}


# Check-ins and check-outs


def check_by_client_event_id(
    municipality_id: int, client_event_id: str, *, session: Session
) -> VisitCheck | None:
    """The check a phone stored under its own id for the report, if it was stored."""
    return session.exec(
        select(VisitCheck).where(
            VisitCheck.municipality_id == municipality_id,
            VisitCheck.client_event_id == client_event_id,
        )
    ).first()


def has_checked_in(
    municipality_id: int, visit_id: int, caregiver_id: int, *, session: Session
) -> bool:
    """Whether the caregiver checked in on the visit."""
    row = session.exec(
        select(VisitCheck.id).where(
            VisitCheck.municipality_id == municipality_id,
            VisitCheck.visit_id == visit_id,
            VisitCheck.caregiver_id == caregiver_id,
            VisitCheck.kind == "in",
        )
    ).first()
    return row is not None


def checks_of_visits(
    municipality_id: int, visit_ids: Iterable[int], *, session: Session
) -> list[VisitCheck]:
    """Check-ins and check-outs of these visits, in time order."""
    wanted = sorted(set(visit_ids))
    if not wanted:
        return []
    return list(
        session.exec(
            select(VisitCheck)
            .where(VisitCheck.municipality_id == municipality_id)
            .where(col(VisitCheck.visit_id).in_(wanted))
            .order_by(col(VisitCheck.at), col(VisitCheck.id))
        ).all()
    )


def checks_between(
    municipality_id: int, first: date, last: date, *, session: Session
) -> list[tuple[Visit, VisitCheck]]:
    """Every check on visits dated `first`..`last`, with its visit, in time order."""
    rows = session.exec(
        select(Visit, VisitCheck)
        .join(VisitCheck, col(VisitCheck.visit_id) == col(Visit.id))
        .where(
            Visit.municipality_id == municipality_id,
            VisitCheck.municipality_id == municipality_id,
            col(Visit.day) >= first,
            col(Visit.day) <= last,
        )
        .order_by(col(VisitCheck.at), col(VisitCheck.id))
    ).all()
    return [(v, c) for v, c in rows]


def add_checks(municipality_id: int, rows: list[VisitCheck], *, session: Session) -> None:
    """Store check-ins and check-outs recorded elsewhere (a generated month's history)."""
    for row in rows:
        row.municipality_id = municipality_id
    session.add_all(rows)
    session.flush()
