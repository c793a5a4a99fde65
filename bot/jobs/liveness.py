"""This process as a worker: an id in the store, a heartbeat, and the sweeps that run with it.

huey takes a job off its queue before running it, so a worker killed mid-job
takes the job with it. Everything a worker starts (a delivery, an owed job, a
lock) is therefore marked with its id in the state store, and a thread renews
the worker's heartbeat. Any worker that finds another's heartbeat older than
the timeout takes that worker's work over: its locks are free, and its
deliveries and jobs go back to the queue (``bot.jobs.queue``, ``bot.jobs.durable``).
The same thread looks for work marked with its own id that no thread of its
own has in hand (a job that died on a database error before saying so).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.jobs.policy import JobPolicy
from bot.store.workers import beat, forget_worker, prune_workers, register_worker

logger = logging.getLogger(__name__)

FORGET_DEAD_AFTER = timedelta(days=1)
"""Rows of workers dead this long are dropped; what they named is free either way."""

Sweep = Callable[[], object]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Liveness:
    """One per process; ``start`` registers the worker, ``stop`` forgets it."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        policy: JobPolicy,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.worker_id = uuid.uuid4().hex
        self.policy = policy
        self._sessions = sessions
        self._clock = clock
        self._sweeps: list[Sweep] = []
        self._in_hand: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def now(self) -> datetime:
        return self._clock()

    def alive_since(self) -> datetime:
        """Workers that have not beaten since this moment are dead."""
        return self._clock() - timedelta(seconds=self.policy.worker_timeout_seconds)

    def add_sweep(self, sweep: Sweep) -> None:
        self._sweeps.append(sweep)

    @contextmanager
    def working_on(self, key: str) -> Iterator[None]:
        """Mark ``key`` as in this process's hands, so its own sweep leaves it alone."""
        with self._lock:
            self._in_hand.add(key)
        try:
            yield
        finally:
            with self._lock:
                self._in_hand.discard(key)

    def in_hand(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._in_hand)

    def start(self) -> None:
        """Register and start beating; call before the consumer takes its first job."""
        with self._sessions() as session:
            register_worker(session, self.worker_id, socket.gethostname(), os.getpid(), self.now())
        self._thread = threading.Thread(target=self._loop, name="godwit-heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop beating and forget this worker; its jobs have finished or will be taken over."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.policy.heartbeat_seconds + 5)
        try:
            with self._sessions() as session:
                forget_worker(session, self.worker_id)
        except Exception:  # the heartbeat's timeout frees everything anyway
            logger.exception("could not forget worker %s", self.worker_id)

    def beat_and_sweep(self) -> None:
        """One heartbeat, then every sweep; the thread calls it, and tests may too."""
        now = self.now()
        with self._sessions() as session:
            if not beat(session, self.worker_id, now):
                logger.warning("worker %s was taken for dead; registering again", self.worker_id)
                register_worker(session, self.worker_id, socket.gethostname(), os.getpid(), now)
            prune_workers(session, now - FORGET_DEAD_AFTER)
        for sweep in self._sweeps:
            try:
                sweep()
            except Exception:
                logger.exception("sweep %r failed; it runs again at the next heartbeat", sweep)

    def _loop(self) -> None:
        while not self._stop.wait(self.policy.heartbeat_seconds):
            try:
                self.beat_and_sweep()
            except Exception:
                logger.exception("worker %s could not beat", self.worker_id)
