"""Hold a named store lock around a job, or send the job back to the queue to wait its turn.

The names follow ``bot.jobs.tasks.lock_name`` (``repo:<owner/name>``), so a
job and a webhook delivery for the same repository never run at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from bot.jobs.errors import RepositoryBusyError
from bot.store.locks import release_lock, try_acquire_lock


def repo_lock(full_name: str) -> str:
    return "repo:" + full_name.lower()


def campaign_lock(campaign_pk: int) -> str:
    return f"campaign:{campaign_pk}"


@contextmanager
def holding(sessions: sessionmaker[Session], name: str, ttl_seconds: float) -> Iterator[None]:
    """Raise ``RepositoryBusyError`` when another job holds ``name``."""
    holder = uuid.uuid4().hex
    with sessions() as session:
        if not try_acquire_lock(session, name, holder, ttl_seconds):
            raise RepositoryBusyError(name)
    try:
        yield
    finally:
        with sessions() as session:
            release_lock(session, name, holder)
