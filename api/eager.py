"""Without a broker (the embedded demo, tests) the API relays its own outbox after answering.

With Redis configured a separate relay process does this; here the same relay code runs in a
background task after the response, and Celery's eager mode runs the task code in-process.
"""

from __future__ import annotations

import logging

from fastapi import BackgroundTasks, Request

log = logging.getLogger("patronage.api")


def relay_if_eager(later: BackgroundTasks, request: Request) -> None:
    if request.app.state.settings.redis_url:
        return
    later.add_task(_relay, request)


def _relay(request: Request) -> None:
    from workers.relay import relay_once

    try:
        relay_once(request.app.state.engine)
    except Exception:  # the change is committed; the outbox row waits for the next pass
        log.exception("relaying the outbox in-process failed")
