"""Webhook deliveries: persisted on receipt, then processed by a worker exactly once.

The unique ``delivery_id`` is the de-duplication key: GitHub keeps the id when a
delivery is redelivered, so a second insert means "already have it".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.models import Delivery

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
