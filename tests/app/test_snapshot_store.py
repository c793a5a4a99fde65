"""Kept repository snapshots on SQLite and PostgreSQL: by commit, newest only, bounded, pruned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.engine.snapshot import MAX_FILE_BYTES, SkipReason, SnapshotBuilder
from bot.store import snapshots
from bot.store.models import RepoSnapshotRow
from bot.store.snapshots import keep_snapshot, kept_snapshot, prune_snapshots

OLD, NEW = "1" * 40, "2" * 40
FILES = {"jobs/daily.sql": "SELECT play_id FROM `legacy-proj.music.plays_v1`\n", "ß.md": "ünï\n"}


def test_a_kept_snapshot_comes_back_for_its_commit_only(engine: Engine) -> None:
    with Session(engine) as session:
        assert keep_snapshot(session, "acme/Radio", OLD, FILES, ["jobs/run.sh"]) is True
        session.commit()
    with Session(engine) as session:
        assert kept_snapshot(session, "acme/radio", OLD)[:2] == (FILES, frozenset({"jobs/run.sh"}))
        assert kept_snapshot(session, "acme/radio", NEW) is None
        assert kept_snapshot(session, "acme/other", OLD) is None


def test_a_kept_snapshot_keeps_encodings_and_skipped_files_byte_for_byte(engine: Engine) -> None:
    builder = SnapshotBuilder()
    builder.add("jobs/cp.sql", "SELECT 'café €' AS x\n".encode("cp1252"))
    builder.add("jobs/dump.sql", b"SELECT * FROM `legacy-proj.music.plays_v1`\n\0\xff")
    builder.add_symlink("jobs/link.sql", b"../shared/q.sql")
    builder.add("big.csv", b"a,b\n" * 10, size=MAX_FILE_BYTES * 50)
    snapshot = builder.build()
    with Session(engine) as session:
        keep_snapshot(
            session, "acme/radio", OLD, snapshot.files, (), snapshot.encodings, snapshot.skipped
        )
        session.commit()
    with Session(engine) as session:
        kept = kept_snapshot(session, "acme/radio", OLD)
    assert kept is not None
    files, _, encodings, skipped = kept
    assert (files, encodings) == (dict(snapshot.files), {"jobs/cp.sql": "cp1252"})
    assert skipped == snapshot.skipped
    assert [s.reason for s in skipped] == [
        SkipReason.TOO_LARGE,
        SkipReason.NUL_BYTES,
        SkipReason.SYMLINK,
    ]


def test_keeping_a_newer_commit_replaces_the_older_one(engine: Engine) -> None:
    with Session(engine) as session:
        keep_snapshot(session, "acme/radio", OLD, FILES)
        keep_snapshot(session, "acme/radio", NEW, {"a.sql": "SELECT 1\n"})
        keep_snapshot(session, "acme/jobs", OLD, FILES)
        session.commit()
        assert kept_snapshot(session, "acme/radio", OLD) is None
        assert kept_snapshot(session, "acme/radio", NEW)[:2] == (
            {"a.sql": "SELECT 1\n"},
            frozenset(),
        )
        assert session.scalar(select(func.count()).select_from(RepoSnapshotRow)) == 2


def test_a_snapshot_too_big_to_keep_is_refused_and_the_old_one_stays(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshots, "MAX_KEPT_BYTES", 64)
    with Session(engine) as session:
        keep_snapshot(session, "acme/radio", OLD, {"a.sql": "x"})
        huge = {f"f{n}.sql": f"SELECT {n * 7919}\n" for n in range(50)}
        assert keep_snapshot(session, "acme/radio", NEW, huge) is False
        session.commit()
        assert kept_snapshot(session, "acme/radio", NEW) is None
        assert kept_snapshot(session, "acme/radio", OLD)[:2] == ({"a.sql": "x"}, frozenset())


def test_pruning_drops_snapshots_stored_before_the_cut(engine: Engine) -> None:
    now = datetime.now(UTC)
    with Session(engine) as session:
        keep_snapshot(session, "acme/radio", OLD, FILES)
        keep_snapshot(session, "acme/jobs", NEW, FILES)
        for row in session.scalars(select(RepoSnapshotRow)):
            if row.repo == "acme/radio":
                row.stored_at = now - timedelta(days=8)
        session.commit()
        assert prune_snapshots(session, now - timedelta(days=7)) == 1
        session.commit()
        assert kept_snapshot(session, "acme/radio", OLD) is None
        assert kept_snapshot(session, "acme/jobs", NEW)[:2] == (FILES, frozenset())
