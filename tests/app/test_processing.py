"""Deliveries through the queue to the handlers, on SQLite and on Redis queues."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from bot.jobs.errors import TransientError
from bot.jobs.queue import running
from bot.store.audit import audit_entries
from bot.store.db import create_engine_for, session_factory, upgrade_database
from bot.store.deliveries import FAILED, PENDING, PROCESSED, record_delivery
from bot.store.installations import active_repositories, get_installation
from bot.store.models import Delivery
from handlers.routing import EventContext, Router

from .conftest import Queues, Server, make_app, serve, wait_for
from .payloads import installation_event, installation_repositories_event, issues_event


def statuses(engine: Engine) -> list[tuple[str, int]]:
    with session_factory(engine)() as session:
        rows = session.execute(select(Delivery.status, Delivery.attempts).order_by(Delivery.id))
        return [(status, attempts) for status, attempts in rows]


def all_settled(engine: Engine, count: int) -> bool:
    found = statuses(engine)
    return len(found) == count and all(status != PENDING for status, _ in found)


@pytest.fixture
def live(queues: Queues) -> Iterator[Server]:
    """Intake and two worker threads, as ``godwit serve`` runs them."""
    queue = queues.build()
    with running(queue.consumer(workers=2)), serve(make_app(queues.engine, queue)) as server:
        yield server


def test_a_redelivered_event_is_processed_once(live: Server, queues: Queues) -> None:
    delivery_id = str(uuid.uuid4())
    for _ in range(3):
        live.deliver("issues", issues_event(number=57), delivery_id=delivery_id)

    wait_for(lambda: all_settled(queues.engine, 1))
    with session_factory(queues.engine)() as session:
        entries = [(e.action, e.repo, e.target_number) for e in audit_entries(session)]
    assert entries == [("issues.opened", "acme-data/warehouse-jobs", 57)]
    assert statuses(queues.engine) == [(PROCESSED, 1)]


SEQUENCES = {
    "deleted before created": (
        [("deleted", "2026-03-05T10:00:00Z"), ("created", "2026-03-02T09:00:00Z")],
        (True, False),
    ),
    "unsuspend before suspend": (
        [
            ("created", "2026-03-02T09:00:00Z"),
            ("unsuspend", "2026-03-04T10:00:00Z"),
            ("suspend", "2026-03-03T10:00:00Z"),
        ],
        (False, False),
    ),
    "suspend after unsuspend": (
        [
            ("created", "2026-03-02T09:00:00Z"),
            ("unsuspend", "2026-03-03T10:00:00Z"),
            ("suspend", "2026-03-04T10:00:00Z"),
        ],
        (False, True),
    ),
}


@pytest.mark.parametrize("name", SEQUENCES)
def test_installation_events_in_any_order_end_in_the_latest_state(
    live: Server, queues: Queues, name: str
) -> None:
    sequence, (deleted, suspended) = SEQUENCES[name]
    for action, updated_at in sequence:
        repositories = [("acme-data/warehouse-jobs", 702115538)] if action == "created" else []
        payload = installation_event(action, updated_at=updated_at, repositories=repositories)
        live.deliver("installation", payload)
        # One at a time: the order of arrival is what this test is about.
        wait_for(lambda: all_settled(queues.engine, len(statuses(queues.engine))))

    wait_for(lambda: all_settled(queues.engine, len(sequence)))
    with session_factory(queues.engine)() as session:
        row = get_installation(session, 48112233)
        assert row is not None
        assert (row.deleted, row.suspended, row.account) == (deleted, suspended, "acme-data")
        expected = [] if deleted else ["acme-data/warehouse-jobs"]
        assert list(active_repositories(session, 48112233)) == expected


def test_repository_removal_seen_before_its_addition_wins(live: Server, queues: Queues) -> None:
    jobs = ("acme-data/dbt-models", 702115600)
    live.deliver(
        "installation_repositories",
        installation_repositories_event("removed", [jobs], updated_at="2026-03-06T12:00:00Z"),
    )
    wait_for(lambda: all_settled(queues.engine, 1))
    live.deliver(
        "installation_repositories",
        installation_repositories_event("added", [jobs], updated_at="2026-03-04T12:00:00Z"),
    )
    wait_for(lambda: all_settled(queues.engine, 2))

    with session_factory(queues.engine)() as session:
        assert list(active_repositories(session, 48112233)) == []
    assert statuses(queues.engine) == [(PROCESSED, 1), (PROCESSED, 1)]


def test_jobs_pending_while_no_worker_runs_are_all_processed_by_a_later_one(
    queues: Queues,
) -> None:
    intake_queue = queues.build()
    with serve(make_app(queues.engine, intake_queue)) as server:
        for number in range(1, 9):
            assert server.deliver("issues", issues_event(number=number)).status_code == 202
    assert intake_queue.pending() == 8

    restarted = queues.build()  # as a fresh worker process would build it
    with running(restarted.consumer(workers=1)):
        wait_for(lambda: all_settled(queues.engine, 8))

    assert statuses(queues.engine) == [(PROCESSED, 1)] * 8
    with session_factory(queues.engine)() as session:
        numbers = sorted(e.target_number or 0 for e in audit_entries(session))
    assert numbers == list(range(1, 9))


class FlakyHandler:
    """Fails transiently a given number of times, then records success."""

    def __init__(self, failures: int, error: type[Exception] = TransientError) -> None:
        self.failures = failures
        self.error = error
        self.calls = 0

    def __call__(self, event: Any, context: EventContext) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error("GitHub answered 502")


def test_a_transient_failure_is_retried_until_it_succeeds(queues: Queues) -> None:
    handler = FlakyHandler(failures=2)
    router = Router()
    router.register("issues")(handler)
    queue = queues.build(router)
    with running(queue.consumer(workers=1)), serve(make_app(queues.engine, queue)) as server:
        server.deliver("issues", issues_event())
        wait_for(lambda: all_settled(queues.engine, 1))

    assert statuses(queues.engine) == [(PROCESSED, 3)]
    assert handler.calls == 3


@pytest.mark.parametrize(
    ("failures", "error", "attempts"),
    [
        pytest.param(99, TransientError, 4, id="transient-until-retries-run-out"),
        pytest.param(1, KeyError, 1, id="a-bug-is-not-retried"),
    ],
)
def test_failures_are_recorded_on_the_delivery(
    queues: Queues, failures: int, error: type[Exception], attempts: int
) -> None:
    router = Router()
    router.register("issues")(FlakyHandler(failures, error))
    queue = queues.build(router)
    with running(queue.consumer(workers=1)), serve(make_app(queues.engine, queue)) as server:
        server.deliver("issues", issues_event())
        wait_for(lambda: all_settled(queues.engine, 1))

    assert statuses(queues.engine) == [(FAILED, attempts)]


class ConcurrencyProbe:
    """Counts how many handler calls overlap, per repository."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self.release = threading.Event()

    def __call__(self, event: Any, context: EventContext) -> None:
        repo = event.repository.full_name
        with self.lock:
            self.active[repo] = self.active.get(repo, 0) + 1
            self.peak[repo] = max(self.peak.get(repo, 0), self.active[repo])
        self.release.wait(0.2)
        with self.lock:
            self.active[repo] -= 1


