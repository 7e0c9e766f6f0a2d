"""Running the pipeline inside one process: the demo and the API without a broker.

With no Redis configured the Celery app is eager, so sending an outbox row runs its task
here and now, with the same task code a worker runs. `drain` relays until nothing is left,
including the rows the tasks themselves wrote (a freeze asks for a plan, a plan for a
publication), so the caller sees the whole chain of a change done.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from workers.relay import relay_once


def drain(engine: Engine, *, max_passes: int = 50) -> int:
    """Relay (and, in eager mode, run) until the outbox is empty; the rows sent."""
    total = 0
    for _ in range(max_passes):
        result = relay_once(engine)
        if result.broker_down:
            raise RuntimeError(f"the broker is down: {result.error}")
        total += result.sent
        if result.sent == 0:
            return total
    raise RuntimeError(f"the outbox was still not empty after {max_passes} passes")
