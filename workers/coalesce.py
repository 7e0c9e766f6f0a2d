"""Coalescing and mutual exclusion of plan runs, kept in Redis.

Two small tools, both keyed by municipality, date and service:

- a *claim* (`SET NX` with expiry) says "a plan run is already scheduled"; the first event of
  a burst takes it and schedules the run a little later, and the events that follow find it
  taken and do nothing, so twenty cancellations in a burst give one re-plan;
- a *lock* (redis-py's token lock with expiry, the token being the task id) lets one run at a
  time plan a day. It expires a little after the run's hard time limit, by which time Celery
  has ended any run still going, so a lock left by a dead worker lapses on its own; the same
  task run again after its attempt died takes its own lock over at once. (No heartbeat thread
  extends it: a second thread would make the solver start its search processes the slow way.)

What needs planning is not kept here: it is the set of unprocessed events in the database
(`scheduler.planning.runs`), so losing Redis loses at most a schedule, never a change.

Without Redis (eager mode: the embedded demo) the same operations work in this process only.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from typing import Protocol

import redis
from redis.exceptions import LockError

from scheduler.models import Service
from scheduler.settings import get_settings

log = logging.getLogger(__name__)


class Lock(Protocol):
    def release(self) -> None: ...


class Coordinator(Protocol):
    def claim(self, key: str, ttl_s: float) -> bool: ...

    def forget(self, key: str) -> None: ...

    def lock(self, key: str, ttl_s: float, owner: str) -> Lock | None: ...


def day_key(municipality_id: int, day: date | str, service: Service) -> str:
    stamp = day.isoformat() if isinstance(day, date) else day
    return f"patronage:plan:{municipality_id}:{stamp}:{service}"


class _RedisLock:
    def __init__(self, lock: redis.lock.Lock) -> None:
        self._lock = lock

    def release(self) -> None:
        try:
            self._lock.release()
        except LockError:  # it lapsed and someone else may hold it now: theirs to release
            log.warning("plan lock %s had lapsed before release", self._lock.name)


class RedisCoordinator:
    def __init__(self, client: redis.Redis) -> None:
        self._client = client

    def claim(self, key: str, ttl_s: float) -> bool:
        return bool(self._client.set(key, "1", nx=True, px=max(1, int(ttl_s * 1000))))

    def forget(self, key: str) -> None:
        self._client.delete(key)

    def lock(self, key: str, ttl_s: float, owner: str) -> Lock | None:
        lock = self._client.lock(key, timeout=ttl_s, blocking=False)
        if lock.acquire(token=owner):
            return _RedisLock(lock)
        lock.local.token = owner.encode()  # held by an attempt of this same task that died?
        try:
            return _RedisLock(lock) if lock.reacquire() else None
        except LockError:
            return None


class LocalCoordinator:
    """The same operations for one process (eager mode), with expiry."""

    def __init__(self) -> None:
        self._held: dict[str, tuple[float, str]] = {}  # key -> (expires, owner)
        self._mutex = threading.Lock()

    def _take(self, key: str, ttl_s: float, owner: str) -> bool:
        with self._mutex:
            now = time.monotonic()
            expires, holder = self._held.get(key, (0.0, ""))
            if expires > now and not (owner and holder == owner):
                return False
            self._held[key] = (now + ttl_s, owner)
            return True

    def claim(self, key: str, ttl_s: float) -> bool:
        return self._take(key, ttl_s, "")

    def forget(self, key: str) -> None:
        with self._mutex:
            self._held.pop(key, None)

    def lock(self, key: str, ttl_s: float, owner: str) -> Lock | None:
        return _LocalLock(self, key) if self._take(key, ttl_s, owner) else None


class _LocalLock:
    def __init__(self, owner: LocalCoordinator, key: str) -> None:
        self._owner, self._key = owner, key

    def release(self) -> None:
        self._owner.forget(self._key)


@contextmanager
def exclusive(coordinator: Coordinator, key: str, ttl_s: float, owner: str) -> Iterator[bool]:
    """Hold `key` for the block (True), or not at all (False) when someone else holds it.

    `owner` is the Celery task id. A task is run again under the same id only when its earlier
    attempt is known lost (its pool process died, or its worker's message timed out), so an
    owner finding the lock still held by its own id takes it over instead of waiting for it
    to lapse.
    """
    lock = coordinator.lock(key, ttl_s, owner)
    if lock is None:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


@lru_cache(maxsize=4)
def redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=10)


_local = LocalCoordinator()


def coordinator() -> Coordinator:
    """Redis when PATRONAGE_REDIS_URL is set; otherwise this process (eager mode)."""
    url = get_settings().redis_url
    return RedisCoordinator(redis_client(url)) if url else _local
