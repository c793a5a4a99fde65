"""The webhook intake: verify, store, enqueue, answer 202, all well inside GitHub's 10 seconds.

Nothing slow happens in a request. The delivery is stored in one short
transaction, keyed by GitHub's delivery id so a redelivery is answered without
being processed twice, and only its id is queued for a worker.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Sequence
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, FastAPI, Header, Request
from fastapi.responses import JSONResponse
from githubkit import webhooks
from pydantic import SecretStr
from sqlalchemy import Engine
from starlette.requests import ClientDisconnect

from bot.github.webhook_url import WEBHOOK_PATH
from bot.jobs.priority import Foreground
from bot.jobs.queue import JobQueue
from bot.settings import MAX_WEBHOOK_BYTES, MAX_WEBHOOK_DEPTH
from bot.store.db import ping, session_factory
from bot.store.deliveries import forget_delivery, record_delivery
from bot.store.models import MAX_DELIVERY_ID, MAX_EVENT_NAME

logger = logging.getLogger(__name__)

SIGNATURE_PREFIX = "sha256="
_SERVER_DATABASE_WRITERS = 8

EventHeader = Annotated[str | None, Header(alias="X-GitHub-Event")]
DeliveryHeader = Annotated[str | None, Header(alias="X-GitHub-Delivery")]
SignatureHeader = Annotated[str | None, Header(alias="X-Hub-Signature-256")]


def _answer(status_code: int, status: str, **detail: object) -> JSONResponse:
    return JSONResponse({"status": status, **detail}, status_code=status_code)


async def read_capped(request: Request, limit: int) -> bytes | None:
    """The raw body, or ``None`` once it exceeds ``limit`` (whatever Content-Length claimed)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def nested_deeper_than(document: dict[str, Any] | list[Any], limit: int) -> bool:
    """Whether objects and arrays nest more than ``limit`` deep; iterative, so it cannot recurse.

    A payload is parsed again by the worker and walked by handlers: one nested
    beyond anything GitHub sends is refused at the door rather than failing there.
    """
    stack: list[tuple[dict[str, Any] | list[Any], int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, dict | list):
                if depth >= limit:
                    return True
                stack.append((child, depth + 1))
    return False


def is_signed_by_github(secret: SecretStr, body: bytes, signature: str | None) -> bool:
    """Only SHA-256 signatures count: githubkit's ``verify`` would fall back to SHA-1."""
    if signature is None or not signature.startswith(SIGNATURE_PREFIX):
        return False
    return webhooks.verify(secret.get_secret_value(), body, signature)


class Intake:
    """The blocking half of a delivery (store, then enqueue), run off the event loop.

    SQLite writes one transaction at a time, so more threads would only wait;
    with SQLite one thread writes and the other deliveries wait in the event
    loop, leaving the thread pool free.
    """

    def __init__(self, engine: Engine, queue: JobQueue) -> None:
        self._sessions = session_factory(engine)
        self._queue = queue
        writers = 1 if engine.dialect.name == "sqlite" else _SERVER_DATABASE_WRITERS
        self._writers = anyio.CapacityLimiter(writers)

    async def accept_async(
        self, delivery_id: str, event: str, action: str | None, body: bytes
    ) -> bool:
        return await anyio.to_thread.run_sync(
            self.accept, delivery_id, event, action, body, limiter=self._writers
        )

    def accept(self, delivery_id: str, event: str, action: str | None, body: bytes) -> bool:
        """Store and enqueue; False for a delivery id seen before.

        If the queue refuses the job the stored row is removed again, so that
        GitHub's redelivery of the same id is accepted rather than ignored.
        """
        with self._sessions() as session:
            if not record_delivery(
                session, delivery_id=delivery_id, event=event, action=action, payload=body
            ):
                return False
            try:
                self._queue.enqueue_delivery(delivery_id)
            except Exception:
                forget_delivery(session, delivery_id)
                raise
        return True


def create_app(
    *,
    webhook_secret: SecretStr,
    engine: Engine,
    queue: JobQueue,
    events: Collection[str],
    max_body_bytes: int = MAX_WEBHOOK_BYTES,
    foreground: Foreground | None = None,
    routers: Sequence[APIRouter] = (),
) -> FastAPI:
    """The ASGI app; ``events`` are the event names some handler wants, others are ignored.

    ``foreground`` is told about every webhook in flight, so workers sharing
    the process can wait for the burst to pass. ``routers`` add pages beside the
    intake (the web dashboard).
    """
    app = FastAPI(title="Godwit", docs_url=None, redoc_url=None, openapi_url=None)
    for router in routers:
        app.include_router(router)
    intake = Intake(engine, queue)
    wanted = frozenset(events)

    busy = foreground or Foreground()

    @app.post(WEBHOOK_PATH)
    async def receive_webhook(
        request: Request,
        event: EventHeader = None,
        delivery_id: DeliveryHeader = None,
        signature: SignatureHeader = None,
    ) -> JSONResponse:
        with busy.active():
            return await receive(request, event, delivery_id, signature)

    async def receive(
        request: Request, event: str | None, delivery_id: str | None, signature: str | None
    ) -> JSONResponse:
        declared = request.headers.get("content-length", "0")
        if not declared.isdigit():
            return _answer(400, "bad request", reason="invalid Content-Length")
        if int(declared) > max_body_bytes:
            return _answer(413, "too large")
        try:
            body = await read_capped(request, max_body_bytes)
        except ClientDisconnect:
            logger.info("delivery %s: the sender left before the body ended", delivery_id)
            return _answer(400, "bad request", reason="incomplete body")
        if body is None:
            return _answer(413, "too large")
        if not is_signed_by_github(webhook_secret, body, signature):
            logger.warning("rejected delivery %s: bad or missing signature", delivery_id)
            return _answer(401, "unauthorized")
        if not event or not delivery_id:
            return _answer(400, "bad request", reason="missing X-GitHub-Event or -Delivery")
        if len(delivery_id) > MAX_DELIVERY_ID or len(event) > MAX_EVENT_NAME:
            return _answer(400, "bad request", reason="X-GitHub-Event or -Delivery too long")
        try:
            document = json.loads(body)
        except ValueError:
            return _answer(400, "bad request", reason="body is not JSON")
        except RecursionError:
            return _answer(400, "bad request", reason=f"nested deeper than {MAX_WEBHOOK_DEPTH}")
        if not isinstance(document, dict):
            return _answer(400, "bad request", reason="body is not a JSON object")
        if nested_deeper_than(document, MAX_WEBHOOK_DEPTH):
            return _answer(400, "bad request", reason=f"nested deeper than {MAX_WEBHOOK_DEPTH}")
        action = document.get("action") if isinstance(document.get("action"), str) else None
        if event == "ping":
            logger.info("delivery %s ping", delivery_id)
            return _answer(200, "pong")
        if event not in wanted:
            logger.info("delivery %s ignored: event %s.%s", delivery_id, event, action)
            return _answer(202, "ignored")
        try:
            accepted = await intake.accept_async(delivery_id, event, action, body)
        except Exception:
            logger.exception("delivery %s could not be queued", delivery_id)
            return _answer(503, "unavailable", reason="could not store or queue the delivery")
        status = "queued" if accepted else "duplicate"
        logger.info("delivery %s %s: event %s.%s", delivery_id, status, event, action)
        return _answer(202, status)

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        return _answer(200, "ok")

    @app.get("/readyz")
    def readyz() -> JSONResponse:
        failed = []
        try:
            ping(engine)
        except Exception:
            logger.exception("readiness: database unreachable")
            failed.append("database")
        try:
            queue.pending()
        except Exception:
            logger.exception("readiness: queue unreachable")
            failed.append("queue")
        if failed:
            return _answer(503, "unavailable", failed=failed)
        return _answer(200, "ready")

    return app
