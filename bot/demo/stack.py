"""Run a GitHub sandbox and Godwit (intake, store, queue, workers) together on loopback.

The demo, the campaign benchmark and end-to-end checks all need the same pair of
servers wired to each other: Godwit's webhook URL registered on the sandbox's App,
Godwit's GitHub URL pointing at the sandbox, embedded SQLite for state and queue.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from pydantic import SecretStr

import handlers
from bot.commands.server import Services, connect, dashboard_routers
from bot.demo.idle import Settling
from bot.jobs.priority import Foreground
from bot.jobs.queue import running
from bot.sandbox import AppCredentials, LimitConfig, Sandbox, SandboxServer, serve
from bot.settings import Settings
from bot.web import create_app

HOST = "127.0.0.1"
APP_NAME = "Godwit"
STARTUP_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Stack:
    """Both servers, running: act on ``sandbox`` as people, read Godwit's state via ``services``."""

    github: SandboxServer
    godwit_url: str
    app: AppCredentials
    installation_id: int
    settings: Settings
    services: Services
    settling: Settling

    @property
    def sandbox(self) -> Sandbox:
        return self.github.sandbox


def listening_socket(host: str = HOST) -> socket.socket:
    """A socket bound to a free port now, so nothing can take the port before uvicorn starts."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, 0))
    return listener


def demo_settings(
    workdir: Path,
    app: AppCredentials,
    github_url: str,
    *,
    mutation_interval: float,
    workers: int,
    public_url: str | None = None,
) -> Settings:
    """Embedded defaults: SQLite state and queue in ``workdir``, the sandbox as GitHub.

    The App's OAuth client signs people in to the web dashboard through the sandbox.
    """
    return Settings(
        client_id=app.client_id,
        client_secret=SecretStr(app.client_secret),
        public_url=public_url,
        app_id=app.app_id,
        private_key=SecretStr(app.private_key_pem),
        webhook_secret=SecretStr(app.webhook_secret),
        marker_key=SecretStr(secrets.token_hex(32)),
        github_url=github_url,
        database_url=f"sqlite:///{workdir / 'godwit.db'}",
        queue_url=f"sqlite:///{workdir / 'godwit-queue.db'}",
        mutation_interval=mutation_interval,
        workers=workers,
    )


@contextmanager
def _uvicorn_in_thread(server: uvicorn.Server, listener: socket.socket) -> Iterator[None]:
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="godwit-web", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"Godwit did not start on {listener.getsockname()}")
        time.sleep(0.01)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_S)
        listener.close()


@contextmanager
def running_stack(
    sandbox: Sandbox,
    owner: str,
    workdir: Path,
    *,
    mutation_interval: float = 0.05,
    workers: int = 2,
    limits: LimitConfig | None = None,
) -> Iterator[Stack]:
    """Register Godwit's App on ``sandbox``, start both servers, install the App on ``owner``.

    Call from the main thread (the worker consumer saves and restores signal handlers).
    Everything stops, in order, when the block ends.
    """
    listener = listening_socket()
    godwit_url = f"http://{HOST}:{listener.getsockname()[1]}"
    app = sandbox.create_app(APP_NAME, f"{godwit_url}/webhook")
    if limits is not None:
        sandbox.limits.configure(limits)
    with serve(sandbox) as github:
        settings = demo_settings(
            workdir,
            app,
            github.url,
            mutation_interval=mutation_interval,
            workers=workers,
            public_url=godwit_url,
        )
        services = connect(settings)
        settling = Settling(sandbox, services.engine, services.queue.huey)
        foreground = Foreground()
        asgi = create_app(
            webhook_secret=settings.webhook_secret,
            engine=services.engine,
            queue=services.queue,
            events=handlers.router.events,
            max_body_bytes=settings.max_body_bytes,
            foreground=foreground,
            routers=dashboard_routers(settings, services),
        )
        config = uvicorn.Config(asgi, log_level="warning", lifespan="off", access_log=False)
        consumer = services.queue.consumer(settings.workers, foreground=foreground)
        try:
            with _uvicorn_in_thread(uvicorn.Server(config), listener), running(consumer):
                installation_id = sandbox.install(app.app_id, owner)
                yield Stack(github, godwit_url, app, installation_id, settings, services, settling)
        finally:
            services.liveness.stop()
            services.engine.dispose()
