"""File-level three-way merges, for merge commits and for a pull request's ``mergeable``."""

from __future__ import annotations

from bot.sandbox.gitobjects import FlatEntry, ObjectStore


def merge_files(store: ObjectStore, ours: str, theirs: str) -> dict[str, FlatEntry] | None:
    """The merged files of two commits, or ``None`` when both changed a file differently.

    Whole files are the unit: GitHub would merge separate hunks of one file, but Godwit only
    needs to know that its branch conflicts, not to resolve it.
    """
    base = store.merge_base(ours, theirs)
    mine = store.flatten(store.commit(ours).tree)
    other = store.flatten(store.commit(theirs).tree)
    ancestor = store.flatten(store.commit(base).tree) if base else {}
    merged: dict[str, FlatEntry] = {}
    for path in mine.keys() | other.keys() | ancestor.keys():
        old, left, right = ancestor.get(path), mine.get(path), other.get(path)
        if left == right or right == old:
            chosen = left
        elif left == old:
            chosen = right
        else:
            return None
        if chosen is not None:
            merged[path] = chosen
    return merged
