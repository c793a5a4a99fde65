"""Commit file changes to a branch through the Git Data API, without a clone.

The commit carries no author or committer, so GitHub creates it as the App's bot
and shows it as verified. A branch only moves from the head Godwit expects:
once a person has pushed to it, Godwit stops instead of overwriting their work.
"""

from __future__ import annotations

import base64
from collections.abc import Collection, Mapping
from typing import Literal

from githubkit.exception import RequestFailed
from githubkit_schemas.latest.types import ReposOwnerRepoGitTreesPostBodyPropTreeItemsType

from bot.github.client import AnyGitHub

FILE_MODE: Literal["100644"] = "100644"
EXECUTABLE_MODE: Literal["100755"] = "100755"


class BranchMovedError(Exception):
    """The branch's head is not the commit Godwit expected: someone else pushed to it."""

    def __init__(self, branch: str, expected: str | None, actual: str | None) -> None:
        super().__init__(f"branch {branch!r} is at {actual}, expected {expected}")
        self.branch = branch
        self.expected = expected
        self.actual = actual


def tree_entries(
    changes: Mapping[str, str | None],
    executables: Collection[str] = (),
    blobs: Mapping[str, str] | None = None,
) -> list[ReposOwnerRepoGitTreesPostBodyPropTreeItemsType]:
    """Tree entries writing each new text inline, or deleting the path when the text is None.

    A path in ``executables`` keeps git's executable mode; a path in ``blobs``
    points at that blob (uploaded first: inline content can only be UTF-8).
    """
    entries: list[ReposOwnerRepoGitTreesPostBodyPropTreeItemsType] = []
    uploaded = blobs or {}
    for path in sorted({*changes, *uploaded}):
        text = changes.get(path)
        mode = EXECUTABLE_MODE if path in executables else FILE_MODE
        if path in uploaded:
            entries.append({"path": path, "mode": mode, "type": "blob", "sha": uploaded[path]})
        elif text is None:
            entries.append({"path": path, "mode": mode, "type": "blob", "sha": None})
        else:
            entries.append({"path": path, "mode": mode, "type": "blob", "content": text})
    return entries


def branch_head(gh: AnyGitHub, owner: str, repo: str, branch: str) -> str | None:
    """The commit a branch points at, or None when the branch does not exist."""
    try:
        return gh.rest.git.get_ref(owner, repo, f"heads/{branch}").parsed_data.object_.sha
    except RequestFailed as error:
        if error.response.status_code == 404:
            return None
        raise


def reproduces(
    gh: AnyGitHub,
    owner: str,
    repo: str,
    head_sha: str,
    *,
    parent_sha: str,
    changes: Mapping[str, str | bytes | None],
    executables: Collection[str] = (),
) -> bool:
    """Whether committing ``changes`` on ``parent_sha`` would give ``head_sha``'s content again.

    Checked by building the tree (a git object, which moves no branch) and
    comparing ids, so "the same" means byte for byte, modes included.
    """
    head = gh.rest.git.get_commit(owner, repo, head_sha).parsed_data
    if [parent.sha for parent in head.parents] != [parent_sha]:
        return False
    base_tree = gh.rest.git.get_commit(owner, repo, parent_sha).parsed_data.tree.sha
    return build_tree(gh, owner, repo, base_tree, changes, executables) == head.tree.sha


def build_tree(
    gh: AnyGitHub,
    owner: str,
    repo: str,
    base_tree: str,
    changes: Mapping[str, str | bytes | None],
    executables: Collection[str] = (),
) -> str:
    """The id of ``base_tree`` with ``changes`` applied (a git object; no branch moves).

    Bytes (a file not in UTF-8, in its own encoding) are uploaded as a blob first,
    so they reach git exactly as given; inline tree content can only be UTF-8.
    """
    texts = {path: c for path, c in changes.items() if not isinstance(c, bytes)}
    blobs = {
        path: gh.rest.git.create_blob(
            owner, repo, content=base64.b64encode(c).decode("ascii"), encoding="base64"
        ).parsed_data.sha
        for path, c in changes.items()
        if isinstance(c, bytes)
    }
    return gh.rest.git.create_tree(
        owner, repo, base_tree=base_tree, tree=tree_entries(texts, executables, blobs)
    ).parsed_data.sha


def commit_changes(
    gh: AnyGitHub,
    owner: str,
    repo: str,
    *,
    branch: str,
    parent_sha: str,
    changes: Mapping[str, str | bytes | None],
    message: str,
    expected_head: str | None,
    base_tree: str | None = None,
    executables: Collection[str] = (),
) -> str:
    """Commit ``changes`` on top of ``parent_sha`` and point ``branch`` at it; return its sha.

    ``expected_head`` is the branch head Godwit last saw (None: the branch must
    not exist yet, which creating it checks atomically). Building on the head
    itself is a fast-forward that GitHub checks too; building on a newer base (a
    rebase) forces the ref, right after checking that nobody else moved it.
    ``base_tree`` (the parent's tree) saves looking the parent up; ``executables``
    are the changed paths to keep executable; bytes are written as ``build_tree`` says.
    """
    if not changes:
        raise ValueError("a commit needs at least one changed file")
    if expected_head is not None:
        actual = branch_head(gh, owner, repo, branch)
        if actual != expected_head:
            raise BranchMovedError(branch, expected_head, actual)
    if base_tree is None:
        base_tree = gh.rest.git.get_commit(owner, repo, parent_sha).parsed_data.tree.sha
    tree = build_tree(gh, owner, repo, base_tree, changes, executables)
    commit = gh.rest.git.create_commit(
        owner, repo, message=message, tree=tree, parents=[parent_sha]
    ).parsed_data
    try:
        if expected_head is None:
            gh.rest.git.create_ref(owner, repo, ref=f"refs/heads/{branch}", sha=commit.sha)
        else:
            gh.rest.git.update_ref(
                owner, repo, f"heads/{branch}", sha=commit.sha, force=parent_sha != expected_head
            )
    except RequestFailed as error:
        # 422: the branch exists already, or the fast-forward failed, or moved after the
        # check above; or a retried request had already moved the branch to this very commit.
        if error.response.status_code != 422:
            raise
        actual = branch_head(gh, owner, repo, branch)
        if actual != commit.sha:
            raise BranchMovedError(branch, expected_head, actual) from error
    return commit.sha
