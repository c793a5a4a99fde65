"""Keep the repository snapshot discovery read, so the PR job need not read it again.

Content reads are most of the API requests a campaign makes, and discovery and
the PR job read the same commit unless the default branch moved in between. A
commit's files never change, so a kept snapshot is always right for its commit;
keeping only the newest per repository bounds the table by the fleet's size.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Collection, Mapping
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.store.models import RepoSnapshotRow

MAX_KEPT_BYTES = 32 * 1024 * 1024
"""A bigger snapshot (compressed) is not kept; the PR job reads it again instead."""


def keep_snapshot(
    session: Session,
    repo: str,
    commit_sha: str,
    files: Mapping[str, str],
    executables: Collection[str] = (),
) -> bool:
    """Keep ``files`` as ``repo`` at ``commit_sha``, replacing older snapshots; False if too big."""
    document = {"files": files, "executables": sorted(executables)}
    packed = zlib.compress(json.dumps(document, ensure_ascii=False).encode("utf-8"))
    if len(packed) > MAX_KEPT_BYTES:
        return False
    key = repo.lower()
    session.execute(delete(RepoSnapshotRow).where(RepoSnapshotRow.repo == key))
    session.add(RepoSnapshotRow(repo=key, commit_sha=commit_sha, files=packed))
    session.flush()
    return True


def kept_snapshot(
    session: Session, repo: str, commit_sha: str
) -> tuple[dict[str, str], frozenset[str]] | None:
    """The files of ``repo`` at ``commit_sha`` and which are executable, if that commit is kept."""
    packed = session.scalar(
        select(RepoSnapshotRow.files).where(
            RepoSnapshotRow.repo == repo.lower(), RepoSnapshotRow.commit_sha == commit_sha
        )
    )
    if packed is None:
        return None
    document = json.loads(zlib.decompress(packed))
    return dict(document["files"]), frozenset(document["executables"])


def prune_snapshots(session: Session, stored_before: datetime) -> int:
    """Drop snapshots stored before ``stored_before``; returns how many."""
    pruned = session.execute(
        delete(RepoSnapshotRow).where(RepoSnapshotRow.stored_at < stored_before)
    )
    return int(getattr(pruned, "rowcount", 0) or 0)
