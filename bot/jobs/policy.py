"""How every job is retried and when a worker counts as dead, as one value handed to the queue.

The defaults come from ``bot.settings`` (declared there once); processes build
this from their ``Settings``, tests from the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import (
    DEFAULT_JOB_RETRIES,
    DEFAULT_JOB_RETRY_DELAY,
    DEFAULT_LOCK_TTL_SECONDS,
    DEFAULT_WORKER_HEARTBEAT_SECONDS,
    DEFAULT_WORKER_TIMEOUT_SECONDS,
    Settings,
)

RETRY_BACKOFF = 2.0
"""Each retry of a failed job waits this many times longer than the one before."""


@dataclass(frozen=True)
class JobPolicy:
    retries: int = DEFAULT_JOB_RETRIES
    retry_delay: float = DEFAULT_JOB_RETRY_DELAY
    lock_ttl_seconds: float = DEFAULT_LOCK_TTL_SECONDS
    heartbeat_seconds: float = DEFAULT_WORKER_HEARTBEAT_SECONDS
    worker_timeout_seconds: float = DEFAULT_WORKER_TIMEOUT_SECONDS

    @classmethod
    def from_settings(cls, settings: Settings) -> JobPolicy:
        return cls(
            retries=settings.job_retries,
            retry_delay=settings.job_retry_delay,
            lock_ttl_seconds=settings.lock_ttl_seconds,
            heartbeat_seconds=settings.worker_heartbeat_seconds,
            worker_timeout_seconds=settings.worker_timeout_seconds,
        )

    def task_options(self) -> dict[str, float | int]:
        """huey's retry options for a task: the same for every job."""
        return {
            "retries": self.retries,
            "retry_delay": self.retry_delay,
            "retry_backoff": RETRY_BACKOFF,
        }
