"""Know when the sandbox and Godwit have both settled after a person's action.

A person's action in the sandbox becomes a webhook, the webhook a queued job, the
job GitHub requests whose own webhooks queue more jobs, and a debounced job may
be scheduled a moment later. Only when every stage is empty at once, several
looks in a row, has the story's next step something stable to act on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from huey import Huey
from sqlalchemy import Engine, func, select

from bot.sandbox import Sandbox
from bot.store.db import session_factory
from bot.store.deliveries import PENDING
from bot.store.models import Delivery

POLL_INTERVAL_S = 0.05
QUIET_LOOKS = 4
"""Consecutive idle looks needed; a job between dequeue and start is invisible for an instant."""
SCHEDULE_HORIZON_S = 120.0
"""Jobs scheduled further ahead (weekly nudges, a paced hour-long wait) are not waited for."""


class NotIdleError(RuntimeError):
    """Something was still busy when the wait ran out; the message names what."""


class RunningJobs:
    """Counts jobs a huey consumer is executing, which huey's own counters do not show."""

    def __init__(self, huey: Huey) -> None:
        self._count = 0
        self._lock = threading.Lock()
        huey.pre_execute("demo-running-jobs")(self._started)
        huey.post_execute("demo-running-jobs")(self._finished)

    def _started(self, task: Any) -> None:
        with self._lock:
            self._count += 1

    def _finished(self, task: Any, value: Any, error: BaseException | None) -> None:
        with self._lock:
            self._count -= 1

    @property
    def count(self) -> int:
        with self._lock:
            return self._count


@dataclass(frozen=True)
class Busy:
    """What is still in motion; empty everywhere means idle."""

    webhooks: bool
    unprocessed_deliveries: int
    queued_jobs: int
    running_jobs: int
    scheduled_jobs: int

    @property
    def idle(self) -> bool:
        return not (
            self.webhooks
            or self.unprocessed_deliveries
            or self.queued_jobs
            or self.running_jobs
            or self.scheduled_jobs
        )

    def describe(self) -> str:
        return (
            f"webhooks in flight: {self.webhooks}, unprocessed deliveries: "
            f"{self.unprocessed_deliveries}, queued jobs: {self.queued_jobs}, running jobs: "
            f"{self.running_jobs}, jobs due within {SCHEDULE_HORIZON_S:.0f} s: "
            f"{self.scheduled_jobs}"
        )


def jobs_due_soon(huey: Huey, horizon_s: float = SCHEDULE_HORIZON_S) -> int:
    """Scheduled jobs (retries, debounced edits) due within ``horizon_s``."""
    limit = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=horizon_s)
    return sum(1 for task in huey.scheduled() if task.eta is None or task.eta <= limit)


class Settling:
    """Waits for the sandbox's webhooks, Godwit's store and Godwit's queue to be empty."""

    def __init__(self, sandbox: Sandbox, engine: Engine, huey: Huey) -> None:
        self._sandbox = sandbox
        self._sessions = session_factory(engine)
        self._huey = huey
        self._running = RunningJobs(huey)

    def look(self) -> Busy:
        with self._sessions() as session:
            unprocessed = session.scalar(
                select(func.count()).select_from(Delivery).where(Delivery.status == PENDING)
            )
        return Busy(
            webhooks=not self._sandbox.webhooks.wait_idle(timeout=0),
            unprocessed_deliveries=int(unprocessed or 0),
            queued_jobs=int(self._huey.pending_count()),
            running_jobs=self._running.count,
            scheduled_jobs=jobs_due_soon(self._huey),
        )

    def wait(self, timeout_s: float, *, what: str = "Godwit to settle") -> None:
        """Return once idle for ``QUIET_LOOKS`` looks in a row; ``NotIdleError`` on timeout."""
        wait_until(self.look, timeout_s, what=what)


def wait_until(look: Callable[[], Busy], timeout_s: float, *, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    quiet = 0
    while True:
        busy = look()
        quiet = quiet + 1 if busy.idle else 0
        if quiet >= QUIET_LOOKS:
            return
        if time.monotonic() > deadline:
            raise NotIdleError(
                f"gave up waiting for {what} after {timeout_s:.0f} s; " + busy.describe()
            )
        time.sleep(POLL_INTERVAL_S)
