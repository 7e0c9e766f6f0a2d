"""Freezes: the versioned sets of a day's meal orders and visits that plans are made from.

Writing a freeze is the cut-off's work (scheduler/intake/cutoff.py); these functions read
what a freeze holds.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from scheduler.models import DayFreeze, FrozenOrder, FrozenVisit, Service


def latest_freeze(
    municipality_id: int, day: date, service: Service, *, session: Session
) -> DayFreeze | None:
    return session.exec(
        select(DayFreeze)
        .where(
            DayFreeze.municipality_id == municipality_id,
            DayFreeze.day == day,
            DayFreeze.service == service,
        )
        .order_by(col(DayFreeze.version).desc())
    ).first()


def frozen_days(
    municipality_id: int, service: Service, first: date, last: date, *, session: Session
) -> list[date]:
    """The dates `first`..`last` that have a freeze of `service`, in order."""
    rows = session.exec(
        select(col(DayFreeze.day)).where(
            DayFreeze.municipality_id == municipality_id,
            DayFreeze.service == service,
            col(DayFreeze.day) >= first,
            col(DayFreeze.day) <= last,
        )
    ).all()
    return sorted(set(rows))


def frozen_orders(municipality_id: int, freeze_id: int, *, session: Session) -> list[FrozenOrder]:
    """The meal orders a freeze holds, by client and order."""
    return list(
        session.exec(
            select(FrozenOrder)
            .where(FrozenOrder.municipality_id == municipality_id)
            .where(FrozenOrder.freeze_id == freeze_id)
            .order_by(col(FrozenOrder.client_id), col(FrozenOrder.order_id))
        ).all()
    )


def frozen_visits(municipality_id: int, freeze_id: int, *, session: Session) -> list[FrozenVisit]:
    """The visits a freeze holds, by visit id."""
    return list(
        session.exec(
            select(FrozenVisit)
            .where(FrozenVisit.municipality_id == municipality_id)
            .where(FrozenVisit.freeze_id == freeze_id)
            .order_by(col(FrozenVisit.visit_id))
        ).all()
    )
