"""Named locks in the state store, shared by every worker process and machine.

huey's own ``lock_task`` cannot expire on SQLite (nor on Redis before 7.4), so a
worker killed while holding it would block its repository forever. These rows
name the worker process that holds them: once that worker's heartbeat is older
than the timeout (``bot.store.workers``) the lock is free, and the expiry is
the last resort for a lock taken without a worker.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, delete, insert, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.models import JobLock
from bot.store.workers import live_workers


def try_acquire_lock(
    session: Session,
    name: str,
    holder: str,
    ttl_seconds: float,
    *,
    worker_id: str | None = None,
    alive_since: datetime | None = None,
) -> bool:
    """Take ``name`` for ``holder`` and commit; False if a live holder has it.

    A hold is stale once it expired, or (with ``alive_since``) once the worker
    that took it has not beaten since then.
    """
    now = datetime.now(UTC)
    stale = [JobLock.expires_at < now]
    if alive_since is not None:
        # The asking worker is alive, whatever its last heartbeat says: its own holds stand.
        stale.append(
            and_(
                JobLock.worker_id.is_not(None),
                JobLock.worker_id != (worker_id or ""),
                JobLock.worker_id.not_in(live_workers(alive_since)),
            )
        )
    session.execute(delete(JobLock).where(JobLock.name == name, or_(*stale)))
    try:
        session.execute(
            insert(JobLock).values(
                name=name,
                holder=holder,
                worker_id=worker_id,
                expires_at=now + timedelta(seconds=ttl_seconds),
            )
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def release_lock(session: Session, name: str, holder: str) -> None:
    """Release only our own hold: an expired lock may already belong to someone else."""
    session.execute(delete(JobLock).where(JobLock.name == name, JobLock.holder == holder))
    session.commit()
