"""Without a broker (the embedded demo, tests) the API relays its own outbox after answering.

With Redis configured a separate relay process does this; here the same relay code runs in a
background task after the response, and Celery's eager mode runs the task code in-process.
It drains rather than relaying once: the tasks write follow-up rows (a report may ask for a
re-plan, a plan for a publication), and one pass would leave those waiting for a next request.
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
    from workers.embedded import drain

    try:
        drain(request.app.state.engine)
    except Exception:  # the change is committed; the outbox row waits for the next pass
        log.exception("relaying the outbox in-process failed")
