"""Installations and the repositories they grant, kept right whatever order events arrive in.

GitHub does not order deliveries. Every installation event embeds a snapshot
of the installation with its ``updated_at``; a snapshot older than the one the
row reflects is ignored. Deletion is final: GitHub gives a re-installation a
new id, so a ``created`` arriving after ``deleted`` for the same id is old news.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.store.models import Installation, InstalledRepository


@dataclass(frozen=True)
class InstallationSnapshot:
    """What one event says about an installation at ``updated_at``."""

    id: int
    account: str
    suspended: bool
    updated_at: datetime


@dataclass(frozen=True)
class RepositoryRef:
    id: int
    full_name: str


def _is_older(seen: datetime | None, incoming: datetime) -> bool:
    return seen is not None and incoming < seen


def _current(session: Session, snapshot: InstallationSnapshot) -> Installation:
    """The row for this installation, created from the snapshot when first seen."""
    row = session.get(Installation, snapshot.id, with_for_update=True)
    if row is None:
        row = Installation(
            id=snapshot.id,
            account=snapshot.account,
            suspended=snapshot.suspended,
            github_updated_at=snapshot.updated_at,
        )
        session.add(row)
        session.flush()
    return row


def _apply(row: Installation, snapshot: InstallationSnapshot) -> None:
    if row.deleted or _is_older(row.github_updated_at, snapshot.updated_at):
        return
    row.account = snapshot.account
    row.suspended = snapshot.suspended
    row.github_updated_at = snapshot.updated_at


def record_installation(
    session: Session, snapshot: InstallationSnapshot, repositories: Iterable[RepositoryRef] = ()
) -> Installation:
    """An installation was created or changed; ``repositories`` are the ones it grants."""
    row = _current(session, snapshot)
    _apply(row, snapshot)
    if not row.deleted:
        _mark_repositories(session, snapshot, repositories, removed=False)
    return row


def record_deletion(session: Session, snapshot: InstallationSnapshot) -> Installation:
    """The installation is gone for good, and with it access to all its repositories."""
    row = _current(session, snapshot)
    row.deleted = True
    row.github_updated_at = max(snapshot.updated_at, row.github_updated_at or snapshot.updated_at)
    session.execute(
        update(InstalledRepository)
        .where(InstalledRepository.installation_id == snapshot.id)
        .values(removed=True)
    )
    return row


def record_repository_changes(
    session: Session,
    snapshot: InstallationSnapshot,
    added: Iterable[RepositoryRef],
    removed: Iterable[RepositoryRef],
) -> Installation:
    row = _current(session, snapshot)
    _apply(row, snapshot)
    if not row.deleted:
        _mark_repositories(session, snapshot, added, removed=False)
        _mark_repositories(session, snapshot, removed, removed=True)
    return row


def _mark_repositories(
    session: Session,
    snapshot: InstallationSnapshot,
    repositories: Iterable[RepositoryRef],
    *,
    removed: bool,
) -> None:
    for repository in repositories:
        row = session.get(InstalledRepository, repository.id, with_for_update=True)
        if row is None:
            session.add(
                InstalledRepository(
                    id=repository.id,
                    installation_id=snapshot.id,
                    full_name=repository.full_name,
                    removed=removed,
                    github_updated_at=snapshot.updated_at,
                )
            )
        elif not _is_older(row.github_updated_at, snapshot.updated_at):
            row.installation_id = snapshot.id
            row.full_name = repository.full_name
            row.removed = removed
            row.github_updated_at = snapshot.updated_at


def get_installation(session: Session, installation_id: int) -> Installation | None:
    return session.get(Installation, installation_id)


def active_repositories(session: Session, installation_id: int) -> Sequence[str]:
    """Full names of the repositories the installation currently grants, sorted."""
    query = (
        select(InstalledRepository.full_name)
        .where(
            InstalledRepository.installation_id == installation_id,
            InstalledRepository.removed.is_(False),
        )
        .order_by(InstalledRepository.full_name)
    )
    return session.scalars(query).all()
