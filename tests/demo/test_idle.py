"""Deciding that the sandbox and Godwit have settled: quiet looks, due jobs, running jobs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from huey import SqliteHuey

from bot.demo.idle import QUIET_LOOKS, Busy, NotIdleError, RunningJobs, jobs_due_soon, wait_until

IDLE = Busy(False, 0, 0, 0, 0)
WEBHOOK = Busy(True, 0, 0, 0, 0)
RUNNING = Busy(False, 0, 0, 1, 0)


def looks(sequence: list[Busy]) -> tuple[list[Busy], Iterator[Busy]]:
    seen: list[Busy] = []

    def generate() -> Iterator[Busy]:
        for look in sequence:
            seen.append(look)
            yield look
        while True:
            seen.append(IDLE)
            yield IDLE

    return seen, generate()


@pytest.mark.parametrize(
    ("sequence", "looks_taken"),
    [
        ([], QUIET_LOOKS),
        ([WEBHOOK, RUNNING], 2 + QUIET_LOOKS),
        # A busy look in the middle of a quiet run starts the count again.
        ([IDLE, IDLE, RUNNING, IDLE], 3 + QUIET_LOOKS),
    ],
)
def test_wait_needs_consecutive_quiet_looks(sequence: list[Busy], looks_taken: int) -> None:
    seen, stream = looks(sequence)
    wait_until(lambda: next(stream), 10.0, what="test")
    assert len(seen) == looks_taken


def test_timeout_names_what_is_still_busy() -> None:
    with pytest.raises(NotIdleError) as caught:
        wait_until(lambda: Busy(False, 2, 1, 0, 3), 0.0, what="the plan")
    message = str(caught.value)
    assert message.startswith("gave up waiting for the plan after 0 s;")
    assert "unprocessed deliveries: 2, queued jobs: 1, running jobs: 0" in message
    assert "due within 120 s: 3" in message


def test_jobs_due_soon_ignores_jobs_scheduled_far_ahead(tmp_path: Path) -> None:
    huey = SqliteHuey("idle-test", filename=str(tmp_path / "queue.db"))

    @huey.task()
    def refresh(n: int) -> None:
        return None

    for n, delay in ((1, 2), (2, 30), (3, 7 * 24 * 3600)):
        refresh.schedule((n,), delay=delay)
        # What the consumer does with a job whose time has not come: park it in the schedule.
        huey.add_schedule(huey.dequeue())
    assert huey.pending_count() == 0
    assert jobs_due_soon(huey, horizon_s=60) == 2
    assert jobs_due_soon(huey, horizon_s=1) == 0


def test_running_jobs_counts_a_job_while_it_executes(tmp_path: Path) -> None:
    huey = SqliteHuey("idle-test", filename=str(tmp_path / "queue.db"), immediate=True)
    running = RunningJobs(huey)
    during: list[int] = []

    @huey.task()
    def work() -> None:
        during.append(running.count)

    @huey.task()
    def fail() -> None:
        during.append(running.count)
        raise ValueError("boom")

    work()
    fail()
    assert during == [1, 1]
    assert running.count == 0
