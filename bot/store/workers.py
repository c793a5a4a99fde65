"""Worker processes and their heartbeats: the store's answer to "is whoever holds this alive?".

Locks, deliveries and owed jobs name the worker that has them; anything named
by a worker whose heartbeat is older than the timeout (or whose row is gone)
belongs to nobody and may be taken over.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, delete, insert, select, update
from sqlalchemy.orm import Session

from bot.store.models import Worker


def register_worker(session: Session, worker_id: str, host: str, pid: int, now: datetime) -> None:
    session.execute(
        insert(Worker).values(id=worker_id, host=host[:255], pid=pid, started_at=now, beat_at=now)
    )
    session.commit()


def beat(session: Session, worker_id: str, now: datetime) -> bool:
    """Renew the heartbeat; False if the row is gone (taken for dead): the caller re-registers."""
    result = session.execute(update(Worker).where(Worker.id == worker_id).values(beat_at=now))
    session.commit()
    return bool(getattr(result, "rowcount", 0))


def forget_worker(session: Session, worker_id: str) -> None:
    """A worker that stops cleanly leaves nothing to take over."""
    session.execute(delete(Worker).where(Worker.id == worker_id))
    session.commit()


def live_workers(alive_since: datetime) -> Select[str]:
    """The ids of workers that beat at or after ``alive_since``, as a subquery."""
    return select(Worker.id).where(Worker.beat_at >= alive_since)


def prune_workers(session: Session, dead_before: datetime) -> None:
    """Drop rows of workers long dead; what they named is free either way."""
    session.execute(delete(Worker).where(Worker.beat_at < dead_before))
    session.commit()
