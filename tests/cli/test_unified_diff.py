"""``bot.unified_diff``: patches ``git apply`` accepts, a missing last newline included."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot.unified_diff import NO_NEWLINE_MARKER, file_patch

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("SELECT 1 FROM p.d.plays_v1\n", "SELECT 1 FROM p.d.plays_v2\n"),
        ("SELECT 1 FROM p.d.plays_v1", "SELECT 1 FROM p.d.plays_v2"),
        ("-- top\nSELECT 1 FROM p.d.plays_v1", "-- top\nSELECT 1 FROM p.d.plays_v2\n"),
    ],
    ids=["newline", "no-newline", "newline-added"],
)
def test_the_patch_applies_inside_the_repository(tmp_path: Path, old: str, new: str) -> None:
    target = tmp_path / "jobs" / "daily" / "query.sql"
    target.parent.mkdir(parents=True)
    target.write_text(old, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)

    patch = file_patch("jobs/daily/query.sql", old, new)
    assert patch.startswith("diff --git a/jobs/daily/query.sql b/jobs/daily/query.sql\n")
    assert (NO_NEWLINE_MARKER in patch) == (not old.endswith("\n") or not new.endswith("\n"))
    applied = subprocess.run(
        ["git", "apply", "-"], input=patch, capture_output=True, text=True, cwd=tmp_path
    )
    assert applied.returncode == 0, applied.stderr
    assert target.read_text(encoding="utf-8") == new


def test_an_unchanged_file_has_no_patch() -> None:
    assert file_patch("a.sql", "SELECT 1\n", "SELECT 1\n") == ""
