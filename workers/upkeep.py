"""Upkeep the clock runs once a day: pruning old access records (scheduler/retention.py).

`prune_access_records_job()` takes no arguments and commits its own transaction (the
session scope's), so a
scheduler can call it as it is (APScheduler: `add_job(prune_access_records_job, "cron",
hour=3, minute=17)`); `patronage db prune` runs it by hand. Running it twice deletes nothing
the second time.
"""

from __future__ import annotations

import logging
from datetime import datetime

from scheduler.db import session_scope
from scheduler.models.base import utcnow
from scheduler.retention import Pruned, prune_access_records
from scheduler.settings import get_settings

log = logging.getLogger("patronage.upkeep")


def prune_access_records_job(now: datetime | None = None) -> Pruned:
    """Delete the page sessions and sign-in attempts past their retention; what went."""
    with session_scope() as session:
        pruned = prune_access_records(now or utcnow(), get_settings(), session=session)
    log.info(
        "pruned %d page sessions and %d sign-in attempts",
        pruned.sessions,
        pruned.signin_attempts,
    )
    return pruned
