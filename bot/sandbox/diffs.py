"""File-level diffs between two trees, as GitHub lists them for pulls, commits and compares."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from bot.sandbox.gitobjects import EMPTY_TREE_ID, ObjectStore

Status = Literal["added", "removed", "modified"]


@dataclass(frozen=True)
class FileDiff:
    filename: str
    status: Status
    sha: str
    additions: int
    deletions: int
    patch: str | None
    """Unified diff hunks without file headers, ``None`` for binary files (like GitHub)."""


def _lines(data: bytes) -> list[str] | None:
    try:
        return data.decode().splitlines()
    except UnicodeDecodeError:
        return None


def _patch(old: bytes, new: bytes) -> tuple[str | None, int, int]:
    old_lines, new_lines = _lines(old), _lines(new)
    if old_lines is None or new_lines is None:
        return None, 0, 0
    hunks = list(difflib.unified_diff(old_lines, new_lines, lineterm="", n=3))[2:]
    additions = sum(1 for line in hunks if line.startswith("+"))
    deletions = sum(1 for line in hunks if line.startswith("-"))
    return "\n".join(hunks), additions, deletions


def diff_trees(store: ObjectStore, old_tree: str | None, new_tree: str) -> list[FileDiff]:
    """Changed files between two trees, sorted by path; ``old_tree=None`` means empty."""
    old = store.flatten(old_tree) if old_tree and old_tree != EMPTY_TREE_ID else {}
    new = store.flatten(new_tree)
    result: list[FileDiff] = []
    for path in sorted(old.keys() | new.keys()):
        before, after = old.get(path), new.get(path)
        if before is not None and after is not None and before.sha == after.sha:
            continue
        old_data = store.blob(before.sha) if before is not None else b""
        new_data = store.blob(after.sha) if after is not None else b""
        patch, additions, deletions = _patch(old_data, new_data)
        status: Status = "modified"
        if before is None:
            status = "added"
        elif after is None:
            status = "removed"
        sha = after.sha if after is not None else before.sha if before is not None else ""
        result.append(FileDiff(path, status, sha, additions, deletions, patch))
    return result
