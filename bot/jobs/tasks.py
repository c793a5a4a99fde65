"""Process one stored delivery: lock its repository, route it to the handlers, record the outcome.

This module knows nothing about huey, so it runs the same in a worker thread,
a worker process on another machine, or a test. A delivery being run names its
worker in the store until it is processed or failed, so when that worker dies
another one runs it again (``bot.jobs.queue``); handlers are idempotent upserts.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.jobs.errors import RepositoryBusyError, TransientError
from bot.store.deliveries import FAILED, PENDING, PROCESSED, finish_delivery, get_delivery
from bot.store.locks import release_lock, try_acquire_lock
from bot.store.models import Delivery
from handlers.routing import EventContext, Router

if TYPE_CHECKING:
    from bot.jobs.liveness import Liveness
    from bot.service.context import AppServices

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryProcessor:
    """Everything a worker needs to process deliveries; one per worker process."""

    sessions: sessionmaker[Session]
    router: Router
    lock_ttl_seconds: float
    services: AppServices | None = None
    liveness: Liveness | None = None
    """This process as a worker: named on the deliveries and locks it holds."""

    @property
    def worker_id(self) -> str | None:
        return None if self.liveness is None else self.liveness.worker_id

    def process(self, delivery_id: str, *, final_attempt: bool) -> None:
        """Run the handlers for a delivery once, unless it was already processed or failed.

        Raises ``RepositoryBusyError`` when another job holds the repository, and
        ``TransientError`` when a retry may succeed and attempts remain.
        """
        with self.sessions() as session:
            delivery = get_delivery(session, delivery_id)
            if delivery is None:
                logger.warning("delivery %s is not in the store", delivery_id)
                return
            if delivery.status != PENDING:
                return
            name = lock_name(delivery.payload)
            with self._locked(session, name):
                session.refresh(delivery)
                if delivery.status != PENDING:
                    return
                delivery.attempts += 1
                delivery.worker_id = self.worker_id
                session.commit()
                context = EventContext(
                    session=session,
                    delivery_id=delivery_id,
                    event=delivery.event,
                    services=self.services,
                )
                try:
                    self.router.dispatch(delivery.event, delivery.action, delivery.payload, context)
                    delivery.status = PROCESSED
                    delivery.worker_id = None
                    session.commit()
                except TransientError as error:
                    session.rollback()
                    if not final_attempt:
                        logger.warning("delivery %s will be retried: %s", delivery_id, error)
                        _hand_back(session, delivery_id)
                        raise
                    finish_delivery(session, delivery_id, FAILED, f"gave up: {error}")
                except Exception as error:
                    session.rollback()
                    logger.exception("delivery %s failed", delivery_id)
                    finish_delivery(session, delivery_id, FAILED, repr(error))
            logger.info("delivery %s %s", delivery_id, delivery.status)

    @contextmanager
    def _locked(self, session: Session, name: str | None) -> Iterator[None]:
        if name is None:
            yield
            return
        # A holder per acquisition: a job only ever releases the lock it took itself.
        holder = uuid.uuid4().hex
        liveness = self.liveness
        taken = try_acquire_lock(
            session,
            name,
            holder,
            self.lock_ttl_seconds,
            worker_id=self.worker_id,
            alive_since=None if liveness is None else liveness.alive_since(),
        )
        if not taken:
            raise RepositoryBusyError(name)
        try:
            yield
        finally:
            release_lock(session, name, holder)


def _hand_back(session: Session, delivery_id: str) -> None:
    """The delivery waits in the queue's schedule for its retry; no worker has it meanwhile."""
    session.execute(
        update(Delivery).where(Delivery.delivery_id == delivery_id).values(worker_id=None)
    )
    session.commit()


def lock_name(payload: bytes) -> str | None:
    """Serialise jobs per repository, or per installation for installation-wide events."""
    try:
        document = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    repository = document.get("repository")
    full_name = repository.get("full_name") if isinstance(repository, dict) else None
    if isinstance(full_name, str):
        return "repo:" + full_name.lower()
    installation = document.get("installation")
    if isinstance(installation, dict) and isinstance(installation.get("id"), int):
        return f"installation:{installation['id']}"
    return None
