"""Reads for the month's report: subscriptions, pauses, visit plans and alerts of a month.

Each function takes the municipality first and returns the rows that touch `first`..`last`
(both inclusive), so the report can count who started, ended or paused a service in it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, or_, select

from scheduler.models import Alert, MealSubscription, SubscriptionPause, VisitPlan


def subscriptions_touching(
    municipality_id: int, first: date, last: date, *, session: Session
) -> list[MealSubscription]:
    """Meal subscriptions valid on at least one day of `first`..`last`."""
    query = select(MealSubscription).where(
        MealSubscription.municipality_id == municipality_id,
        MealSubscription.valid_from <= last,
        or_(
            col(MealSubscription.valid_until).is_(None), col(MealSubscription.valid_until) >= first
        ),
    )
    return list(session.exec(query.order_by(col(MealSubscription.id))).all())


def pauses_touching(
    municipality_id: int, first: date, last: date, *, session: Session
) -> list[tuple[SubscriptionPause, int]]:
    """Pauses of meal subscriptions overlapping `first`..`last`, with the paused client's id."""
    query = (
        select(SubscriptionPause, MealSubscription.client_id)
        .join(MealSubscription, col(MealSubscription.id) == SubscriptionPause.subscription_id)
        .where(
            SubscriptionPause.municipality_id == municipality_id,
            MealSubscription.municipality_id == municipality_id,
            SubscriptionPause.start <= last,
            SubscriptionPause.end >= first,
        )
    )
    return [(pause, client_id) for pause, client_id in session.exec(query).all()]


def visit_plans_touching(
    municipality_id: int, first: date, last: date, *, session: Session
) -> list[VisitPlan]:
    """Recurring visit plans valid on at least one day of `first`..`last`."""
    query = select(VisitPlan).where(
        VisitPlan.municipality_id == municipality_id,
        or_(col(VisitPlan.valid_from).is_(None), col(VisitPlan.valid_from) <= last),
        or_(col(VisitPlan.valid_until).is_(None), col(VisitPlan.valid_until) >= first),
    )
    return list(session.exec(query.order_by(col(VisitPlan.id))).all())


def alerts_raised_between(
    municipality_id: int, kind: str, start: datetime, end: datetime, *, session: Session
) -> list[Alert]:
    """Alerts of `kind` raised from `start` (inclusive) to `end` (exclusive), oldest first."""
    query = select(Alert).where(
        Alert.municipality_id == municipality_id,
        Alert.kind == kind,
        col(Alert.created_at) >= start,
        col(Alert.created_at) < end,
    )
    return list(session.exec(query.order_by(col(Alert.created_at), col(Alert.id))).all())
