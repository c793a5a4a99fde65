"""Worker heartbeats in the store on SQLite and PostgreSQL: who is dead frees what it held."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from bot.store.db import session_factory
from bot.store.locks import try_acquire_lock
from bot.store.owed import claim, orphans, owe, settle, take_over
from bot.store.workers import beat, register_worker

NOW = datetime.now(UTC)
TIMEOUT = timedelta(seconds=30)


def test_a_lock_whose_worker_stopped_beating_is_free_long_before_it_expires(
    engine: Engine,
) -> None:
    with session_factory(engine)() as session:
        register_worker(session, "dead", "host-a", 1, NOW - 2 * TIMEOUT)
        register_worker(session, "alive", "host-b", 2, NOW)
        day = 24 * 3600.0
        assert try_acquire_lock(session, "repo:acme/jobs", "h1", day, worker_id="dead")
        assert try_acquire_lock(session, "repo:acme/etl", "h2", day, worker_id="alive")

        since = NOW - TIMEOUT
        assert try_acquire_lock(
            session, "repo:acme/jobs", "h3", day, worker_id="alive", alive_since=since
        )
        assert not try_acquire_lock(
            session, "repo:acme/etl", "h4", day, worker_id="other", alive_since=since
        )
        # A worker's own holds stand even when its heartbeat is late.
        assert not beat(session, "gone", NOW)
        assert not try_acquire_lock(
            session, "repo:acme/jobs", "h5", day, worker_id="alive", alive_since=NOW + TIMEOUT
        )


def test_an_owed_job_is_claimed_once_and_taken_over_once_its_worker_is_dead(
    engine: Engine,
) -> None:
    with session_factory(engine)() as session:
        register_worker(session, "dead", "host-a", 1, NOW - 2 * TIMEOUT)
        register_worker(session, "alive", "host-b", 2, NOW)
        job_id = owe(session, "campaign_discover", [7], NOW)
        session.commit()

        job = claim(session, job_id, "dead", NOW)
        assert job is not None
        assert job.args == [7]
        assert job.attempts == 1
        assert claim(session, job_id, "alive", NOW) is None  # a duplicate message does nothing

        assert orphans(session, NOW - TIMEOUT, "alive") == [(job_id, "dead")]
        assert orphans(session, NOW - TIMEOUT, "dead") == []  # never its own
        assert take_over(session, job_id, "dead", NOW)
        assert not take_over(session, job_id, "dead", NOW)  # one sweeper wins
        again = claim(session, job_id, "alive", NOW)
        assert again is not None
        assert again.attempts == 2

        settle(session, job_id)
        assert claim(session, job_id, "alive", NOW) is None
