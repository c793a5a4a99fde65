"""Real stores, real queues and the real app under uvicorn on a loopback port.

PostgreSQL and Redis tests get a fresh schema or queue name each, and are
skipped with the reason when the service on 127.0.0.1 is not running.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import redis
import uvicorn
from fastapi import FastAPI
from githubkit import webhooks
from pydantic import SecretStr
from sqlalchemy import Engine, func, select

import handlers
from bot.jobs.policy import JobPolicy
from bot.jobs.queue import JobQueue, create_huey
from bot.jobs.tasks import DeliveryProcessor
from bot.store.db import create_engine_for, session_factory, upgrade_database
from bot.store.models import Delivery
from bot.web import create_app
from handlers.routing import Router

SECRET = "whsec-4f1c9e77b2d84a0e"
POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/0"


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def postgres_url() -> Iterator[str]:
    if not _reachable(5432):
        pytest.skip("PostgreSQL is not listening on 127.0.0.1:5432")
    schema = f"godwit_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def redis_url() -> str:
    if not _reachable(6379):
        pytest.skip("Redis is not listening on 127.0.0.1:6379")
    redis.Redis.from_url(REDIS).ping()
    return REDIS


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'godwit.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade_database(database_url)
    engine = create_engine_for(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'godwit.db'}"
    upgrade_database(url)
    engine = create_engine_for(url)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.db'}"
    return str(request.getfixturevalue("redis_url"))


@pytest.fixture
def queue_name() -> str:
    """A queue of its own per test, so Redis keys never mix between tests."""
    return f"godwit_test_{uuid.uuid4().hex[:12]}"


@dataclass
class Queues:
    """Builds queues on one storage, as separate processes would (a restart is a new one)."""

    url: str
    name: str
    engine: Engine
    built: list[JobQueue]

    def build(self, router: Router = handlers.router, *, retry_delay: float = 0.0) -> JobQueue:
        processor = DeliveryProcessor(
            sessions=session_factory(self.engine), router=router, lock_ttl_seconds=60.0
        )
        queue = JobQueue(
            create_huey(self.url, name=self.name),
            processor,
            JobPolicy(retries=3, retry_delay=retry_delay),
        )
        self.built.append(queue)
        return queue


@pytest.fixture
def queues(queue_url: str, queue_name: str, sqlite_engine: Engine) -> Iterator[Queues]:
    """Queues on SQLite and on Redis, all sharing one state store."""
    made = Queues(queue_url, queue_name, sqlite_engine, [])
    yield made
    if made.built:
        made.built[0].huey.flush()


@pytest.fixture
def local_queues(tmp_path: Path, queue_name: str, sqlite_engine: Engine) -> Queues:
    """The embedded setup: SQLite for the state store and for the queue."""
    return Queues(f"sqlite:///{tmp_path / 'queue.db'}", queue_name, sqlite_engine, [])


@dataclass
class Server:
    url: str
    client: httpx.Client

    def deliver(
        self,
        event: str,
        payload: dict[str, Any] | bytes,
        *,
        delivery_id: str | None = None,
        signature: str | None = "sign",
        secret: str = SECRET,
    ) -> httpx.Response:
        """POST a delivery the way GitHub does; ``signature="sign"`` signs it correctly."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery_id or str(uuid.uuid4()),
            "Content-Type": "application/json",
            "User-Agent": "GitHub-Hookshot/8e03811",
        }
        if signature == "sign":
            signature = webhooks.sign(secret, body, "sha256")
        if signature is not None:
            headers["X-Hub-Signature-256"] = signature
        return self.client.post("/webhook", content=body, headers=headers)


@contextmanager
def serve(app: FastAPI) -> Iterator[Server]:
    """Run ``app`` under uvicorn in a thread on a free loopback port."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=10) as client:
            yield Server(url, client)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def make_app(engine: Engine, queue: JobQueue, *, max_body_bytes: int = 25 * 1024 * 1024) -> FastAPI:
    return create_app(
        webhook_secret=SecretStr(SECRET),
        engine=engine,
        queue=queue,
        events=handlers.router.events,
        max_body_bytes=max_body_bytes,
    )


def delivery_count(engine: Engine) -> int:
    with session_factory(engine)() as session:
        return int(session.scalar(select(func.count()).select_from(Delivery)) or 0)


def wait_for(condition: Callable[[], bool], *, timeout: float = 20.0) -> None:
    """Poll until ``condition`` holds; fail (not hang) if it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached before the deadline")
        time.sleep(0.02)
