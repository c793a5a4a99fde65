"""Named locks in the state store, shared by every worker process and machine.

huey's own ``lock_task`` cannot expire on SQLite (nor on Redis before 7.4), so a
worker killed while holding it would block its repository forever; these rows
carry an expiry instead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.models import JobLock


def try_acquire_lock(session: Session, name: str, holder: str, ttl_seconds: float) -> bool:
    """Take ``name`` for ``holder`` (replacing an expired holder) and commit; False if held."""
    now = datetime.now(UTC)
    session.execute(delete(JobLock).where(JobLock.name == name, JobLock.expires_at < now))
    try:
        session.execute(
            insert(JobLock).values(
                name=name, holder=holder, expires_at=now + timedelta(seconds=ttl_seconds)
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
