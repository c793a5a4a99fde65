"""The webhook intake over real HTTP: what is refused, what is stored, what is answered."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from githubkit import webhooks

import handlers
from bot.jobs.policy import JobPolicy
from bot.jobs.queue import JobQueue, create_huey
from bot.jobs.tasks import DeliveryProcessor
from bot.settings import MAX_WEBHOOK_DEPTH
from bot.store.db import create_engine_for, session_factory

from .conftest import SECRET, Queues, Server, delivery_count, make_app, serve
from .payloads import installation_event, issues_event


@pytest.fixture
def server(local_queues: Queues) -> Iterator[Server]:
    """The intake with no worker running, so stored deliveries stay pending."""
    with serve(make_app(local_queues.engine, local_queues.build(), max_body_bytes=64_000)) as s:
        yield s


BODY = b'{"action":"opened"}'


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(None, id="missing"),
        pytest.param("sha256=" + "0" * 64, id="wrong"),
        pytest.param(webhooks.sign("another-secret", BODY, "sha256"), id="other-secret"),
        pytest.param(webhooks.sign(SECRET, BODY, "sha1"), id="sha1-only"),
        pytest.param(webhooks.sign(SECRET, BODY, "sha256").removeprefix("sha256="), id="no-prefix"),
    ],
)
def test_unsigned_or_badly_signed_deliveries_are_refused_and_not_stored(
    server: Server, local_queues: Queues, signature: str | None
) -> None:
    response = server.deliver("issues", BODY, signature=signature)

    assert response.status_code == 401
    assert delivery_count(local_queues.engine) == 0


def test_a_correct_signature_over_a_different_body_is_refused(
    server: Server, local_queues: Queues
) -> None:
    signature = webhooks.sign(SECRET, b'{"action":"closed"}', "sha256")

    assert server.deliver("issues", BODY, signature=signature).status_code == 401
    assert delivery_count(local_queues.engine) == 0


def test_a_body_declared_too_large_is_refused(server: Server, local_queues: Queues) -> None:
    response = server.deliver("issues", b"{" + b" " * 64_000 + b"}")

    assert response.status_code == 413
    assert delivery_count(local_queues.engine) == 0


def test_a_streamed_body_is_cut_off_once_too_large(server: Server, local_queues: Queues) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"{"
        for _ in range(100):
            yield b" " * 1_000
        yield b"}"

    headers = {
        "X-GitHub-Event": "issues",
        "X-GitHub-Delivery": str(uuid.uuid4()),
        "X-Hub-Signature-256": "sha256=" + "0" * 64,
    }
    response = server.client.post("/webhook", content=chunks(), headers=headers)

    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert response.status_code == 413
    assert delivery_count(local_queues.engine) == 0


@pytest.mark.parametrize("body", [b"{not json", b"", b"[1, 2]", b'"text"'])
def test_signed_bodies_that_are_not_a_json_object_are_bad_requests(
    server: Server, local_queues: Queues, body: bytes
) -> None:
    assert server.deliver("issues", body).status_code == 400
    assert delivery_count(local_queues.engine) == 0


def test_events_no_handler_wants_are_acknowledged_and_ignored(
    server: Server, local_queues: Queues
) -> None:
    response = server.deliver("star", {"action": "created", "starred_at": "2026-03-02T09:00:00Z"})

    assert (response.status_code, response.json()["status"]) == (202, "ignored")
    assert delivery_count(local_queues.engine) == 0


def test_ping_is_answered(server: Server, local_queues: Queues) -> None:
    response = server.deliver("ping", {"zen": "Keep it logically awesome.", "hook_id": 4811})

    assert (response.status_code, response.json()["status"]) == (200, "pong")
    assert delivery_count(local_queues.engine) == 0


def test_a_delivery_is_stored_and_queued_then_a_redelivery_is_a_duplicate(
    server: Server, local_queues: Queues
) -> None:
    queue = local_queues.built[0]
    delivery_id = str(uuid.uuid4())

    first = server.deliver("issues", issues_event(), delivery_id=delivery_id)
    again = server.deliver("issues", issues_event(), delivery_id=delivery_id)

    assert (first.status_code, first.json()["status"]) == (202, "queued")
    assert (again.status_code, again.json()["status"]) == (202, "duplicate")
    assert delivery_count(local_queues.engine) == 1
    assert queue.pending() == 1


def test_missing_delivery_headers_are_bad_requests(server: Server) -> None:
    body = b'{"action":"created"}'
    headers = {"X-Hub-Signature-256": webhooks.sign(SECRET, body, "sha256")}

    assert server.client.post("/webhook", content=body, headers=headers).status_code == 400


def test_health_and_readiness(server: Server) -> None:
    assert server.client.get("/healthz").status_code == 200
    ready = server.client.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


def test_readiness_names_an_unreachable_database(local_queues: Queues) -> None:
    unreachable = create_engine_for("postgresql://postgres@127.0.0.1:1/test")
    with serve(make_app(unreachable, local_queues.build())) as server:
        ready = server.client.get("/readyz")
        webhook = server.deliver("installation", installation_event("created"))

    assert (ready.status_code, ready.json()["failed"]) == (503, ["database"])
    assert webhook.status_code == 503


def test_readiness_names_an_unreachable_queue(local_queues: Queues) -> None:
    processor = DeliveryProcessor(
        sessions=session_factory(local_queues.engine),
        router=handlers.router,
        lock_ttl_seconds=60.0,
    )
    dead_queue = JobQueue(create_huey("redis://127.0.0.1:1/0"), processor, JobPolicy())
    with serve(make_app(local_queues.engine, dead_queue)) as server:
        ready = server.client.get("/readyz")
        webhook = server.deliver("issues", issues_event())

    assert (ready.status_code, ready.json()["failed"]) == (503, ["queue"])
    assert webhook.status_code == 503
    assert delivery_count(local_queues.engine) == 0


def test_a_delivery_id_longer_than_githubs_is_a_bad_request(
    server: Server, local_queues: Queues
) -> None:
    response = server.deliver("issues", issues_event(), delivery_id="d" * 65)

    assert response.status_code == 400
    assert delivery_count(local_queues.engine) == 0


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"a":' * 100_000 + b"1" + b"}" * 100_000, id="beyond-the-parser"),
        pytest.param(b'{"action":"opened","a":' + b"[" * 40 + b"]" * 40 + b"}", id="beyond-limit"),
    ],
)
def test_a_signed_body_nested_too_deep_is_a_bad_request_and_not_stored(
    local_queues: Queues, body: bytes
) -> None:
    app = make_app(local_queues.engine, local_queues.build(), max_body_bytes=len(body) + 1)
    with serve(app) as server:
        response = server.deliver("issues", body)

    assert response.status_code == 400
    assert "nested deeper than" in response.json()["reason"]
    assert delivery_count(local_queues.engine) == 0


def test_a_payload_nested_as_deep_as_the_limit_is_accepted(
    server: Server, local_queues: Queues
) -> None:
    inner = b"[" * (MAX_WEBHOOK_DEPTH - 1) + b"]" * (MAX_WEBHOOK_DEPTH - 1)
    response = server.deliver("issues", b'{"action":"opened","a":' + inner + b"}")

    assert response.status_code == 202
    assert delivery_count(local_queues.engine) == 1
