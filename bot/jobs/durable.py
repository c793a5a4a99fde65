"""At-least-once jobs on huey: a row in the state store says what is owed until the job finishes.

Why this design. huey removes a message from its queue (SQLite or Redis) when
a worker takes it, before the job runs, and has no acknowledgement. Rather
than replace the queue (a broker with acknowledgements would be one more
service to run, and the embedded SQLite setup would lose it), the store keeps
the half huey lacks: ``owed_jobs`` rows (``bot.store.owed``). A job is
recorded in the caller's transaction and queued after it commits; a worker
claims the row (compare-and-set, naming itself) before running it, gives it
back when it waits (busy repository, a long rate-limit pause, a retry) and
deletes it when the job is done or failed for good. huey stays the transport
and the scheduler; the row is the truth.

Recovery needs no acknowledgement either: every worker sweeps at each
heartbeat (``bot.jobs.liveness``). A running row whose worker is dead goes
back to the queue; a queued row whose message is in no queue (lost between
dequeue and claim, or never sent) is sent again after ``LOST_AFTER``. Jobs
are idempotent (each reads the store and GitHub afresh, and acts only where
work is still due), so the rare duplicate message finds the row running or
gone and does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from huey import Huey
from huey.exceptions import RetryTask
from sqlalchemy.orm import Session, sessionmaker

from bot.github.retry import RescheduleJob
from bot.jobs.errors import RepositoryBusyError
from bot.jobs.liveness import Liveness
from bot.jobs.policy import JobPolicy
from bot.store.owed import (
    claim,
    give_back,
    orphans,
    overdue,
    owe,
    resend,
    running_on,
    settle,
    take_over,
)

logger = logging.getLogger(__name__)

JobFunction = Callable[..., None]
"""Called with the job's arguments and ``final_attempt=`` (no retry remains after this one)."""
BUSY_RETRY_SECONDS = 1.0
"""When the repository is locked, look again after this long (huey's scheduler ticks at 1 s)."""
LOST_AFTER = timedelta(minutes=2)
"""A queued job due this long ago whose message is in no queue is sent again."""
TASK_NAME = "owed_job"


def queued_task_ids(huey: Huey) -> set[str]:
    """The ids of every message waiting in huey's queue or schedule."""
    return {task.id for task in [*huey.pending(), *huey.scheduled()]}


class DurableJobs:
    """Named jobs whose every run is owed in the store until it finishes."""

    def __init__(
        self,
        huey: Huey,
        sessions: sessionmaker[Session],
        policy: JobPolicy,
        liveness: Liveness | None,
    ) -> None:
        self.huey = huey
        self._sessions = sessions
        self._liveness = liveness or Liveness(sessions, policy)
        self._functions: dict[str, JobFunction] = {}
        self._task = huey.task(context=True, name=TASK_NAME, **policy.task_options())(self._run)
        if liveness is not None:
            liveness.add_sweep(self.sweep)

    def define(self, name: str, function: JobFunction) -> None:
        self._functions[name] = function

    def owe(self, session: Session, name: str, *args: Any, delay: float = 0.0) -> str:
        """Record the job in ``session``'s transaction; it is queued when that commits.

        The caller commits; a rolled-back caller owes nothing and queues nothing.
        """
        from bot.service.deferred import after_commit  # the service layer's hook, kept lazy

        if name not in self._functions:
            raise KeyError(f"no job named {name!r}")
        job_id = owe(session, name, args, self._liveness.now() + timedelta(seconds=delay))
        after_commit(session, lambda: self._send(job_id, delay))
        return job_id

    def enqueue(self, name: str, *args: Any, delay: float = 0.0) -> str:
        """Record and queue the job at once, in a transaction of its own."""
        with self._sessions() as session:
            job_id = self.owe(session, name, *args, delay=delay)
            session.commit()
        return job_id

    def _send(self, job_id: str, delay: float) -> None:
        if delay > 0:
            self._task.schedule((job_id,), delay=delay, id=job_id)
        else:
            self.huey.enqueue(self._task.s(job_id, id=job_id))

    def _run(self, job_id: str, task: Any) -> None:
        worker = self._liveness.worker_id
        with self._liveness.working_on(job_id):
            with self._sessions() as session:
                job = claim(session, job_id, worker, self._liveness.now())
                if job is None:
                    logger.info("job %s is running elsewhere or done", job_id)
                    return
                name, args = job.name, list(job.args)
            function = self._functions.get(name)
            if function is None:
                logger.error("job %s names %r, which this worker does not know", job_id, name)
                self._settle(job_id)
                return
            try:
                function(*args, final_attempt=not task.retries)
            except RepositoryBusyError as busy:
                logger.info("job %s (%s) waits for %s", job_id, name, busy)
                self._give_back(job_id, BUSY_RETRY_SECONDS)
                raise RetryTask(delay=BUSY_RETRY_SECONDS) from None
            except RescheduleJob as pause:
                logger.info("job %s (%s) paused: %s", job_id, name, pause)
                self._give_back(job_id, pause.after_seconds)
                raise RetryTask(delay=pause.after_seconds) from None
            except Exception:
                if task.retries:
                    self._give_back(job_id, task.retry_delay)
                else:
                    self._settle(job_id)
                raise
            self._settle(job_id)

    def _give_back(self, job_id: str, delay: float) -> None:
        due = self._liveness.now() + timedelta(seconds=delay)
        with self._sessions() as session:
            give_back(session, job_id, self._liveness.worker_id, due)

    def _settle(self, job_id: str) -> None:
        with self._sessions() as session:
            settle(session, job_id)

    def sweep(self) -> None:
        """Queue again what a dead worker had, what this one dropped, and what the queue lost."""
        liveness = self._liveness
        now = liveness.now()
        with self._sessions() as session:
            taken = orphans(session, liveness.alive_since(), liveness.worker_id)
            mine = running_on(session, liveness.worker_id)
            # Read after the store: a job is in hand before it names this worker there.
            in_hand = liveness.in_hand()
            dropped = [(job_id, liveness.worker_id) for job_id in mine if job_id not in in_hand]
            for job_id, worker in [*taken, *dropped]:
                if take_over(session, job_id, worker, now):
                    logger.warning("job %s was left by worker %s; queued again", job_id, worker)
                    self._send(job_id, 0.0)
            late = overdue(session, now - LOST_AFTER)
            if not late:
                return
            waiting = queued_task_ids(self.huey)
            # Read after the queue: a message leaves the queue into a worker's hands.
            in_hand = liveness.in_hand()
            for job_id, due_at in late:
                if (
                    job_id not in waiting
                    and job_id not in in_hand
                    and resend(session, job_id, due_at, now)
                ):
                    logger.warning("job %s is in no queue; queueing it again", job_id)
                    self._send(job_id, 0.0)
