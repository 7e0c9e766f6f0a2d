"""Settings of the event pipeline, from the same `PATRONAGE_*` environment as the rest.

Kept apart from `scheduler.settings` because only the worker, the clock and the relay read
them. Built on first use (`get_worker_settings()`), never at import time.
"""

from __future__ import annotations

from datetime import time
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WorkerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PATRONAGE_", env_file=".env", extra="ignore")

    # Coalescing: a re-plan runs this long after the first event of a burst, so the events
    # that follow within the window join it. Short, because a late cancellation should reach
    # the driver's phone within seconds.
    replan_delay_s: float = Field(default=1.0, ge=0)
    # Solver budget of a re-plan. It starts from the routes drivers already have, so it needs
    # far less than a plan from scratch (PATRONAGE_SOLVE_TIME_LIMIT_S), and a late change
    # should reach the phones within seconds.
    replan_time_limit_s: float = Field(default=2.0, gt=0)
    # The plan lock lapses this long after the run's hard time limit (a worker that died).
    plan_lock_margin_s: float = Field(default=5.0, gt=0)
    # How long to wait before asking again when another re-plan holds the lock.
    replan_lock_wait_s: float = Field(default=1.0, gt=0)
    # Margin over the solver budget before Celery ends a solve (soft: exception; hard: kill).
    solve_soft_margin_s: float = Field(default=20.0, gt=0)
    solve_hard_margin_s: float = Field(default=40.0, gt=0)

    # Relay: how often it looks for new outbox rows, how many it moves at once, and the
    # longest pause between tries while the broker is down.
    relay_interval_s: float = Field(default=0.2, gt=0)
    relay_batch: int = Field(default=500, gt=0)
    relay_max_backoff_s: float = Field(default=10.0, gt=0)

    # Redis transport: a message taken by a worker that died is given to another worker after
    # this long. It must exceed the longest task including its countdown.
    visibility_timeout_s: int = Field(default=600, gt=0)
    unacked_restore_interval_s: int = Field(default=10, gt=0)

    # Publishing: tries per publication and the backoff between them (doubling, capped).
    publish_max_attempts: int = Field(default=6, ge=1)
    publish_backoff_s: float = Field(default=2.0, gt=0)
    publish_backoff_max_s: float = Field(default=300.0, gt=0)
    http_timeout_s: float = Field(default=10.0, gt=0)
    ntfy_url: str = Field(default="", description="ntfy server for topics named without one.")

    # The clock, in each municipality's own time zone.
    clock_morning_plan: time = Field(default=time(6, 0))
    clock_publish_meals: time = Field(default=time(9, 30))
    clock_publish_care: time = Field(default=time(7, 0))
    # How often the clock looks for jobs that fell due (a job runs at most this late).
    clock_tick_s: float = Field(default=5.0, gt=0)
    # The lease that lets one of several clocks run the jobs and the relay: renewed this
    # often, lapsing this long after the last renewal (another clock then takes over).
    clock_lease_renew_s: float = Field(default=15.0, gt=0)
    clock_lease_ttl_s: float = Field(default=45.0, gt=0)
    # How often the clock looks for welfare alerts nobody took in time (scheduler.welfare).
    clock_escalation_interval_s: int = Field(default=30, gt=0)


@lru_cache(maxsize=1)
def get_worker_settings() -> WorkerSettings:
    return WorkerSettings()


def reset_worker_settings() -> None:
    get_worker_settings.cache_clear()
