"""Read a repository's text files at one commit without cloning it.

A repository whose size is known to be moderate costs a single request: the
tarball of the branch, which names its commit the way ``git archive`` does.
Otherwise the tree comes first (it lists sizes, so oversized files are never
downloaded), then one request per wanted file or, for many files, the tarball.
Either way the result is the same snapshot, so planning never knows which path
was taken. Binary and oversized files are left out: no rewrite applies to them.
"""

from __future__ import annotations

import base64
import io
import re
import tarfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.github.client import AnyGitHub
from bot.github.commits import EXECUTABLE_MODE

MAX_FILE_BYTES = 1_000_000
BLOB_REQUEST_LIMIT = 40
"""Above this many wanted files one tarball is cheaper than a request per blob."""
ARCHIVE_FIRST_MAX_KB = 100_000
"""Repositories up to this size (GitHub's ``size``, in KB) are read as one tarball straight away."""
_SHA = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class RepoSnapshot:
    """The text files of a repository at ``commit_sha``, keyed by path.

    ``executables`` names the files git marks executable, so a commit that
    rewrites one keeps its mode.
    """

    commit_sha: str
    files: dict[str, str]
    executables: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Archive:
    """What a tarball holds: its text files, which are executable, and the commit it names."""

    commit_sha: str | None
    files: dict[str, str]
    executables: frozenset[str]

    def snapshot(self, commit_sha: str) -> RepoSnapshot:
        return RepoSnapshot(commit_sha, self.files, self.executables)


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


def read_tarball(archive: bytes, wanted: Callable[[str], bool], max_file_bytes: int) -> Archive:
    """The text files of a GitHub tarball and the commit it names.

    ``git archive`` of a commit names it in a global pax header; without one the
    commit is None. Every path sits under one ``owner-repo-sha/`` folder.
    """
    files: dict[str, str] = {}
    executables: set[str] = set()
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        for member in tar:
            _, _, path = member.name.partition("/")
            if not member.isfile() or member.size > max_file_bytes or not wanted(path):
                continue
            extracted = tar.extractfile(member)
            text = decode_text(extracted.read()) if extracted else None
            if text is None:
                continue
            files[path] = text
            if member.mode & 0o111:
                executables.add(path)
        commit = tar.pax_headers.get("comment", "")
    return Archive(commit if _SHA.match(commit) else None, files, frozenset(executables))


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
    size_kb: int | None = None,
    wanted: Callable[[str], bool] = _everything,
    max_file_bytes: int = MAX_FILE_BYTES,
    blob_request_limit: int = BLOB_REQUEST_LIMIT,
) -> RepoSnapshot:
    """Snapshot the files ``wanted`` accepts at ``ref`` (branch, sha, or default branch).

    ``size_kb`` is the repository's size when the caller knows it (repository
    listings carry it): a moderate one is read as one tarball of ``ref``. The
    tree path skips oversized files before any download; a truncated tree
    (GitHub cuts very large ones) falls back to the tarball.
    """
    if ref is not None and size_kb is not None and size_kb <= ARCHIVE_FIRST_MAX_KB:
        archive = gh.rest.repos.download_tarball_archive(owner, repo, ref).content
        contents = read_tarball(archive, wanted, max_file_bytes)
        if contents.commit_sha is not None:
            return contents.snapshot(contents.commit_sha)
        if _SHA.match(ref):
            return contents.snapshot(ref)
        # Without the commit named, the files cannot be pinned to one: read by sha instead.
    commit_sha = resolve_commit(gh, owner, repo, ref)
    tree = gh.rest.git.get_tree(owner, repo, commit_sha, recursive="1").parsed_data
    blobs = [
        entry
        for entry in tree.tree
        if entry.type == "blob"
        and isinstance(entry.size, int)
        and entry.size <= max_file_bytes
        and wanted(entry.path)
    ]
    if tree.truncated or len(blobs) > blob_request_limit:
        archive = gh.rest.repos.download_tarball_archive(owner, repo, commit_sha).content
        return read_tarball(archive, wanted, max_file_bytes).snapshot(commit_sha)
    files = _files_from_blobs(gh, owner, repo, ((entry.path, entry.sha) for entry in blobs))
    executables = frozenset(e.path for e in blobs if e.mode == EXECUTABLE_MODE and e.path in files)
    return RepoSnapshot(commit_sha, files, executables)
