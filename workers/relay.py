"""The relay: moves outbox rows to the queue, in id order, and survives the broker being down.

Changes are accepted whether Redis is up or not, because the API and the CLI only write the
event and its outbox row to the database. The relay reads rows not yet dispatched, oldest
first, sends each as the Celery task its `task` column names, and marks them dispatched.

- Broker down: the pass stops at the first row that cannot be sent (every later row would fail
  the same way and would overtake it once the broker is back), records the error on that row,
  and the loop tries again with a doubling pause. Nothing is lost and the order holds.
- One row that cannot be sent for its own reason (a task name nobody knows): it is recorded
  and skipped, and so are later rows of the same municipality and date, so that date's changes
  are never applied out of order; other municipalities carry on.
- A crash after sending but before marking sends the rows again; tasks are idempotent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import kombu.exceptions
import redis.exceptions
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.models import Outbox
from scheduler.models.base import utcnow
from scheduler.repositories.outbox import (
    count_undispatched,
    mark_dispatched,
    note_failure,
    undispatched,
)
from workers.metrics import metrics

log = logging.getLogger(__name__)

BROKER_DOWN = (kombu.exceptions.OperationalError, redis.exceptions.ConnectionError, OSError)
FALLBACK_TASK = "patronage.event"

Send = Callable[[Outbox], None]


@dataclass(frozen=True)
class RelayPass:
    sent: int = 0
    skipped: int = 0
    error: str = ""  # the broker error that stopped the pass, if one did

    @property
    def broker_down(self) -> bool:
        return bool(self.error)


def celery_send(row: Outbox) -> None:
    """Send one outbox row as its task; the outbox id names the message for tracing."""
    from workers.celery_app import get_app

    app = get_app()
    name = f"patronage.{row.task}"
    task = app.tasks.get(name) or app.tasks[FALLBACK_TASK]
    task.apply_async(kwargs=dict(row.args), task_id=f"outbox-{row.id}", retry=False)


def _order_key(row: Outbox) -> tuple[int, Any]:
    return row.municipality_id, (row.args or {}).get("day")


def relay_once(
    engine: Engine,
    send: Send = celery_send,
    *,
    batch: int = 500,
    may_send: Callable[[], bool] = lambda: True,
) -> RelayPass:
    """One pass over the undispatched rows, oldest first, while `may_send` allows it (the
    clock's lease: a clock that lost it stops between two rows)."""
    sent = skipped = 0
    blocked: set[tuple[int, Any]] = set()
    with Session(engine, expire_on_commit=False) as session:
        for row in undispatched(limit=batch, session=session):
            if not may_send():
                break
            key = _order_key(row)
            if key in blocked:
                skipped += 1
                continue
            try:
                send(row)
            except BROKER_DOWN as exc:
                _failed(session, row, exc)
                session.commit()
                metrics().outbox_backlog.set(count_undispatched(session=session))
                return RelayPass(sent, skipped, f"{type(exc).__name__}: {exc}")
            except Exception as exc:  # this row's own problem: hold back its date, go on
                log.exception("outbox row %s could not be sent", row.id)
                _failed(session, row, exc)
                blocked.add(key)
                skipped += 1
                continue
            mark_dispatched(row, at=utcnow(), session=session)
            metrics().events_in.labels(task=row.task).inc()
            sent += 1
        session.commit()
        metrics().outbox_backlog.set(count_undispatched(session=session))
    return RelayPass(sent, skipped)


def _failed(session: Session, row: Outbox, exc: BaseException) -> None:
    note_failure(row, f"{type(exc).__name__}: {exc}", session=session)


def backlog(engine: Engine) -> int:
    """Outbox rows not yet on the queue."""
    with Session(engine) as session:
        return count_undispatched(session=session)


class Relay:
    """The relay loop, in a thread of the clock process (or any process that runs it)."""

    def __init__(
        self,
        engine: Engine,
        send: Send = celery_send,
        *,
        interval_s: float = 0.2,
        max_backoff_s: float = 10.0,
        batch: int = 500,
        may_send: Callable[[], bool] = lambda: True,
    ) -> None:
        self._engine = engine
        self._may_send = may_send
        self._send = send
        self._interval_s = interval_s
        self._max_backoff_s = max_backoff_s
        self._batch = batch
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run(self) -> None:
        pause = self._interval_s
        while not self._stop.is_set():
            if not self._may_send():  # another clock holds the lease and relays
                self._stop.wait(self._interval_s)
                continue
            try:
                result = relay_once(
                    self._engine, self._send, batch=self._batch, may_send=self._may_send
                )
            except Exception:  # the database itself is away: same patience as for Redis
                log.exception("relay pass failed")
                result = RelayPass(error="database")
            if result.broker_down:
                if pause == self._interval_s:
                    log.warning("broker unavailable, outbox rows wait: %s", result.error)
                pause = min(pause * 2, self._max_backoff_s)
            else:
                if pause != self._interval_s:
                    log.info("broker back, relay catching up")
                pause = self._interval_s
                if result.sent >= self._batch:
                    continue  # more rows are waiting: no pause
            self._stop.wait(pause)

    def start(self) -> Relay:
        self._thread = threading.Thread(target=self.run, name="outbox-relay", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
