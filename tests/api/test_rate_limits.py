"""Plan, publish and import are rate-limited per credential and per municipality.

The buckets are tested as units in this process and, as integration, in a real Redis; the
REST doors answer 429 with Retry-After and a problem document. Time moves through the app's
clock, never by waiting.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from api.ratelimit import Buckets, LocalBuckets, Rate, RedisBuckets
from scheduler.models import Role
from tests.api.conftest import World

_runs = count(1)


def _exercise(buckets: Buckets, key: str) -> None:
    """Two at once, then one every 30 s (2 a minute): the same rule wherever it is kept."""
    rate = Rate(burst=2, per_minute=2)
    assert buckets.take(key, rate, 1000.0) == 0
    assert buckets.take(key, rate, 1000.0) == 0
    assert buckets.take(key, rate, 1000.0) == pytest.approx(30.0)
    assert buckets.take(key, rate, 1015.0) == pytest.approx(15.0)  # a refusal costs nothing
    assert buckets.take(key, rate, 1030.0) == 0
    assert buckets.take(key, rate, 1030.0) == pytest.approx(30.0)
    assert buckets.take(key, rate, 5000.0) == 0  # refilled, but never beyond the burst
    assert buckets.take(key, rate, 5000.0) == 0
    assert buckets.take(key, rate, 5000.0) > 0
    assert buckets.take(key + ":other", rate, 5000.0) == 0  # each key its own bucket


def test_local_buckets_refill_at_the_rate_and_hold_at_most_the_burst() -> None:
    _exercise(LocalBuckets(), "plan:token:a")


@pytest.mark.integration
def test_redis_buckets_follow_the_same_rule(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    prefix = f"test:rate:{next(_runs)}:"
    _exercise(RedisBuckets(client, prefix=prefix), "plan:token:a")
    assert client.ttl(prefix + "plan:token:a") > 0  # an idle bucket leaves Redis by itself
    # Shared: a second server sees what the first one took.
    other = RedisBuckets(client, prefix=prefix)
    assert other.take("plan:token:a", Rate(burst=2, per_minute=2), 5000.0) > 0


def test_redis_buckets_fall_back_to_this_process_when_redis_is_away() -> None:
    import redis

    away = redis.Redis(host="127.0.0.1", port=9, socket_connect_timeout=0.5)
    _exercise(RedisBuckets(away), "plan:token:a")


@pytest.fixture
def tight(world: World) -> Iterator[list[datetime]]:
    """Three requests at once per credential, five per municipality, a fresh clock and
    fresh buckets; the list holds the clock's time, to be moved by the test."""
    state = world.app.state
    saved = state.settings, state.clock, getattr(state, "rate_buckets", None)
    state.settings = state.settings.model_copy(
        update={
            "rate_token_burst": 3,
            "rate_token_per_minute": 6,  # one every 10 s
            "rate_municipality_burst": 5,
            "rate_municipality_per_minute": 6,
        }
    )
    now = [datetime(2026, 1, 5, 9, tzinfo=UTC)]
    state.clock = lambda: now[0]
    state.rate_buckets = LocalBuckets()
    yield now
    state.settings, state.clock, state.rate_buckets = saved


def test_plan_and_publish_answer_429_with_retry_after_per_credential_and_municipality(
    world: World, tight: list[datetime]
) -> None:
    dispatcher = world.client("Kazanlak", Role.dispatcher)
    url = "/v1/days/2026-01-06/meals/plan"
    for i in range(3):
        assert dispatcher.post(url, json={"request_id": f"r{i}"}).status_code == 202
    refused = dispatcher.post(url, json={"request_id": "r3"})
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "10"
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["status"] == 429 and "10 s" in refused.json()["detail"]
    # Publishing has its own allowance.
    publish = "/v1/days/2026-01-06/meals/publish"
    assert dispatcher.post(publish, json={"request_id": "p0"}).status_code == 202
    # Another credential of the town has its own, until the town's (5) runs out.
    admin = world.client("Kazanlak", Role.admin)
    assert admin.post(url, json={"request_id": "a0"}).status_code == 202
    assert admin.post(url, json={"request_id": "a1"}).status_code == 202
    town_refused = admin.post(url, json={"request_id": "a2"})
    assert town_refused.status_code == 429 and "municipality" in town_refused.json()["detail"]
    # Another town is not held back by Kazanlak's.
    other = world.client("Maribor", Role.dispatcher)
    assert other.post(url, json={"request_id": "m0"}).status_code == 202
    tight[0] += timedelta(seconds=10)
    assert dispatcher.post(url, json={"request_id": "r4"}).status_code == 202
