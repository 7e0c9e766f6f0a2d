"""The deployment files start exactly the product's processes, as written in them.

No container engine runs here, so the image is not built; instead each command that
deploy/compose.yaml and the systemd units give a service is run as written (only the
`patronage` path and the listening ports changed) against a real PostgreSQL and Redis: the
migration exits cleanly, the API answers ready, the worker joins the queue, the clock serves
its metrics. Both files must start the same sub-commands, and every PATRONAGE_ setting that
deploy/env.example names must be one the product reads (a typo there would be ignored).
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from scheduler.settings import Settings
from tests.services import free_port
from tests.workers.procs import wait_for
from workers.settings import WorkerSettings

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
PATRONAGE = Path(sys.executable).with_name("patronage")
SERVICES = ("migrate", "api", "worker", "clock")

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def compose_commands() -> dict[str, list[str]]:
    spec = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return {name: list(spec["services"][name]["command"]) for name in SERVICES}


def unit_commands() -> dict[str, list[str]]:
    """ExecStart (and ExecStartPre) of each unit, with systemd's %i and %H filled in."""
    found: dict[str, list[str]] = {}
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        for line in unit.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            if key in ("ExecStart", "ExecStartPre"):
                words = shlex.split(value.replace("%i", "1").replace("%H", socket.gethostname()))
                found[f"{unit.stem}:{key}"] = words
    return found


def test_compose_and_units_start_the_same_sub_commands() -> None:
    compose = {name: words[1] for name, words in compose_commands().items()}
    assert all(words[0] == "patronage" for words in compose_commands().values())
    units = unit_commands()
    assert all(Path(words[0]).name == "patronage" for words in units.values())
    assert (
        sorted(w[1] for w in units.values())
        == sorted(compose.values())
        == sorted(["db", "serve", "worker", "clock"])
    )


def test_env_example_names_only_settings_the_product_reads() -> None:
    known = {f"PATRONAGE_{name.upper()}" for name in Settings.model_fields} | {
        f"PATRONAGE_{name.upper()}" for name in WorkerSettings.model_fields
    }
    text = (DEPLOY / "env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^(PATRONAGE_[A-Z0-9_]+)=", text, flags=re.MULTILINE))
    assert named and named <= known, f"unknown settings: {sorted(named - known)}"


def _as_run_here(words: list[str], ports: dict[str, int]) -> list[str]:
    """The command with this venv's `patronage` and free ports for the ones it listens on."""
    out = [str(PATRONAGE), *words[1:]]
    for flag, port in ports.items():
        if flag in out:
            out[out.index(flag) + 1] = str(port)
    return out


@contextmanager
def running(words: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[Any]]:
    with log.open("w") as out:
        proc = subprocess.Popen(words, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_the_compose_services_run_as_written(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "PATRONAGE_DATABASE_URL": postgres_url,
        "PATRONAGE_REDIS_URL": redis_url,
        "PATRONAGE_VAR_DIR": str(tmp_path),
        "PATRONAGE_SECRET_KEY": "deploy-test-secret",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    (tmp_path / "metrics").mkdir()
    commands = compose_commands()
    migrate = subprocess.run(_as_run_here(commands["migrate"], {}), env=env, timeout=120)
    assert migrate.returncode == 0
    api_port, worker_port, clock_port = free_port(), free_port(), free_port()
    api = _as_run_here(commands["api"], {"--port": api_port})
    worker = _as_run_here(commands["worker"], {"--metrics-port": worker_port})
    clock = _as_run_here(commands["clock"], {"--metrics-port": clock_port})
    with (
        running(api, env, tmp_path / "api.log") as api_proc,
        running(worker, env, tmp_path / "worker.log") as worker_proc,
        running(clock, env, tmp_path / "clock.log") as clock_proc,
    ):
        wait_for(lambda: _answers(f"http://127.0.0.1:{api_port}/readyz"), 60, "the API")
        ready = httpx.get(f"http://127.0.0.1:{api_port}/readyz", timeout=5).json()
        assert ready["ready"] is True
        wait_for(lambda: " ready." in (tmp_path / "worker.log").read_text(), 60, "the worker")
        wait_for(lambda: _answers(f"http://127.0.0.1:{clock_port}/metrics"), 60, "the clock")
        assert _answers(f"http://127.0.0.1:{worker_port}/metrics")
        assert [p.poll() for p in (api_proc, worker_proc, clock_proc)] == [None, None, None]
