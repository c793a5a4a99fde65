"""Read a repository's text files at one commit without cloning it.

A small repository costs one tree request plus one request per wanted file; a
large one costs a single tarball. Either way the result is the same snapshot, so
planning never knows which path was taken. Binary and oversized files are left
out: no rewrite applies to them.
"""

from __future__ import annotations

import base64
import io
import re
import tarfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.github.client import AnyGitHub

MAX_FILE_BYTES = 1_000_000
BLOB_REQUEST_LIMIT = 40
"""Above this many wanted files one tarball is cheaper than a request per blob."""
_SHA = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class RepoSnapshot:
    """The text files of a repository at ``commit_sha``, keyed by path."""

    commit_sha: str
    files: dict[str, str]


def _everything(path: str) -> bool:
    return True


def decode_text(data: bytes) -> str | None:
    """The file's text, or None for a binary file (a NUL byte or invalid UTF-8)."""
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def resolve_commit(gh: AnyGitHub, owner: str, repo: str, ref: str | None) -> str:
    """The commit sha of a branch name, a full sha, or (None) the default branch."""
    if ref is not None and _SHA.match(ref):
        return ref
    if ref is None:
        ref = gh.rest.repos.get(owner, repo).parsed_data.default_branch
    return gh.rest.git.get_ref(owner, repo, f"heads/{ref}").parsed_data.object_.sha


def files_from_tarball(
    archive: bytes, wanted: Callable[[str], bool], max_file_bytes: int
) -> dict[str, str]:
    """Text files of a GitHub tarball, whose paths all sit under one ``owner-repo-sha/`` folder."""
    files: dict[str, str] = {}
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        for member in tar:
            _, _, path = member.name.partition("/")
            if not member.isfile() or member.size > max_file_bytes or not wanted(path):
                continue
            extracted = tar.extractfile(member)
            text = decode_text(extracted.read()) if extracted else None
            if text is not None:
                files[path] = text
    return files


def _files_from_blobs(
    gh: AnyGitHub, owner: str, repo: str, blobs: Iterable[tuple[str, str]]
) -> dict[str, str]:
    files: dict[str, str] = {}
    for path, sha in blobs:
        blob = gh.rest.git.get_blob(owner, repo, sha).parsed_data
        text = decode_text(base64.b64decode(blob.content))
        if text is not None:
            files[path] = text
    return files


def read_snapshot(
    gh: AnyGitHub,
    owner: str,
    repo: str,
    ref: str | None = None,
    *,
    wanted: Callable[[str], bool] = _everything,
    max_file_bytes: int = MAX_FILE_BYTES,
    blob_request_limit: int = BLOB_REQUEST_LIMIT,
) -> RepoSnapshot:
    """Snapshot the files ``wanted`` accepts at ``ref`` (branch, sha, or default branch).

    The tree lists sizes, so oversized files are skipped before any download; a
    truncated tree (GitHub cuts very large ones) falls back to the tarball.
    """
    commit_sha = resolve_commit(gh, owner, repo, ref)
    tree = gh.rest.git.get_tree(owner, repo, commit_sha, recursive="1").parsed_data
    blobs = [
        (entry.path, entry.sha)
        for entry in tree.tree
        if entry.type == "blob"
        and isinstance(entry.size, int)
        and entry.size <= max_file_bytes
        and wanted(entry.path)
    ]
    if tree.truncated or len(blobs) > blob_request_limit:
        archive = gh.rest.repos.download_tarball_archive(owner, repo, commit_sha).content
        files = files_from_tarball(archive, wanted, max_file_bytes)
    else:
        files = _files_from_blobs(gh, owner, repo, blobs)
    return RepoSnapshot(commit_sha, files)
