"""The job queue: huey on SQLite when embedded, on Redis when workers run on several machines.

Only the delivery id travels through the queue (as the message id too); the
payload stays in the state store. huey keeps pending jobs in its own storage,
so they survive a restart; a job a worker had taken is recovered from the store
when that worker dies (``bot.jobs.liveness``, ``bot.jobs.durable``).
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer
from huey.exceptions import RetryTask
from huey.storage import SqliteStorage
from redis import ConnectionPool
from sqlalchemy import make_url

from bot.jobs.durable import BUSY_RETRY_SECONDS, LOST_AFTER, queued_task_ids
from bot.jobs.errors import RepositoryBusyError
from bot.jobs.liveness import Liveness
from bot.jobs.policy import JobPolicy
from bot.jobs.priority import Foreground
from bot.jobs.tasks import DeliveryProcessor
from bot.settings import DEFAULT_QUEUE_NAME
from bot.store.deliveries import (
    claim_stranded,
    deliveries_running_on,
    mark_requeued,
    orphaned_deliveries,
    take_over_delivery,
    waiting_deliveries,
)

logger = logging.getLogger(__name__)

_CONSUMER_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

QUEUE_NAME = DEFAULT_QUEUE_NAME
FOREGROUND_WAIT_SECONDS = 0.5
"""The longest a job waits for a quiet intake, so jobs still progress under steady load."""
STRANDED_AFTER = timedelta(minutes=15)
"""A delivery never run this long after it was stored is taken as never queued."""
SWEEP_SCHEDULE = crontab(minute="*/5")


def is_redis_url(url: str) -> bool:
    return urlsplit(url).scheme in {"redis", "rediss", "unix"}


class _SqliteStorage(SqliteStorage):  # type: ignore[misc]
    """huey's SQLite storage committing as the state store does: WAL, ``synchronous=NORMAL``.

    huey leaves SQLite's default (FULL), which syncs the log to disk on every
    enqueue and dequeue: a few milliseconds per delivery, behind one write lock
    the intake and the workers share. In WAL mode NORMAL keeps every commit
    through a crash of the process; a power loss may take the last ones, as it
    may from the store (``bot.store.db``), whose stranded-delivery sweep refills
    the queue.
    """

    def _create_connection(self) -> Any:
        connection = super()._create_connection()
        connection.execute("pragma synchronous=NORMAL")
        return connection


def create_huey(url: str, *, name: str = QUEUE_NAME) -> Huey:
    """``sqlite:///path`` selects SqliteHuey, ``redis://`` (or ``rediss://``) RedisHuey."""
    scheme = urlsplit(url).scheme
    if is_redis_url(url):
        pool = ConnectionPool.from_url(url, socket_connect_timeout=5, socket_timeout=30)
        return RedisHuey(name, results=False, connection_pool=pool)
    if scheme == "sqlite":
        filename = make_url(url).database
        if not filename:
            raise ValueError("the SQLite queue needs a file: sqlite:///path/to/queue.db")
        return SqliteHuey(name, results=False, filename=filename, storage_class=_SqliteStorage)
    raise ValueError(f"unsupported queue URL scheme {scheme!r}: use sqlite:/// or redis://")


