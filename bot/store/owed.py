"""Owed jobs: every campaign job from the moment it is asked for until it finishes.

Each change of hands is a compare-and-set on the row, so when several workers
sweep at once exactly one of them re-queues an orphan, and a duplicate queue
message finds the job running or gone and does nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from bot.store.models import OwedJob
from bot.store.workers import live_workers

QUEUED = "queued"
RUNNING = "running"


def owe(session: Session, name: str, args: Sequence[Any], due_at: datetime) -> str:
    """Record a job as owed in the caller's transaction; its id, which the queue message carries."""
    job_id = uuid.uuid4().hex
    session.execute(
        insert(OwedJob).values(
            id=job_id, name=name, args=list(args), state=QUEUED, due_at=due_at, attempts=0
        )
    )
    return job_id


def claim(session: Session, job_id: str, worker_id: str, now: datetime) -> OwedJob | None:
    """Take a queued job for ``worker_id`` and commit; None when it runs elsewhere or is done."""
    result = session.execute(
        update(OwedJob)
        .where(OwedJob.id == job_id, OwedJob.state == QUEUED)
        .values(state=RUNNING, worker_id=worker_id, started_at=now, attempts=OwedJob.attempts + 1)
    )
    session.commit()
    if not getattr(result, "rowcount", 0):
        return None
    return session.get(OwedJob, job_id)


def give_back(session: Session, job_id: str, worker_id: str, due_at: datetime) -> None:
    """The job goes back to the queue (a retry, a busy lock, a pause) due at ``due_at``."""
    session.execute(
        update(OwedJob)
        .where(OwedJob.id == job_id, OwedJob.worker_id == worker_id)
        .values(state=QUEUED, worker_id=None, due_at=due_at)
    )
    session.commit()


def settle(session: Session, job_id: str) -> None:
    """The job finished (for good, or failed for good): nothing is owed any more."""
    session.execute(delete(OwedJob).where(OwedJob.id == job_id))
    session.commit()


def orphans(session: Session, alive_since: datetime, asking: str) -> list[tuple[str, str | None]]:
    """Running jobs of other workers that have not beaten since ``alive_since``: (id, worker)."""
    rows = session.execute(
        select(OwedJob.id, OwedJob.worker_id).where(
            OwedJob.state == RUNNING,
            OwedJob.worker_id != asking,
            OwedJob.worker_id.not_in(live_workers(alive_since)),
        )
    ).all()
    session.commit()
    return [(row[0], row[1]) for row in rows]


def running_on(session: Session, worker_id: str) -> list[str]:
    ids = list(
        session.scalars(
            select(OwedJob.id).where(OwedJob.state == RUNNING, OwedJob.worker_id == worker_id)
        )
    )
    session.commit()
    return ids


def take_over(session: Session, job_id: str, worker_id: str | None, now: datetime) -> bool:
    """Put an orphan back in the queue; True for the one sweeper whose compare-and-set won."""
    result = session.execute(
        update(OwedJob)
        .where(OwedJob.id == job_id, OwedJob.state == RUNNING, OwedJob.worker_id == worker_id)
        .values(state=QUEUED, worker_id=None, due_at=now)
    )
    session.commit()
    return bool(getattr(result, "rowcount", 0))


def overdue(session: Session, due_before: datetime) -> list[tuple[str, datetime]]:
    """Queued jobs due before ``due_before``: (id, due_at), candidates for a lost message."""
    rows = session.execute(
        select(OwedJob.id, OwedJob.due_at).where(
            OwedJob.state == QUEUED, OwedJob.due_at < due_before
        )
    ).all()
    session.commit()
    return [(row[0], row[1]) for row in rows]


def resend(session: Session, job_id: str, due_at: datetime, now: datetime) -> bool:
    """Mark a queued job whose message was lost as sent again; True for the sweeper that won."""
    result = session.execute(
        update(OwedJob)
        .where(OwedJob.id == job_id, OwedJob.state == QUEUED, OwedJob.due_at == due_at)
        .values(due_at=now)
    )
    session.commit()
    return bool(getattr(result, "rowcount", 0))
