"""Alerts for the dispatcher: what can go wrong that a person must see, and how urgent it is.

Every alert is raised through `raise_alert`, so its kind is one of a closed set and its
severity follows from the kind: a client living alone who does not open the door is critical
(the lunch van is their daily welfare check), a failure of planning or publishing is an error
the dispatcher must act on, a problem a driver reports is a warning.

An alert is read by people of different languages, so its words are kept as a catalog message
with parameters (`detail["msgid"]`, `detail["params"]`) and put into each reader's language by
`alert_words`; `message` keeps the English sentence for logs. A welfare alert keeps its facts
instead (scheduler/welfare.py).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from scheduler.models import Alert
from scheduler.repositories.alerts import add_alert
from scheduler.wording import N_ as N_  # where alerts' messages are marked
from scheduler.wording import Wording

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
    params: Mapping[str, str] | None = None,
    client_id: int | None = None,
    stop_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> Alert:
    """Add the alert in the caller's transaction; the caller commits. `message` is a catalog
    message (marked with `N_`) and `params` its parameters, put into words per reader."""
    if params is not None:
        detail = {"msgid": message, "params": dict(params)}
        message = message % params
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


TRANSLATED_PARAMS = ("service", "outcome")  # internal names that have catalog words


def alert_words(alert: Alert, words: Wording) -> str:
    """The alert's sentence in the reader's language (the stored English one for older rows)."""
    detail = alert.detail or {}
    msgid, params = detail.get("msgid"), detail.get("params")
    if not isinstance(msgid, str) or not isinstance(params, dict):
        return alert.message
    shown = {k: _param(k, str(v), words) for k, v in params.items()}
    return words.gettext(msgid) % shown


def _param(name: str, value: str, words: Wording) -> str:
    if name == "day":
        try:
            return words.short_day(date.fromisoformat(value))
        except ValueError:
            return value
    return words.gettext(value) if name in TRANSLATED_PARAMS else value
