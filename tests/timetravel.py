"""Running the tests as if it were another date: `PATRONAGE_TEST_DATE=YYYY-MM-DD[THH:MM]`.

The product reads the real clock (cut-offs, "today" in a municipality's zone, re-plans that
keep the trips already on the road), so a test can pass on a Tuesday and fail on a Saturday or
a public holiday. With the variable (or `pytest --test-date`) set, tests/conftest.py moves the
whole test process to that instant with time-machine, the clock ticking on from there. A
time without an offset is UTC, the machine's clock; `2027-03-28T01:30+02:00` names another.

Processes the tests start (the page tests' server, `patronage worker`) are Python too: started
through `python -m tests.timetravel TARGET ARGS...` they travel to the test process's current
instant before the product is imported, so both sides agree on the time. Without the variable
the wrapper is not used and they run exactly as an operator starts them. The product itself
has no date override; this module is the only place that moves time.
"""

from __future__ import annotations

import importlib
import os
import runpy
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ENV = "PATRONAGE_TEST_DATE"
ROOT = Path(__file__).resolve().parents[1]

_travelling: list[Any] = []  # the running time_machine.travel, when the session travels


def parse(text: str) -> datetime:
    """`2027-03-03` (midnight), `2027-03-03T10:00` (UTC) or with an offset -> an aware UTC
    instant; a ValueError that says what was expected otherwise."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"Expected {ENV} as YYYY-MM-DD[THH:MM[+HH:MM]], got {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def start(text: str) -> datetime:
    """Travel this process to `text` (see `parse`), the clock ticking on; the instant."""
    import time_machine

    moment = parse(text)
    traveller = time_machine.travel(moment, tick=True)
    traveller.start()
    _travelling.append(traveller)
    return moment


def stop() -> None:
    while _travelling:
        _travelling.pop().stop()


def travelling() -> bool:
    return bool(_travelling)


def child_env(env: dict[str, str], at: datetime | None = None) -> dict[str, str]:
    """`env` for a process started through `command`: at `at` when given (a test pinned to
    its own instant), else this process's present instant, so the child's clock goes on from
    where ours is (not from where the session began)."""
    if at is None and not travelling():
        return env
    moment = (at or datetime.now(UTC)).astimezone(UTC)
    path = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return {**env, ENV: moment.isoformat(), "PYTHONPATH": path}


def command(
    target: str, args: Sequence[str], plain: Sequence[str], *, pinned: bool = False
) -> list[str]:
    """The command that starts `target` (`module` or `module:function`) with `args`: through
    this wrapper while the session travels or the process is `pinned` to an instant of its
    own (`child_env(env, at)`), else `plain`, the usual command."""
    if not (travelling() or pinned):
        return list(plain)
    return [sys.executable, "-m", "tests.timetravel", target, *args]


def main(argv: Sequence[str]) -> Any:
    """`python -m tests.timetravel TARGET ARGS...`: travel as the environment says, then run
    TARGET (a module as `python -m` would, or `module:function`) with ARGS as its argv."""
    if not argv:
        raise SystemExit("usage: python -m tests.timetravel MODULE[:FUNCTION] [ARGS...]")
    target, args = argv[0], list(argv[1:])
    if os.environ.get(ENV):
        start(os.environ[ENV])
    module, _, function = target.partition(":")
    sys.argv = [module.rpartition(".")[2] if function else module, *args]
    if function:
        return getattr(importlib.import_module(module), function)()
    runpy.run_module(module, run_name="__main__", alter_sys=True)
    return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
