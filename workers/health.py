"""Health and readiness checks, as typed records for `/healthz`, `/readyz` and the CLI.

Readiness asks the database only: the API accepts changes while Redis is down (the outbox
keeps them), so a Redis outage must not take the API out of its load balancer. Redis and the
outbox backlog are reported next to it, so a dashboard shows the queue's state.
"""

from __future__ import annotations

import time
from typing import NotRequired

import redis
from sqlalchemy import text
from sqlalchemy.engine import Engine
from typing_extensions import TypedDict  # pydantic needs this one on Python 3.11

from workers.relay import backlog


class Check(TypedDict):
    """One dependency's answer: `ok`, and the time it took or why it failed."""

    ok: bool
    ms: NotRequired[float]
    error: NotRequired[str]
    mode: NotRequired[str]  # Redis: how the queue runs when none is configured
    waiting: NotRequired[int]  # the outbox: rows not yet sent


class Readiness(TypedDict):
    ready: bool
    database: Check
    redis: Check
    outbox: Check


class Liveness(TypedDict):
    ok: bool


def check_database(engine: Engine) -> Check:
    started = time.perf_counter()
    try:
        with engine.connect() as conn:  # a round trip, not a read of the product's rows
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def check_redis(url: str) -> Check:
    if not url:
        return {"ok": True, "mode": "eager (no Redis configured)"}
    started = time.perf_counter()
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    finally:
        client.close()
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def check_outbox(engine: Engine) -> Check:
    try:
        return {"ok": True, "waiting": backlog(engine)}
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


def readiness(engine: Engine, redis_url: str) -> Readiness:
    """`ready` is the database's answer; Redis and the outbox are there to be seen."""
    database = check_database(engine)
    return {
        "ready": database["ok"],
        "database": database,
        "redis": check_redis(redis_url),
        "outbox": check_outbox(engine) if database["ok"] else {"ok": False},
    }


def liveness() -> Liveness:
    return {"ok": True}