def test_deliveries_for_one_repository_never_run_at_the_same_time(queues: Queues) -> None:
    probe = ConcurrencyProbe()
    router = Router()
    router.register("issues")(probe)
    queue = queues.build(router)
    with running(queue.consumer(workers=2)), serve(make_app(queues.engine, queue)) as server:
        for number in range(1, 4):
            server.deliver("issues", issues_event(number=number))
        wait_for(lambda: all_settled(queues.engine, 3), timeout=30)

    assert probe.peak == {"acme-data/warehouse-jobs": 1}
    assert statuses(queues.engine) == [(PROCESSED, 1)] * 3


def test_postgres_and_redis_together_process_each_delivery_once(
    postgres_url: str, redis_url: str, queue_name: str
) -> None:
    upgrade_database(postgres_url)
    engine = create_engine_for(postgres_url)
    queues = Queues(redis_url, queue_name, engine, [])
    queue = queues.build()
    try:
        with running(queue.consumer(workers=2)), serve(make_app(engine, queue)) as server:
            deleted = installation_event("deleted", updated_at="2026-03-05T10:00:00Z")
            created = installation_event("created", updated_at="2026-03-02T09:00:00Z")
            server.deliver("installation", deleted, delivery_id="e2e-1")
            server.deliver("installation", created, delivery_id="e2e-2")
            server.deliver("installation", created, delivery_id="e2e-2")
            wait_for(lambda: all_settled(engine, 2))
        with session_factory(engine)() as session:
            row = get_installation(session, 48112233)
            assert row is not None
            assert row.deleted
        assert statuses(engine) == [(PROCESSED, 1), (PROCESSED, 1)]
    finally:
        queue.huey.flush()
        engine.dispose()


def test_a_delivery_stored_but_never_queued_is_swept_into_the_queue_once(
    queues: Queues,
) -> None:
    """The process died between storing the delivery and queueing it."""
    queue = queues.build()
    received = datetime.now(UTC)
    with session_factory(queues.engine)() as session:
        for number, delivery_id in enumerate(("stranded", "fresh"), start=1):
            payload = json.dumps(issues_event(number=number)).encode()
            record_delivery(
                session, delivery_id=delivery_id, event="issues", action="opened", payload=payload
            )
        session.execute(
            update(Delivery)
            .where(Delivery.delivery_id == "stranded")
            .values(received_at=received - timedelta(hours=1))
        )
        session.commit()

    assert queue.requeue_stranded(received) == 1  # "fresh" may still be on its way
    assert queue.requeue_stranded(received) == 0  # once at most
    assert queue.pending() == 1
    with running(queue.consumer(workers=1)):
        wait_for(lambda: statuses(queues.engine)[0] == (PROCESSED, 1))
    with session_factory(queues.engine)() as session:
        assert [e.target_number for e in audit_entries(session)] == [1]
