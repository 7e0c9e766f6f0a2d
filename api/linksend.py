"""Sending a driver's or caregiver's personal link from the board: to their ntfy topic, or by
e-mail through the configured SMTP server (standard library smtplib).

Errors, one family for the route to map: `SendError` (the base, with a reason a dispatcher can
act on); `NotConfiguredError` when there is nowhere to send (no topic, no address, no SMTP
server). Network trouble is a `SendError` too: the dispatcher sees it and tries again.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

import httpx

from api.i18n import Translator
from scheduler.settings import Settings
from workers.publishers.base import PublishError
from workers.publishers.ntfy import NtfyPublisher


class SendError(Exception):
    """The link was not sent; the message says why."""


class NotConfiguredError(SendError):
    """Nowhere to send it: no topic or address for the holder, or no SMTP server."""


def words(t: Translator, name: str, url: str) -> tuple[str, str]:
    """(title, body) of the message, in the holder's language."""
    title = t.gettext("Your days in Patronage")
    body = t.gettext(
        "%(name)s, this link opens your next working day and your upcoming days. "
        "Keep it on your phone's home screen: %(url)s"
    ) % {"name": name, "url": url}
    return title, body


def send_ntfy(topic_url: str, title: str, body: str, url: str, client: httpx.Client) -> None:
    if not topic_url:
        raise NotConfiguredError("no ntfy topic is set for this person")
    try:
        NtfyPublisher(client, topic_url).send(title, body, url, tags="link")
    except (PublishError, ValueError) as exc:
        raise SendError(f"ntfy: {exc}") from exc


def send_email(settings: Settings, to: str, title: str, body: str) -> None:
    if not to:
        raise NotConfiguredError("no e-mail address is set for this person")
    if not settings.smtp_host:
        raise NotConfiguredError("no SMTP server is configured (PATRONAGE_SMTP_HOST)")
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = to
    message["Subject"] = title
    message.set_content(body)
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_s
        ) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(f"e-mail: {exc}") from exc
