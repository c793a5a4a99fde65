"""``godwit plan`` / ``apply`` on a checkout holding files the engine cannot plan.

A 2.6 MB SQL file full of references used to give "nothing to migrate" and a
passing ``apply --check``: each such file is now listed, and the check fails.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli.test_cli import CAMPAIGN, godwit, snapshot_bytes

STATEMENT = "SELECT user_id, ms_played FROM `legacy-proj.music.plays_v1` WHERE ms_played > {n};\n"


def _huge_sql() -> bytes:
    """About 2.6 MB of statements that each read the old table."""
    lines = []
    size = n = 0
    while size < 2_700_000:
        line = STATEMENT.format(n=n)
        lines.append(line)
        size += len(line)
        n += 1
    return "".join(lines).encode()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "etl"
    (root / "jobs").mkdir(parents=True)
    (root / "jobs" / "backfill.sql").write_bytes(_huge_sql())
    (root / "jobs" / "export.sql").write_bytes(STATEMENT.format(n=1).encode() + b"\0\0")
    (root / "jobs" / "legacy.sql").write_bytes(STATEMENT.format(n=2).encode("utf-16"))
    (root / "jobs" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    os.symlink("/srv/sql/legacy-proj.music.plays_v1.sql", root / "jobs" / "linked.sql")
    return root


def test_plan_json_lists_each_skipped_file_with_its_reason(checkout: Path) -> None:
    result = godwit("plan", "--json", "--no-parity", CAMPAIGN, checkout)
    assert result.returncode == 0, result.stderr
    [repo] = json.loads(result.stdout)["repos"]
    assert repo["files"] == []
    assert repo["skipped"] == [
        {"path": "jobs/backfill.sql", "reason": "too large (2.6 MB > 2 MB limit)"},
        {"path": "jobs/export.sql", "reason": "contains NUL bytes"},
        {"path": "jobs/legacy.sql", "reason": "contains NUL bytes"},
        {"path": "jobs/linked.sql", "reason": "symlink"},
    ]
    assert repo["summary"]["skipped"] == 4


def test_plan_text_lists_them_instead_of_nothing_to_migrate(checkout: Path) -> None:
    result = godwit("plan", "--no-parity", CAMPAIGN, checkout)
    assert result.returncode == 0, result.stderr
    assert "nothing to migrate" not in result.stdout
    assert "skipped   jobs/backfill.sql  [too large (2.6 MB > 2 MB limit);" in result.stdout
    assert "skipped   jobs/linked.sql  [symlink;" in result.stdout
    assert "logo.png" not in result.stdout
    total = next(line for line in result.stdout.splitlines() if line.startswith("Total: "))
    assert "4 files skipped unread that name an old table" in total


def test_apply_check_exits_1_and_says_why_and_apply_writes_nothing(checkout: Path) -> None:
    before = snapshot_bytes(checkout)

    check = godwit("apply", "--check", "--no-parity", CAMPAIGN, checkout)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "Nothing to change" not in check.stdout
    assert (
        "etl/jobs/backfill.sql: skipped (too large (2.6 MB > 2 MB limit)) but names an old table"
        in check.stdout
    )
    assert "(this is why --check fails)" in check.stdout

    applied = godwit("apply", "--no-parity", CAMPAIGN, checkout)
    assert applied.returncode == 0, applied.stderr
    assert snapshot_bytes(checkout) == before
    assert os.readlink(checkout / "jobs" / "linked.sql").endswith("plays_v1.sql")


def test_a_cp1252_file_is_rewritten_and_keeps_its_bytes(tmp_path: Path) -> None:
    root = tmp_path / "etl"
    (root / "jobs").mkdir(parents=True)
    header = "-- Auswertung für Händler, Umsatz in €\r\n".encode("cp1252")
    query = STATEMENT.format(n=3).replace("\n", "\r\n").encode("cp1252")
    (root / "jobs" / "q.sql").write_bytes(header + query)

    applied = godwit("apply", "--no-parity", CAMPAIGN, root)
    assert applied.returncode == 0, applied.stderr

    written = (root / "jobs" / "q.sql").read_bytes()
    assert written.startswith(header)
    assert b"`core-proj.music.plays_v2`" in written
    assert b"plays_v1" not in written
    assert godwit("apply", "--check", "--no-parity", CAMPAIGN, root).returncode == 0


def test_a_checkout_with_nothing_skipped_still_passes_the_check(tmp_path: Path) -> None:
    root = tmp_path / "web"
    root.mkdir()
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    (root / "notes.md").write_bytes(b"nothing here\n")
    check = godwit("apply", "--check", "--no-parity", CAMPAIGN, root)
    assert check.returncode == 0, check.stdout
    assert "Nothing to change" in check.stdout
