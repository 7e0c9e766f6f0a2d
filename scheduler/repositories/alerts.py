"""Alerts for the dispatcher (a client not at home, a refused lunch, a failed plan): the one
write path for `Alert` rows, and the reads and acknowledgement of the board and the API.

Alerts are raised where the fact is recorded (scheduler/alerts.py chooses kind and severity);
here they are written, read and acknowledged, always within one municipality.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from scheduler.models import Alert, AlertNotice
from scheduler.models.base import utcnow
from scheduler.repositories.common import get_owned


def add_alert(
    municipality_id: int,
    *,
    kind: str,
    severity: str,
    message: str,
    client_id: int | None = None,
    stop_id: int | None = None,
    detail: dict[str, Any] | None = None,
    session: Session,
) -> Alert:
    alert = Alert(
        municipality_id=municipality_id,
        kind=kind,
        severity=severity,
        message=message[:500],
        client_id=client_id,
        stop_id=stop_id,
        detail=detail or {},
        step_at=utcnow(),
    )
    session.add(alert)
    return alert


OPEN_ALERTS_SHOWN = 50  # the board shows the newest; older open ones stay listed in the API


def select_alerts(municipality_id: int, *, open_only: bool = True) -> SelectOfScalar[Alert]:
    """The municipality's alerts, newest first (only the unacknowledged ones by default)."""
    query = select(Alert).where(Alert.municipality_id == municipality_id)
    if open_only:
        query = query.where(col(Alert.acknowledged_at).is_(None))
    return query.order_by(col(Alert.id).desc())


def open_alerts(
    municipality_id: int, *, session: Session, limit: int = OPEN_ALERTS_SHOWN
) -> list[Alert]:
    """The newest unacknowledged alerts."""
    return list(session.exec(select_alerts(municipality_id).limit(limit)).all())


def acknowledge_alert(
    municipality_id: int, alert_id: int, *, session: Session, by: str, note: str = ""
) -> tuple[Alert, bool]:
    """Mark the alert acknowledged by `by`, with what they did; (alert, False) when it already
    was, so the first person to acknowledge stays on record. NotFoundError for another
    municipality's alert."""
    row = get_owned(Alert, municipality_id, alert_id, session=session)
    if row.acknowledged_at is not None:
        return row, False
    row.acknowledged_at, row.acknowledged_by, row.ack_note = utcnow(), by, note[:500]
    session.add(row)
    return row, True


def get_alert(municipality_id: int, alert_id: int, *, session: Session) -> Alert:
    return get_owned(Alert, municipality_id, alert_id, session=session)


# --- escalation --------------------------------------------------------------------------------


def open_alerts_of_kind(kind: str, *, session: Session) -> list[Alert]:
    """Unacknowledged alerts of `kind` in every municipality (the clock's escalation sweep)."""
    query = select(Alert).where(Alert.kind == kind, col(Alert.acknowledged_at).is_(None))
    return list(session.exec(query.order_by(col(Alert.id))).all())


def advance_step(alert: Alert, *, to: int, at: datetime, session: Session) -> bool:
    """Move the alert from step `to - 1` to `to` unless someone else did or it was taken.

    One conditional UPDATE, so two sweeps racing for the same step move it once."""
    result = session.execute(
        update(Alert)
        .where(
            col(Alert.id) == alert.id,
            col(Alert.step) == to - 1,
            col(Alert.acknowledged_at).is_(None),
        )
        .values(step=to, step_at=at)
        .execution_options(synchronize_session=False)
    )
    moved = bool(getattr(result, "rowcount", 0))
    if moved:
        session.refresh(alert)
    return moved


def add_notice(notice: AlertNotice, *, session: Session) -> bool:
    """Store the notice unless this (alert, step, target) has one; True if it was new."""
    existing = session.exec(
        select(AlertNotice).where(
            AlertNotice.alert_id == notice.alert_id,
            AlertNotice.step == notice.step,
            AlertNotice.push_target_id == notice.push_target_id,
        )
    ).first()
    if existing is not None:
        return False
    try:
        with session.begin_nested():
            session.add(notice)
    except IntegrityError:  # a concurrent task stored it first
        return False
    return True


def notices_to_send(
    municipality_id: int, alert_id: int, step: int, *, session: Session
) -> list[AlertNotice]:
    query = select(AlertNotice).where(
        AlertNotice.municipality_id == municipality_id,
        AlertNotice.alert_id == alert_id,
        AlertNotice.step == step,
        col(AlertNotice.status).not_in(("delivered", "failed")),
    )
    return list(session.exec(query.order_by(col(AlertNotice.id))).all())


def list_notices(municipality_id: int, alert_id: int, *, session: Session) -> list[AlertNotice]:
    query = select(AlertNotice).where(
        AlertNotice.municipality_id == municipality_id, AlertNotice.alert_id == alert_id
    )
    return list(session.exec(query.order_by(col(AlertNotice.id))).all())


def record_notice(notice: AlertNotice, status: str, *, error: str = "", session: Session) -> None:
    notice.status, notice.attempts, notice.last_error = status, notice.attempts + 1, error[:500]
    if status == "delivered":
        notice.delivered_at = utcnow()
    session.add(notice)
