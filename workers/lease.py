"""The clock's lease: of several clocks, only the holder runs the jobs and relays the outbox.

The lease is a database row (name, holder, expiry), so it needs nothing the clocks do not
already share, on SQLite and PostgreSQL alike. The holder renews it every `renew_s`; a
clock that is not the holder tries as often, and takes it once the expiry has passed (the
holder died or lost the database), so a second clock takes over within `ttl_s` plus one try.

Never both: the holder counts itself the holder only until `ttl_s - renew_s` after its last
successful renewal, while the others wait for the full `ttl_s`; the gap (a renewal period)
covers clocks of two machines disagreeing by less than that.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy.exc
from sqlalchemy.engine import Engine

from scheduler.db import session_scope
from scheduler.models.base import utcnow
from scheduler.repositories.clock import lease_of, release_lease, take_lease

log = logging.getLogger(__name__)

LEASE_NAME = "clock"
Now = Callable[[], datetime]


def default_holder() -> str:
    """Unique per process: a clock restarted on the same machine is a new holder."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Lease:
    def __init__(
        self,
        engine: Engine,
        holder: str,
        *,
        ttl_s: float = 45.0,
        renew_s: float = 15.0,
        now: Now = utcnow,
        name: str = LEASE_NAME,
    ) -> None:
        if not 0 < renew_s < ttl_s:
            raise ValueError(f"Expected 0 < renew_s < ttl_s, got {renew_s} and {ttl_s}")
        self.engine, self.holder, self.name = engine, holder, name
        self.ttl_s, self.renew_s, self._now = ttl_s, renew_s, now
        self._valid_until: datetime | None = None
        self._tried_at: datetime | None = None
        self._said = ""  # the last state logged, so each change is told once

    def held(self) -> bool:
        """True while this clock may act as the holder (checked before each job and send)."""
        return self._valid_until is not None and self._now() < self._valid_until

    def renew_due(self) -> bool:
        tried = self._tried_at
        return tried is None or self._now() >= tried + timedelta(seconds=self.renew_s)

    def renew(self) -> bool:
        """Take or renew the lease; whether this clock holds it now."""
        started = self._tried_at = self._now()
        try:
            with session_scope(self.engine) as session:
                lease = take_lease(
                    self.name, self.holder, now=started, ttl_s=self.ttl_s, session=session
                )
                other = None if lease else lease_of(self.name, session=session)
        except sqlalchemy.exc.IntegrityError:
            return False  # another clock inserted the row at the same moment: it holds it
        except sqlalchemy.exc.DBAPIError as exc:
            # The database is away: this clock is the holder only as long as it was already.
            self._tell("error", "clock lease not renewed: %s", type(exc).__name__)
            return self.held()
        if lease is None:
            self._valid_until = None
            holder = other.holder if other else "?"
            until = other.expires_at.isoformat(timespec="seconds") if other else "?"
            self._tell(
                f"standby:{holder}", "standing by: clock %s holds the lease until %s", holder, until
            )
            return False
        self._valid_until = started + timedelta(seconds=self.ttl_s - self.renew_s)
        self._tell(
            "holder", "holding the clock lease as %s: running jobs and relaying", self.holder
        )
        return True

    def release(self) -> None:
        """On a clean stop: let another clock take over at once."""
        if self._valid_until is None:
            return
        self._valid_until = None
        try:
            with session_scope(self.engine) as session:
                release_lease(self.name, self.holder, now=self._now(), session=session)
        except sqlalchemy.exc.DBAPIError:
            log.warning("clock lease not released; it runs out by itself")

    def _tell(self, state: str, message: str, *args: object) -> None:
        if state != self._said:
            (log.warning if state == "error" else log.info)(message, *args)
            self._said = state
