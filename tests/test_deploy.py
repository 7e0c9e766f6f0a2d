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
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import create_engine, make_url, text

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


def test_compose_processes_connect_as_the_ordinary_role_and_migrate_as_the_owner() -> None:
    spec = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    owner = spec["services"]["postgres"]["environment"]["POSTGRES_USER"]
    initdb = (DEPLOY / "postgres" / "initdb.sh").read_text(encoding="utf-8")
    app_role = re.search(r"-v app_role=(\w+)", initdb)
    assert app_role is not None
    for name in SERVICES:
        env = {**spec["x-app"]["environment"], **spec["services"][name].get("environment", {})}
        assert make_url(env["PATRONAGE_DATABASE_URL"]).username == app_role.group(1), name
        assert make_url(env["PATRONAGE_MIGRATION_DATABASE_URL"]).username == owner, name


def _psql() -> str:
    """Debian's psql, else the one the pgserver wheel ships with its server."""
    found = shutil.which("psql")
    if found:
        return found
    import pgserver._commands as commands

    bundled = Path(commands.POSTGRES_BIN_PATH) / "psql"
    if not bundled.exists():
        pytest.skip("no psql to run deploy/postgres/app-role.sql with")
    return str(bundled)


@contextmanager
def app_role(owner_url: str) -> Iterator[str]:
    """deploy/postgres/app-role.sql run as the owner; the new role's URL. Dropped afterwards."""
    name, password = f"patronage_app_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    owner = make_url(owner_url)
    libpq = owner.set(drivername="postgresql").render_as_string(hide_password=False)
    script = DEPLOY / "postgres" / "app-role.sql"
    words = [_psql(), "-q", "-v", "ON_ERROR_STOP=1", "-v", f"owner={owner.username}"]
    words += ["-v", f"app_role={name}", "-v", f"app_password={password}", "-f", str(script)]
    subprocess.run([*words, libpq], check=True, timeout=60)
    try:
        yield owner.set(username=name, password=password).render_as_string(hide_password=False)
    finally:
        admin = create_engine(owner_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE usename = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            conn.execute(text(f"DROP OWNED BY {name}"))
            conn.execute(text(f"DROP ROLE {name}"))
        admin.dispose()


def test_the_compose_services_run_as_written(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    """As compose runs them: migrations as the schema's owner, before the ordinary role
    exists for the tables (default privileges grant it the new ones), the rest as that role."""
    with app_role(postgres_url) as role_url:
        _run_the_services(postgres_url, role_url, redis_url, tmp_path)
        engine = create_engine(role_url)
        with engine.connect() as conn:
            rights = conn.execute(
                text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            ).one()
            assert tuple(rights) == (False, False)
            assert conn.execute(text("SELECT count(*) FROM municipality")).scalar_one() >= 0
        engine.dispose()


def _run_the_services(owner_url: str, role_url: str, redis_url: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PATRONAGE_DATABASE_URL": role_url,
        "PATRONAGE_MIGRATION_DATABASE_URL": owner_url,
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
