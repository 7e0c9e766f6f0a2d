"""Adding and removing the places publications go to: the checks a `PushTarget` passes
before the repository stores it (the API and the demo add targets only through here)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from scheduler.models import PushTarget
from scheduler.refusals import Reason, refuse
from scheduler.repositories.publications import (
    find_push_target,
    get_push_target,
    store_push_target,
    switch_off_push_target,
)
from workers.publishers import CHANNELS

_REQUIRED = {"webpush": ("p256dh", "auth"), "ntfy": (), "webhook": ("secret",)}


def save_target(
    session: Session,
    municipality_id: int,
    *,
    channel: str,
    address: str,
    secrets: dict[str, Any] | None = None,
    user_id: int | None = None,
    label: str = "",
) -> PushTarget:
    """Create the target, or refresh it (a phone subscribing again gets new keys)."""
    if channel not in CHANNELS:
        choices = list(CHANNELS)
        raise refuse("channel", Reason.expected_one_of_got, choices=choices, value=repr(channel))
    if not address.startswith(("https://", "http://")):
        raise refuse("address", Reason.not_a_url)
    secrets = dict(secrets or {})
    missing = [k for k in _REQUIRED[channel] if not secrets.get(k)]
    if missing:
        raise refuse("secrets", Reason.channel_needs, channel=channel, value=", ".join(missing))
    target = find_push_target(municipality_id, channel, address, session=session)
    if target is None:
        target = PushTarget(municipality_id=municipality_id, channel=channel, address=address)
    target.secrets, target.user_id, target.active = secrets, user_id, True
    target.label = label or target.label or f"{channel} {address.split('://', 1)[-1][:60]}"
    return store_push_target(target, session=session)


def switch_off(session: Session, municipality_id: int, target_id: int) -> None:
    target = get_push_target(municipality_id, target_id, session=session)
    if target is not None:
        switch_off_push_target(target, session=session)
