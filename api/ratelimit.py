"""Token buckets that keep one credential, or one municipality, from flooding the planner.

Plan, publish and import each cost one token from two buckets: the caller's (its API token,
or its page session's user) and its municipality's. A bucket holds `burst` tokens and gains
`per_minute` a minute; an empty one answers 429 with `Retry-After` and a problem document.

With Redis configured the buckets live there (one Lua script, so concurrent servers and
workers share them atomically); without it, or while Redis cannot be reached, they live in
this process: a limit that holds per server is better than none, and a planner that cannot
be asked because Redis is down would be worse.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Protocol

import redis
from fastapi import Depends, Request

from api.deps import CurrentCaller, Now, get_settings
from api.problems import ProblemError
from scheduler.settings import Settings
from workers.coalesce import redis_client

log = logging.getLogger("patronage.api")


@dataclass(frozen=True)
class Rate:
    burst: int
    per_minute: float

    @property
    def per_second(self) -> float:
        return self.per_minute / 60.0


class Buckets(Protocol):
    def take(self, key: str, rate: Rate, now: float) -> float:
        """Take one token; 0 when there was one, else the seconds until there will be."""


class LocalBuckets:
    """Buckets in this process: key -> (tokens, when they were counted)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: dict[str, tuple[float, float]] = {}

    def take(self, key: str, rate: Rate, now: float) -> float:
        with self._lock:
            tokens, at = self._state.get(key, (float(rate.burst), now))
            if now > at:
                tokens = min(float(rate.burst), tokens + (now - at) * rate.per_second)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / rate.per_second
            self._state[key] = (tokens, max(now, at))
            return wait


# The same rule as LocalBuckets, atomic in Redis; floats travel as strings (Lua numbers
# returned as Redis integers would be truncated).
_TAKE = """
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local data = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(data[1]) or burst
local at = tonumber(data[2]) or now
if now > at then tokens = math.min(burst, tokens + (now - at) * rate) end
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(math.max(now, at)))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
return tostring(wait)
"""


class RedisBuckets:
    """Buckets in Redis, shared by every server; this process's own while Redis is away."""

    def __init__(self, client: redis.Redis, prefix: str = "patronage:rate:") -> None:
        self._script = client.register_script(_TAKE)
        self._prefix = prefix
        self._fallback = LocalBuckets()

    def take(self, key: str, rate: Rate, now: float) -> float:
        try:
            answer = self._script(
                keys=[self._prefix + key], args=[rate.burst, rate.per_second, now]
            )
        except redis.RedisError as exc:
            log.warning("rate limit kept in this process: Redis unavailable (%s)", exc)
            return self._fallback.take(key, rate, now)
        text = answer.decode() if isinstance(answer, bytes) else str(answer)
        return float(text)


def buckets_for(settings: Settings) -> Buckets:
    return RedisBuckets(redis_client(settings.redis_url)) if settings.redis_url else LocalBuckets()


def _buckets(request: Request) -> Buckets:
    """The app's buckets, made on first use from its settings."""
    state = request.app.state
    found: Buckets | None = getattr(state, "rate_buckets", None)
    if found is None:
        found = state.rate_buckets = buckets_for(get_settings(request))
    return found


def credential_key(request: Request, user_id: int) -> str:
    """The caller's credential: its bearer token (hashed: keys are not secrets), else the user."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return "token:" + hashlib.sha256(secret.strip().encode()).hexdigest()[:24]
    return f"user:{user_id}"


def charge(
    buckets: Buckets,
    settings: Settings,
    action: str,
    *,
    municipality: int | str,
    credential: str,
    now: datetime,
) -> None:
    """Take a token for `action` from the credential's and the municipality's buckets, or
    raise a 429 problem saying when to try again."""
    moment = now.timestamp()
    mine = Rate(settings.rate_token_burst, settings.rate_token_per_minute)
    town = Rate(settings.rate_municipality_burst, settings.rate_municipality_per_minute)
    wait = buckets.take(f"{action}:{credential}", mine, moment)
    who = "you"
    if not wait:
        wait = buckets.take(f"{action}:municipality:{municipality}", town, moment)
        who = "your municipality"
    if wait:
        seconds = max(1, math.ceil(wait))
        err = ProblemError(
            429, "Too many requests", f"{who} asked to {action} too often; try again in {seconds} s"
        )
        err.headers = {"Retry-After": str(seconds)}
        raise err


def rate_limited(action: str) -> Callable[..., None]:
    """A route dependency charging one `action` to the caller and its municipality."""

    def dependency(request: Request, caller: CurrentCaller, now: Now) -> None:
        charge(
            _buckets(request),
            get_settings(request),
            action,
            municipality=caller.municipality_id,
            credential=credential_key(request, caller.user_id),
            now=now,
        )

    return dependency


PlanLimit = Annotated[None, Depends(rate_limited("plan"))]
PublishLimit = Annotated[None, Depends(rate_limited("publish"))]
