"""Telling people about an alert: one push to each target of each person told at a step.

`scheduler.welfare` decides who is told at each step (the dispatchers on duty, then one
person of the escalation list per step) and records an event per step; this sends it over
the same publishers and targets as route publications (Web Push, ntfy, webhooks), each target's
message in its owner's language. A step's notices are unique per target, so a retried task
or a second event for the same step sends each notice once; a notice that fails transiently
is tried again with the publication backoff, and stays on record as failed at the end.

The words come from the product's catalogs, which live with the pages (api/i18n); the API
and the worker command hand them in with `scheduler.wording.use_catalogs` when they start, so
this module reads no web code. Without them the message is in English, the catalogs' source
language.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx
from sqlmodel import Session

from scheduler.alerts import alert_words
from scheduler.audit import audit
from scheduler.models import Alert, AlertNotice, Municipality, PushTarget, User
from scheduler.repositories.alerts import add_notice, get_alert, notices_to_send, record_notice
from scheduler.repositories.publications import get_push_target, switch_off_push_target
from scheduler.repositories.tenancy import get_municipality
from scheduler.repositories.welfare import user_targets
from scheduler.welfare import WelfareDetail, detail_of, recipients
from scheduler.wording import Wording, wording
from workers.publishers import publisher_for
from workers.publishers.base import (
    AlertMessage,
    PublishError,
    TargetGoneError,
    TransientPublishError,
)
from workers.settings import WorkerSettings
from workers.webhook_deliveries import send_recorded

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notified:
    delivered: int = 0
    failed: int = 0
    retry_in: float | None = None  # some notice failed transiently: run the step again then


def notify(
    session: Session,
    municipality_id: int,
    alert_id: int,
    step: int,
    client: httpx.Client,
    *,
    base_url: str,
    ws: WorkerSettings,
    vapid_key: str = "",
    vapid_subject: str = "",
) -> Notified:
    """Record this step's notices (once) and send those not sent yet; the caller commits."""
    alert = get_alert(municipality_id, alert_id, session=session)
    if alert.acknowledged_at is not None:
        return Notified()  # someone took it before this step went out
    people = {u.id: u for u in recipients(session, alert, step)}
    ids = [uid for uid in people if uid is not None]
    for target in user_targets(municipality_id, ids, session=session):
        assert target.id is not None
        notice = AlertNotice(
            municipality_id=municipality_id,
            alert_id=alert_id,
            step=step,
            push_target_id=target.id,
            user_id=target.user_id,
            channel=target.channel,
        )
        add_notice(notice, session=session)
    town = get_municipality(municipality_id, session=session)
    delivered = failed = 0
    retry = False
    for notice in notices_to_send(municipality_id, alert_id, step, session=session):
        found = get_push_target(municipality_id, notice.push_target_id, session=session)
        owner = people.get(notice.user_id)
        message = alert_message(alert, step, town, owner, base_url, notice)
        outcome = _send(session, notice, found, message, client, ws, vapid_key, vapid_subject)
        delivered += outcome == "delivered"
        failed += outcome == "failed"
        retry = retry or outcome == "retrying"
    if step == 0 or delivered or failed:
        audit(
            municipality_id,
            session=session,
            actor="worker",
            action="notify",
            entity="alert",
            entity_id=alert_id,
            detail={"step": step, "delivered": delivered, "failed": failed},
        )
    return Notified(delivered, failed, ws.publish_backoff_s if retry else None)


def _send(
    session: Session,
    notice: AlertNotice,
    target: PushTarget | None,
    message: AlertMessage,
    client: httpx.Client,
    ws: WorkerSettings,
    vapid_key: str,
    vapid_subject: str,
) -> str:
    if target is None or not target.active:
        record_notice(notice, "failed", error="the target was removed", session=session)
        return "failed"
    try:
        publisher = publisher_for(target, client, vapid_key=vapid_key, vapid_subject=vapid_subject)
        send_recorded(session, target, publisher, message, "alert")
    except TransientPublishError as exc:
        status = "failed" if notice.attempts + 1 >= ws.publish_max_attempts else "retrying"
        record_notice(notice, status, error=str(exc), session=session)
        return status
    except TargetGoneError as exc:
        switch_off_push_target(target, session=session)
        record_notice(notice, "failed", error=f"target gone: {exc}", session=session)
        return "failed"
    except (PublishError, ValueError) as exc:
        record_notice(notice, "failed", error=str(exc), session=session)
        log.warning("alert notice %s failed: %s", notice.id, exc)
        return "failed"
    record_notice(notice, "delivered", session=session)
    return "delivered"


def alert_message(
    alert: Alert,
    step: int,
    town: Municipality,
    reader: User | None,
    base_url: str,
    notice: AlertNotice,
) -> AlertMessage:
    """The push in the reader's language: what happened, when and which van; no client."""
    words = wording((reader.locale if reader else None) or town.locale, town.timezone)
    _ = words.gettext
    detail = detail_of(alert)
    assert alert.id is not None
    title = _("Welfare alert") if detail else _("Alert")
    body = _welfare_text(words, detail) if detail else alert_words(alert, words)
    if step > 0:
        body = (
            _("Nobody has taken this alert yet: you are next on the escalation list.") + " " + body
        )
    return AlertMessage(
        delivery_id=f"alert-{alert.id}-{step}-{notice.push_target_id}",
        municipality_id=alert.municipality_id,
        alert_id=alert.id,
        step=step,
        kind=alert.kind,
        severity=alert.severity,
        url=f"{base_url.rstrip('/')}/board#alert-{alert.id}",
        title=title,
        body=body,
    )


def _welfare_text(words: Wording, detail: WelfareDetail) -> str:
    _ = words.gettext
    at = words.wall(detail.at.astimezone(words.zone).time())
    crew = ", ".join(x for x in (detail.van, detail.driver) if x)
    text = _("Nobody opened the door at %(time)s.") % {"time": at}
    if crew:
        text += f" ({crew})"
    return text + " " + _("Open the board to see whom to call.")
