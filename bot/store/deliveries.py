"""Webhook deliveries: persisted on receipt, then processed by a worker until one run finishes.

The unique ``delivery_id`` is the de-duplication key: GitHub keeps the id when a
delivery is redelivered, so a second insert means "already have it".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.models import Delivery
from bot.store.workers import live_workers

PENDING = "pending"
PROCESSED = "processed"
FAILED = "failed"


def record_delivery(
    session: Session, *, delivery_id: str, event: str, action: str | None, payload: bytes
) -> bool:
    """Store a new delivery and commit; False when this id was already stored."""
    statement = insert(Delivery).values(
        delivery_id=delivery_id, event=event, action=action, payload=payload
    )
    try:
        session.execute(statement)
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def forget_delivery(session: Session, delivery_id: str) -> None:
    """Remove a delivery that was stored but could not be queued, so a redelivery is new."""
    session.execute(delete(Delivery).where(Delivery.delivery_id == delivery_id))
    session.commit()


def get_delivery(session: Session, delivery_id: str) -> Delivery | None:
    return session.scalars(select(Delivery).where(Delivery.delivery_id == delivery_id)).first()


def finish_delivery(
    session: Session, delivery_id: str, status: str, error: str | None = None
) -> None:
    """Record the outcome in its own statement, so it survives a rolled-back handler."""
    session.execute(
        update(Delivery)
        .where(Delivery.delivery_id == delivery_id)
        .values(status=status, error=error)
    )
    session.commit()


def claim_stranded(session: Session, received_before: datetime, now: datetime) -> list[str]:
    """Delivery ids stored before ``received_before`` that no worker ever ran, marked as re-queued.

    A process that dies between storing a delivery and queueing it leaves such a
    row. The mark makes the sweep queue each one once at most: one still waiting
    in a long queue runs twice, and its second run finds it processed.
    """
    ids = list(
        session.scalars(
            select(Delivery.delivery_id).where(
                Delivery.status == PENDING,
                Delivery.attempts == 0,
                Delivery.requeued_at.is_(None),
                Delivery.received_at < received_before,
            )
        )
    )
    if ids:
        session.execute(
            update(Delivery).where(Delivery.delivery_id.in_(ids)).values(requeued_at=now)
        )
    session.commit()
    return ids


def orphaned_deliveries(
    session: Session, alive_since: datetime, asking: str
) -> list[tuple[str, str | None]]:
    """Pending deliveries of other workers not beaten since ``alive_since``: (id, worker)."""
    rows = session.execute(
        select(Delivery.delivery_id, Delivery.worker_id).where(
            Delivery.status == PENDING,
            Delivery.worker_id.is_not(None),
            Delivery.worker_id != asking,
            Delivery.worker_id.not_in(live_workers(alive_since)),
        )
    ).all()
    session.commit()
    return [(row[0], row[1]) for row in rows]


def deliveries_running_on(session: Session, worker_id: str) -> list[str]:
    ids = list(
        session.scalars(
            select(Delivery.delivery_id).where(
                Delivery.status == PENDING, Delivery.worker_id == worker_id
            )
        )
    )
    session.commit()
    return ids


def take_over_delivery(
    session: Session, delivery_id: str, worker_id: str | None, now: datetime
) -> bool:
    """Free a delivery whose worker died, to queue it again; True for the sweeper that won."""
    result = session.execute(
        update(Delivery)
        .where(
            Delivery.delivery_id == delivery_id,
            Delivery.status == PENDING,
            Delivery.worker_id == worker_id,
        )
        .values(worker_id=None, requeued_at=now)
    )
    session.commit()
    return bool(getattr(result, "rowcount", 0))


def waiting_deliveries(session: Session, since_before: datetime) -> list[str]:
    """Pending deliveries no worker has, last queued before ``since_before``.

    Candidates for a queue message that was lost (taken off the queue by a
    worker that died before it started); the caller checks the queue itself.
    """
    moment = func.coalesce(Delivery.requeued_at, Delivery.received_at)
    ids = list(
        session.scalars(
            select(Delivery.delivery_id).where(
                Delivery.status == PENDING, Delivery.worker_id.is_(None), moment < since_before
            )
        )
    )
    session.commit()
    return ids


def mark_requeued(session: Session, delivery_id: str, now: datetime) -> None:
    session.execute(
        update(Delivery)
        .where(Delivery.delivery_id == delivery_id, Delivery.worker_id.is_(None))
        .values(requeued_at=now)
    )
    session.commit()
