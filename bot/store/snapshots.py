"""Keep the repository snapshot discovery read, so the PR job need not read it again.

Content reads are most of the API requests a campaign makes, and discovery and
the PR job read the same commit unless the default branch moved in between. A
commit's files never change, so a kept snapshot is always right for its commit;
keeping only the newest per repository bounds the table by the fleet's size.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.engine.snapshot import SkippedFile, SkipReason
from bot.store.models import RepoSnapshotRow

MAX_KEPT_BYTES = 32 * 1024 * 1024
"""A bigger snapshot (compressed) is not kept; the PR job reads it again instead."""


def keep_snapshot(
    session: Session,
    repo: str,
    commit_sha: str,
    files: Mapping[str, str],
    executables: Collection[str] = (),
    encodings: Mapping[str, str] | None = None,
    skipped: Sequence[SkippedFile] = (),
) -> bool:
    """Keep ``files`` as ``repo`` at ``commit_sha``, replacing older snapshots; False if too big.

    The skipped files are kept with their raw bytes: a snapshot served from here
    must show the engine exactly what reading the commit again would.
    """
    document: dict[str, object] = {"files": files, "executables": sorted(executables)}
    if encodings:
        document["encodings"] = dict(encodings)
    if skipped:
        document["skipped"] = [_skipped_out(s) for s in skipped]
    packed = zlib.compress(json.dumps(document, ensure_ascii=False).encode("utf-8"))
    if len(packed) > MAX_KEPT_BYTES:
        return False
    key = repo.lower()
    session.execute(delete(RepoSnapshotRow).where(RepoSnapshotRow.repo == key))
    session.add(RepoSnapshotRow(repo=key, commit_sha=commit_sha, files=packed))
    session.flush()
    return True


def _skipped_out(skipped: SkippedFile) -> dict[str, object]:
    fields = asdict(skipped)
    fields["raw"] = base64.b64encode(skipped.raw).decode("ascii")
    return fields


def _skipped_in(fields: dict[str, object]) -> SkippedFile:
    raw = base64.b64decode(str(fields["raw"]))
    reason = SkipReason(str(fields["reason"]))
    return SkippedFile(
        path=str(fields["path"]),
        reason=reason,
        raw=raw,
        size=int(str(fields["size"])),
        complete=bool(fields["complete"]),
        detail=str(fields["detail"]),
        limit=int(str(fields["limit"])),
    )


def kept_snapshot(
    session: Session, repo: str, commit_sha: str
) -> tuple[dict[str, str], frozenset[str], dict[str, str], tuple[SkippedFile, ...]] | None:
    """The files of ``repo`` at ``commit_sha``, if that commit is kept.

    With them: which are executable, the encodings not UTF-8, the skipped files.
    """
    packed = session.scalar(
        select(RepoSnapshotRow.files).where(
            RepoSnapshotRow.repo == repo.lower(), RepoSnapshotRow.commit_sha == commit_sha
        )
    )
    if packed is None:
        return None
    document = json.loads(zlib.decompress(packed))
    return (
        dict(document["files"]),
        frozenset(document["executables"]),
        dict(document.get("encodings", {})),
        tuple(_skipped_in(s) for s in document.get("skipped", [])),
    )


def prune_snapshots(session: Session, stored_before: datetime) -> int:
    """Drop snapshots stored before ``stored_before``; returns how many."""
    pruned = session.execute(
        delete(RepoSnapshotRow).where(RepoSnapshotRow.stored_at < stored_before)
    )
    return int(getattr(pruned, "rowcount", 0) or 0)
