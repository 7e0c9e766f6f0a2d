"""Alerts for the dispatcher (a client not at home, a refused lunch, a failed plan): the one
write path for `Alert` rows, and the reads and acknowledgement of the board and the API.

Alerts are raised where the fact is recorded (scheduler/alerts.py chooses kind and severity);
here they are written, read and acknowledged, always within one municipality.
"""

from __future__ import annotations

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from scheduler.models import Alert
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
    session: Session,
) -> Alert:
    alert = Alert(
        municipality_id=municipality_id,
        kind=kind,
        severity=severity,
        message=message[:500],
        client_id=client_id,
        stop_id=stop_id,
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
    municipality_id: int, alert_id: int, *, session: Session, by: str
) -> tuple[Alert, bool]:
    """Mark the alert acknowledged by `by`; (alert, False) when it already was, so the first
    person to acknowledge stays on record. NotFoundError for another municipality's alert."""
    row = get_owned(Alert, municipality_id, alert_id, session=session)
    if row.acknowledged_at is not None:
        return row, False
    row.acknowledged_at, row.acknowledged_by = utcnow(), by
    session.add(row)
    return row, True
