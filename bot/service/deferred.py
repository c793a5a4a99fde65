"""Run an action once the session's transaction commits, and never if it rolls back.

A job enqueued from inside a transaction could start before the rows it reads
are committed (PostgreSQL would show it the old state); queued from here, the
job always sees what its caller wrote, and a failed handler queues nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

_PENDING = "godwit_after_commit"


def after_commit(session: Session, action: Callable[[], None]) -> None:
    pending: list[Callable[[], None]] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []
        event.listen(session, "after_commit", _run)
        event.listen(session, "after_rollback", _drop)
    pending.append(action)


def _run(session: Session) -> None:
    actions: list[Callable[[], None]] = session.info.get(_PENDING, [])
    ready, actions[:] = list(actions), []
    for action in ready:
        try:
            action()
        except Exception:  # the commit stands; the next event or command queues it again
            logger.exception("could not run %r after commit", action)


def _drop(session: Session) -> None:
    session.info.get(_PENDING, []).clear()
