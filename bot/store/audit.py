"""The audit log: one row per thing Godwit saw or did, newest last."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.store.models import AuditEntry


def add_audit_entry(
    session: Session,
    *,
    action: str,
    installation_id: int | None = None,
    repo: str | None = None,
    target_url: str | None = None,
    target_number: int | None = None,
    detail: str | None = None,
) -> AuditEntry:
    """Add an entry to the session; the caller's transaction decides when it is kept."""
    entry = AuditEntry(
        action=action,
        installation_id=installation_id,
        repo=repo,
        target_url=target_url,
        target_number=target_number,
        detail=detail,
    )
    session.add(entry)
    return entry


def audit_entries(session: Session, *, repo: str | None = None) -> Sequence[AuditEntry]:
    """Entries in the order they were written, optionally for one repository."""
    query = select(AuditEntry).order_by(AuditEntry.id)
    if repo is not None:
        query = query.where(AuditEntry.repo == repo)
    return session.scalars(query).all()


def campaign_audit_entries(
    session: Session,
    *,
    installation_id: int,
    host_repo: str,
    issue_number: int,
    repos: Sequence[str],
    since: datetime,
    limit: int,
) -> Sequence[AuditEntry]:
    """The newest ``limit`` entries about a campaign: its issue's commands and its repositories.

    Entries name a repository, not a campaign, so a repository in two campaigns at once
    shows the other campaign's entries too (from when this one started).
    """
    about = or_(
        and_(
            func.lower(AuditEntry.repo) == host_repo.lower(),
            AuditEntry.target_number == issue_number,
        ),
        func.lower(AuditEntry.repo).in_([repo.lower() for repo in repos]),
    )
    query = (
        select(AuditEntry)
        .where(AuditEntry.installation_id == installation_id, AuditEntry.time >= since, about)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return session.scalars(query).all()
