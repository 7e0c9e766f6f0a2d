"""Health and readiness checks, as plain dicts for `/healthz`, `/readyz` and the CLI.

Readiness asks the database only: the API accepts changes while Redis is down (the outbox
keeps them), so a Redis outage must not take the API out of its load balancer. Redis and the
outbox backlog are reported next to it, so a dashboard shows the queue's state.
"""

from __future__ import annotations

import time
from typing import Any

import redis
from sqlalchemy import text
from sqlalchemy.engine import Engine

from workers.relay import backlog


def check_database(engine: Engine) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with engine.connect() as conn:  # a round trip, not a read of the product's rows
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def check_redis(url: str) -> dict[str, Any]:
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


def check_outbox(engine: Engine) -> dict[str, Any]:
    try:
        return {"ok": True, "waiting": backlog(engine)}
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


def readiness(engine: Engine, redis_url: str) -> dict[str, Any]:
    """`ready` is the database's answer; Redis and the outbox are there to be seen."""
    database = check_database(engine)
    return {
        "ready": database["ok"],
        "database": database,
        "redis": check_redis(redis_url),
        "outbox": check_outbox(engine) if database["ok"] else {"ok": False},
    }


def liveness() -> dict[str, Any]:
    return {"ok": True}
