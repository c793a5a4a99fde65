"""Hold a named store lock around a job, or send the job back to the queue to wait its turn.

The names follow ``bot.jobs.tasks.lock_name`` (``repo:<owner/name>``), so a
job and a webhook delivery for the same repository never run at once. A lock
names this process's worker, so it is free as soon as the worker is known
dead (``bot.jobs.liveness``), not only when it expires.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from bot.jobs.errors import RepositoryBusyError
from bot.store.locks import release_lock, try_acquire_lock

if TYPE_CHECKING:
    from bot.jobs.liveness import Liveness


def repo_lock(full_name: str) -> str:
    return "repo:" + full_name.lower()


def campaign_lock(campaign_pk: int) -> str:
    return f"campaign:{campaign_pk}"


@contextmanager
def holding(
    sessions: sessionmaker[Session],
    name: str,
    ttl_seconds: float,
    liveness: Liveness | None = None,
) -> Iterator[None]:
    """Raise ``RepositoryBusyError`` when a live job holds ``name``."""
    holder = uuid.uuid4().hex
    with sessions() as session:
        taken = try_acquire_lock(
            session,
            name,
            holder,
            ttl_seconds,
            worker_id=None if liveness is None else liveness.worker_id,
            alive_since=None if liveness is None else liveness.alive_since(),
        )
        if not taken:
            raise RepositoryBusyError(name)
    try:
        yield
    finally:
        with sessions() as session:
            release_lock(session, name, holder)
