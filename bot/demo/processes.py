"""Godwit as separate operating-system processes against a sandbox: one intake, killable workers.

Crash recovery is about processes, so the checks for it (the fault benchmark,
the worker-death tests) run the real ``godwit serve`` and ``godwit worker``
commands, configured through the environment as an operator would, and kill
workers with SIGKILL: nothing in the dying process gets to clean up.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot.sandbox import AppCredentials

START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Backend:
    """Where state and queue live: SQLite files, or PostgreSQL and Redis."""

    name: str
    database_url: str
    queue_url: str
    queue_name: str = "godwit"


def free_port(host: str = "127.0.0.1") -> int:
    """A port free now; the intake binds it a moment later (loopback only, so nothing races)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def marker_key_for(app: AppCredentials) -> str:
    """A marker key of the sandbox App's own, the same in every process and after restarts."""
    return hmac.new(app.webhook_secret.encode(), b"godwit marker key", hashlib.sha256).hexdigest()


def godwit_environment(
    app: AppCredentials, github_url: str, backend: Backend, extra: Mapping[str, str]
) -> dict[str, str]:
    """The environment of a Godwit process: the App's credentials, the sandbox, the backend."""
    return {
        **os.environ,
        "GODWIT_APP_ID": str(app.app_id),
        "GODWIT_PRIVATE_KEY": app.private_key_pem,
        "GODWIT_WEBHOOK_SECRET": app.webhook_secret,
        "GODWIT_MARKER_KEY": marker_key_for(app),
        "GODWIT_GITHUB_URL": github_url,
        "GODWIT_DATABASE_URL": backend.database_url,
        "GODWIT_QUEUE_URL": backend.queue_url,
        "GODWIT_QUEUE_NAME": backend.queue_name,
        **extra,
    }


@dataclass
class GodwitProcess:
    """One ``godwit`` command in a process of its own, which can be killed and started again."""

    arguments: list[str]
    environment: dict[str, str]
    workdir: Path
    log_name: str
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    kills: int = 0
    pids: list[int] = field(default_factory=list)

    def start(self) -> None:
        self.starts += 1
        log = (self.workdir / f"{self.log_name}-{self.starts}.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *self.arguments],
            cwd=self.workdir,
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.pids.append(self.process.pid)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: the process dies mid-whatever, holding whatever it held."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.kills += 1

    def stop(self) -> None:
        """Ask the process to finish (SIGINT), and kill it if it does not in time."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def logs(self) -> str:
        return "\n".join(
            (self.workdir / f"{self.log_name}-{n}.log").read_text(errors="replace")
            for n in range(1, self.starts + 1)
        )


def intake(environment: dict[str, str], workdir: Path, port: int) -> GodwitProcess:
    """``godwit serve --workers 0``: the webhook intake alone, so only workers run jobs."""
    arguments = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "0"]
    return GodwitProcess(arguments, environment, workdir, "serve")


def worker(environment: dict[str, str], workdir: Path, threads: int, name: str) -> GodwitProcess:
    return GodwitProcess(["worker", "--workers", str(threads)], environment, workdir, name)


def wait_until_serving(url: str, process: GodwitProcess) -> None:
    """Return once ``url`` answers its health check; fail if the process exits first."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if not process.alive:
            raise RuntimeError(f"godwit exited before answering:\n{process.logs()[-4000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {START_TIMEOUT_S:.0f} s")
