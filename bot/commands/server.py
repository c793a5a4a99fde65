"""``godwit serve`` (webhook intake and workers in one process) and ``godwit worker``.

The embedded default is one ``serve`` process with SQLite for state and queue.
With PostgreSQL and Redis, run ``serve`` for the intake and ``worker`` on as
many machines as needed.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from fastapi import APIRouter
from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import handlers
from bot.github.pacing import use_pacer_factory
from bot.github.shared_pacing import redis_pacers
from bot.jobs.liveness import Liveness
from bot.jobs.policy import JobPolicy
from bot.jobs.priority import Foreground
from bot.jobs.queue import JobQueue, create_huey, is_redis_url, running
from bot.jobs.tasks import DeliveryProcessor
from bot.rendering import render
from bot.service.context import AppServices
from bot.settings import Settings, SettingsError, get_settings
from bot.store.db import create_engine_for, session_factory, upgrade_database
from bot.web import create_app
from bot.webui.routes import dashboard_for

EXIT_CONFIGURATION = 2
SERVE_SWITCH_INTERVAL = 0.001

WorkersOption = Annotated[
    int | None,
    typer.Option("--workers", min=1, help="Worker threads (default: GODWIT_WORKERS)."),
]
ServeWorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=0,
        help="Worker threads (default: GODWIT_WORKERS); 0 runs the intake alone.",
    ),
]
LogLevelOption = Annotated[str, typer.Option("--log-level", help="debug, info or warning.")]


@dataclass(frozen=True)
class Services:
    """The state store and the queue, connected and migrated."""

    engine: Engine
    queue: JobQueue
    liveness: Liveness
    """This process as a worker; started by ``connect``, stopped by ``disconnect``."""
    sessions: sessionmaker[Session]


def connect(settings: Settings, *, runs_jobs: bool = True) -> Services:
    """Migrate the store to the newest schema, then wire the queue to the handlers.

    Workers sharing a Redis queue may run on several machines, so they pace
    their GitHub mutations through that Redis too. A process that ``runs_jobs``
    registers as a worker and starts its heartbeat now, before its first job.
    """
    if is_redis_url(settings.queue_url):
        use_pacer_factory(
            redis_pacers(
                Redis.from_url(settings.queue_url), lease_seconds=settings.worker_timeout_seconds
            )
        )
    upgrade_database(settings.database_url)
    engine = create_engine_for(settings.database_url)
    sessions = session_factory(engine)
    huey = create_huey(settings.queue_url, name=settings.queue_name)
    policy = JobPolicy.from_settings(settings)
    liveness = Liveness(sessions, policy)
    processor = DeliveryProcessor(
        sessions=sessions,
        router=handlers.router,
        lock_ttl_seconds=policy.lock_ttl_seconds,
        services=AppServices.from_settings(
            settings, sessions=sessions, huey=huey, liveness=liveness
        ),
        liveness=liveness,
    )
    queue = JobQueue(huey, processor, policy, liveness)
    if runs_jobs:
        liveness.start()
    return Services(engine=engine, queue=queue, liveness=liveness, sessions=sessions)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
    app.command("worker")(worker_command)


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: ServeWorkersOption = None,
    log_level: LogLevelOption = "info",
) -> None:
    """Receive GitHub webhooks and process them in one process (--workers 0: receive only)."""
    settings = settings_or_exit("serve", log_level)
    threads = settings.workers if workers is None else workers
    services = connect(settings, runs_jobs=threads > 0)
    foreground = Foreground()
    app = create_app(
        webhook_secret=settings.webhook_secret,
        engine=services.engine,
        queue=services.queue,
        events=handlers.router.events,
        max_body_bytes=settings.max_body_bytes,
        foreground=foreground,
        routers=dashboard_routers(settings, services),
    )
    # Hand the GIL back to the event loop sooner than the default 5 ms when
    # worker threads are busy, so acknowledgements do not queue behind jobs.
    sys.setswitchinterval(SERVE_SWITCH_INTERVAL)
    try:
        if threads == 0:
            uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)
            return
        consumer = services.queue.consumer(threads, foreground=foreground, periodic=True)
        with running(consumer):
            uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)
    finally:
        services.liveness.stop()


def dashboard_routers(settings: Settings, services: Services) -> list[APIRouter]:
    """The web dashboard, when the App's OAuth client is configured (it signs people in)."""
    router = dashboard_for(settings, services.sessions)
    if router is None:
        logging.getLogger(__name__).info(
            "web dashboard off: set GODWIT_CLIENT_ID and GODWIT_CLIENT_SECRET to sign people in"
        )
        return []
    return [router]


def worker_command(workers: WorkersOption = None, log_level: LogLevelOption = "info") -> None:
    """Process queued deliveries until stopped (Ctrl-C finishes the jobs in hand first)."""
    settings = settings_or_exit("worker", log_level)
    services = connect(settings)
    try:
        services.queue.consumer(workers or settings.workers, periodic=True).run()
    finally:
        services.liveness.stop()


def settings_or_exit(command: str, log_level: str) -> Settings:
    """Every setting checked, key file included, before a file, queue or socket exists.

    All problems are listed at once, with the two ways to a working configuration.
    """
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        return get_settings()
    except SettingsError as error:
        message = render(
            "cli/configuration.txt.j2",
            command=command,
            problems=error.problems,
            env_path=Path(".env").resolve(),
        )
        typer.echo(message, err=True, nl=False)
        raise typer.Exit(EXIT_CONFIGURATION) from None
