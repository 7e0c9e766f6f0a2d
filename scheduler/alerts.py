"""Alerts for the dispatcher: what can go wrong that a person must see, and how urgent it is.

Every alert is raised through `raise_alert`, so its kind is one of a closed set and its
severity follows from the kind: a client living alone who does not open the door is critical
(the lunch van is their daily welfare check), a failure of planning or publishing is an error
the dispatcher must act on, a problem a driver reports is a warning.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from scheduler.models import Alert
from scheduler.repositories.alerts import add_alert

log = logging.getLogger(__name__)


class AlertKind(StrEnum):
    welfare = "welfare"
    problem = "problem"
    plan_failed = "plan_failed"
    publish_skipped = "publish_skipped"
    publication_failed = "publication_failed"
    report_conflict = "report_conflict"  # a driver's report that no longer fits the plan
    clock_failed = "clock_failed"  # a cut-off, morning plan or publish failed twice


class Severity(StrEnum):
    critical = "critical"
    error = "error"
    warning = "warning"


SEVERITY = {
    AlertKind.welfare: Severity.critical,
    AlertKind.problem: Severity.warning,
    AlertKind.plan_failed: Severity.error,
    AlertKind.publish_skipped: Severity.error,
    AlertKind.publication_failed: Severity.error,
    AlertKind.report_conflict: Severity.warning,
    AlertKind.clock_failed: Severity.error,
}


def raise_alert(
    session: Session,
    municipality_id: int,
    kind: AlertKind,
    message: str,
    *,
    client_id: int | None = None,
    stop_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> Alert:
    """Add the alert in the caller's transaction; the caller commits."""
    if client_id is None and stop_id is None:  # one about a client may name them: not logged
        log.warning("alert %s for municipality %s: %s", kind.value, municipality_id, message)
    return add_alert(
        municipality_id,
        kind=kind.value,
        severity=SEVERITY[kind].value,
        message=message,
        client_id=client_id,
        stop_id=stop_id,
        detail=detail,
        session=session,
    )
