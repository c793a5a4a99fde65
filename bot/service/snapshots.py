"""Repository snapshots for campaign jobs: read once at discovery, reused by the PR job.

The PR job asks GitHub where the default branch is now; while it is still at
the commit discovery read, the kept snapshot serves it and no file is read
again. A kept snapshot is only a cache: losing it costs one more read.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from huey import crontab
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.github.client import AnyGitHub
from bot.github.content import RepoSnapshot, read_snapshot
from bot.service.github_ops import split_repo
from bot.settings import MAX_REPO_BYTES
from bot.store.snapshots import keep_snapshot, kept_snapshot, prune_snapshots

if TYPE_CHECKING:
    from bot.service.context import AppServices

SNAPSHOT_RETENTION = timedelta(days=7)
PRUNE_SCHEDULE = crontab(minute="41", hour="3")  # daily


def keep(session: Session, repo: str, snapshot: RepoSnapshot) -> None:
    """Keep ``snapshot`` for later jobs, in a savepoint of the caller's transaction.

    A concurrent job keeping the same commit is as good, so losing that race is fine.
    """
    try:
        with session.begin_nested():
            keep_snapshot(
                session,
                repo,
                snapshot.commit_sha,
                snapshot.files,
                snapshot.executables,
                snapshot.encodings,
                snapshot.skipped,
            )
    except IntegrityError:
        pass


def snapshot_at(
    session: Session,
    gh: AnyGitHub,
    repo: str,
    commit_sha: str,
    *,
    max_repo_bytes: int = MAX_REPO_BYTES,
) -> RepoSnapshot:
    """``repo`` at ``commit_sha``: the kept snapshot of that commit, or read (and kept) now.

    The look-up's transaction is committed before GitHub is read, so no
    transaction stays open across network calls; the session must hold nothing
    uncommitted.
    """
    kept = kept_snapshot(session, repo, commit_sha)
    session.commit()
    if kept is not None:
        return RepoSnapshot(commit_sha, *kept)
    owner, name = split_repo(repo)
    snapshot = read_snapshot(gh, owner, name, commit_sha, max_total_bytes=max_repo_bytes)
    keep(session, repo, snapshot)
    session.commit()
    return snapshot


def register_snapshot_pruning(services: AppServices) -> None:
    """Drop snapshots nobody used for a week, daily, in the consumers that run periodic tasks."""

    def snapshot_pruning() -> None:
        with services.sessions() as session:
            prune_snapshots(session, services.now() - SNAPSHOT_RETENTION)
            session.commit()

    services.huey.periodic_task(PRUNE_SCHEDULE, name="snapshot_pruning")(snapshot_pruning)
