"""Claims and locks with expiry, in Redis and in one process (eager mode)."""

from __future__ import annotations

import threading
import time

import pytest
import redis

from workers.coalesce import Coordinator, LocalCoordinator, RedisCoordinator, day_key, exclusive


@pytest.fixture(params=[pytest.param("redis", marks=pytest.mark.integration), "local"])
def coord(request: pytest.FixtureRequest) -> Coordinator:
    if request.param == "local":
        return LocalCoordinator()
    url = str(request.getfixturevalue("queue_redis"))
    return RedisCoordinator(redis.Redis.from_url(url))


def test_a_claim_is_taken_once_until_it_expires_or_is_forgotten(coord: Coordinator) -> None:
    key = day_key(1, "2026-03-04", "meals") + ":scheduled"
    assert coord.claim(key, 0.3)
    assert not coord.claim(key, 0.3)
    time.sleep(0.4)
    assert coord.claim(key, 10)
    coord.forget(key)
    assert coord.claim(key, 10)


def test_a_held_lock_keeps_others_out_until_released(coord: Coordinator) -> None:
    with exclusive(coord, "plan:lock", 5, "task-a") as held:
        assert held
        with exclusive(coord, "plan:lock", 5, "task-b") as second:
            assert not second
    with exclusive(coord, "plan:lock", 5, "task-b") as after:
        assert after


def test_a_lock_whose_holder_died_lapses(coord: Coordinator) -> None:
    orphan = coord.lock("plan:lock", 0.3, "task-a")  # taken and never released
    assert orphan is not None
    assert coord.lock("plan:lock", 0.3, "task-b") is None
    time.sleep(0.4)
    assert coord.lock("plan:lock", 0.3, "task-b") is not None


def test_a_task_run_again_after_its_attempt_died_takes_its_own_lock_over(
    coord: Coordinator,
) -> None:
    assert coord.lock("plan:lock", 60, "task-a") is not None  # the attempt that died
    assert coord.lock("plan:lock", 60, "task-b") is None
    again = coord.lock("plan:lock", 60, "task-a")  # the same task id, redelivered
    assert again is not None
    again.release()
    assert coord.lock("plan:lock", 60, "task-b") is not None


def test_two_threads_never_hold_the_lock_at_once(coord: Coordinator) -> None:
    inside, overlaps, runs = [0], [0], [0]
    guard = threading.Lock()

    def worker() -> None:
        for _ in range(20):
            with exclusive(coord, "plan:lock", 2, threading.current_thread().name) as held:
                if not held:
                    continue
                with guard:
                    inside[0] += 1
                    overlaps[0] += inside[0] > 1
                    runs[0] += 1
                time.sleep(0.002)
                with guard:
                    inside[0] -= 1

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps[0] == 0 and runs[0] > 0
