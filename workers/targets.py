"""Adding and removing the places publications go to (the one write path for `PushTarget`)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from scheduler.errors import InvalidInputError
from scheduler.models import PushTarget
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
        raise InvalidInputError.one("channel", f"expected one of {list(CHANNELS)}, got {channel!r}")
    if not address.startswith(("https://", "http://")):
        raise InvalidInputError.one("address", "expected an http(s) URL")
    secrets = dict(secrets or {})
    missing = [k for k in _REQUIRED[channel] if not secrets.get(k)]
    if missing:
        raise InvalidInputError.one("secrets", f"{channel} needs {', '.join(missing)}")
    target = session.exec(
        select(PushTarget).where(
            PushTarget.municipality_id == municipality_id,
            PushTarget.channel == channel,
            PushTarget.address == address,
        )
    ).first()
    if target is None:
        target = PushTarget(municipality_id=municipality_id, channel=channel, address=address)
    target.secrets, target.user_id, target.active = secrets, user_id, True
    target.label = label or target.label or f"{channel} {address.split('://', 1)[-1][:60]}"
    session.add(target)
    session.flush()
    return target


def switch_off(session: Session, municipality_id: int, target_id: int) -> None:
    target = session.get(PushTarget, target_id)
    if target is not None and target.municipality_id == municipality_id:
        target.active = False
        session.add(target)
        session.flush()
