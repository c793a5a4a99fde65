"""The embedded SQLite queue: commits as durable as the store's, jobs kept across a restart."""

from __future__ import annotations

from pathlib import Path

from bot.jobs.queue import create_huey
from bot.store.db import create_engine_for


def test_the_queue_syncs_its_log_as_the_store_does(tmp_path: Path) -> None:
    huey = create_huey(f"sqlite:///{tmp_path / 'queue.db'}")
    queue_pragmas = (
        huey.storage.conn.execute("pragma synchronous").fetchone()[0],
        (huey.storage.conn.execute("pragma journal_mode").fetchone()[0]),
    )
    engine = create_engine_for(f"sqlite:///{tmp_path / 'store.db'}")
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None
        store_pragmas = (
            driver.execute("pragma synchronous").fetchone()[0],
            (driver.execute("pragma journal_mode").fetchone()[0]),
        )
    engine.dispose()
    assert queue_pragmas == store_pragmas == (1, "wal")  # NORMAL, write-ahead log


def test_a_queued_job_is_there_for_the_next_process(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    first = create_huey(url)
    ran: list[str] = []

    @first.task(name="remember")
    def remember(value: str) -> None:
        ran.append(value)

    remember("delivery-1")
    first.storage.close()

    second = create_huey(url)
    second.task(name="remember")(lambda value: ran.append(value))
    assert second.pending_count() == 1
    second.execute(second.dequeue())
    assert ran == ["delivery-1"]
