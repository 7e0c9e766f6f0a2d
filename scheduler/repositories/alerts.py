"""Alerts for the dispatcher: the one write path for `Alert` rows."""

from __future__ import annotations

from sqlmodel import Session

from scheduler.models import Alert


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