class JobQueue:
    """Enqueue deliveries on one side, run them in consumers on the other."""

    def __init__(
        self,
        huey: Huey,
        processor: DeliveryProcessor,
        policy: JobPolicy,
        liveness: Liveness | None = None,
    ) -> None:
        self.huey = huey
        self._processor = processor
        self._liveness = liveness
        self._process_delivery = huey.task(
            context=True, name="process_delivery", **policy.task_options()
        )(self._run)
        huey.periodic_task(SWEEP_SCHEDULE, name="requeue_stranded_deliveries")(
            self.requeue_stranded
        )
        if liveness is not None:
            liveness.add_sweep(self.recover)

    def enqueue_delivery(self, delivery_id: str) -> None:
        self.huey.enqueue(self._process_delivery.s(delivery_id, id=delivery_id))

    def recover(self) -> int:
        """Queue again the deliveries a dead worker had, this one dropped, or the queue lost."""
        liveness = self._liveness
        if liveness is None:
            return 0
        now = liveness.now()
        queued = 0
        with self._processor.sessions() as session:
            orphans = orphaned_deliveries(session, liveness.alive_since(), liveness.worker_id)
            mine = deliveries_running_on(session, liveness.worker_id)
            # Read after the store: a run is in hand before it names this worker there.
            in_hand = liveness.in_hand()
            dropped = [
                (delivery_id, liveness.worker_id)
                for delivery_id in mine
                if _in_hand_key(delivery_id) not in in_hand
            ]
            for delivery_id, worker in [*orphans, *dropped]:
                if take_over_delivery(session, delivery_id, worker, now):
                    logger.warning(
                        "delivery %s was left by worker %s; queueing it again", delivery_id, worker
                    )
                    self.enqueue_delivery(delivery_id)
                    queued += 1
            waiting = waiting_deliveries(session, now - LOST_AFTER)
            if waiting:
                in_queue = queued_task_ids(self.huey)
                # Read after the queue: a message leaves the queue into a worker's hands.
                in_hand = liveness.in_hand()
                for delivery_id in waiting:
                    if delivery_id in in_queue or _in_hand_key(delivery_id) in in_hand:
                        continue
                    logger.warning("delivery %s is in no queue; queueing it again", delivery_id)
                    mark_requeued(session, delivery_id, now)
                    self.enqueue_delivery(delivery_id)
                    queued += 1
        return queued

    def requeue_stranded(self, now: datetime | None = None) -> int:
        """Queue deliveries stranded by a process that died between storing and queueing them."""
        moment = now or datetime.now(UTC)
        with self._processor.sessions() as session:
            stranded = claim_stranded(session, moment - STRANDED_AFTER, moment)
        for delivery_id in stranded:
            logger.warning("delivery %s was never queued; queueing it now", delivery_id)
            self.enqueue_delivery(delivery_id)
        return len(stranded)

    def pending(self) -> int:
        """Jobs waiting for a worker; also a cheap probe that the queue's storage answers."""
        return int(self.huey.pending_count())

    def consumer(
        self, workers: int, *, foreground: Foreground | None = None, periodic: bool = False
    ) -> Consumer:
        """A consumer with ``workers`` threads, stepping aside while ``foreground`` is busy.

        ``periodic`` runs scheduled jobs (nudges) too; they are idempotent, so several
        worker machines doing so only repeat a no-op.
        """
        if foreground is not None:

            def step_aside(task: Any) -> None:
                foreground.wait_until_quiet(FOREGROUND_WAIT_SECONDS)

            self.huey.pre_execute("step-aside")(step_aside)
        return self.huey.create_consumer(
            workers=workers,
            worker_type="thread",
            periodic=periodic,
            initial_delay=0.05,
            max_delay=1.0,
        )

    def _run(self, delivery_id: str, task: Any) -> None:
        try:
            if self._liveness is None:
                self._processor.process(delivery_id, final_attempt=not task.retries)
            else:
                with self._liveness.working_on(_in_hand_key(delivery_id)):
                    self._processor.process(delivery_id, final_attempt=not task.retries)
        except RepositoryBusyError as busy:
            logger.info("delivery %s waits for %s", delivery_id, busy)
            raise RetryTask(delay=BUSY_RETRY_SECONDS) from None


def _in_hand_key(delivery_id: str) -> str:
    return "delivery:" + delivery_id


@contextmanager
def running(consumer: Consumer) -> Iterator[Consumer]:
    """Run a consumer's worker threads for the duration of the block, then let them finish.

    ``Consumer.run()`` owns the main thread and its signals; this is for
    processes where something else (uvicorn, a test runner) owns them, so the
    signal handlers ``Consumer.start()`` installs are put back at once. Call it
    from the main thread.
    """
    saved = {number: signal.getsignal(number) for number in _CONSUMER_SIGNALS}
    consumer.start()
    for number, handler in saved.items():
        signal.signal(number, handler)
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)
