"""Read a repository's text files at one commit without cloning it.

A repository whose size is known to be moderate costs a single request: the
tarball of the branch, which names its commit the way ``git archive`` does.
Otherwise the tree comes first (it lists sizes, so a repository over the cap is
refused unread), then one request per wanted file or, for many files, the tarball.
Either way the result is the same snapshot, so planning never knows which path
was taken. Binary, oversized and symlinked files are classified as the CLI
classifies them (``bot.engine.snapshot``, one size limit for both) and kept as
skipped, with their raw bytes, so the engine's prefilter still looks at them.

The bytes read from one repository are capped as a whole, not only per file: a
small tarball can hold far more text than it weighs. The tarball is read as a
stream, member by member, and reading stops as soon as the cap is passed; the
tree path adds up the listed sizes before downloading anything. Either way the
repository is reported as too large to read (``RepoTooLargeError``), never planned
on part of its files.
"""

from __future__ import annotations

import base64
import io
import re
import tarfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

from bot.engine.snapshot import MAX_FILE_BYTES, SkippedFile, Snapshot, SnapshotBuilder, decode
from bot.github.client import AnyGitHub
from bot.github.commits import EXECUTABLE_MODE
from bot.settings import MAX_REPO_BYTES

SYMLINK_MODE = "120000"
BLOB_REQUEST_LIMIT = 40
"""Above this many wanted files one tarball is cheaper than a request per blob."""
ARCHIVE_FIRST_MAX_KB = 100_000
"""Repositories up to this size (GitHub's ``size``, in KB) are read as one tarball straight away."""
_SHA = re.compile(r"^[0-9a-f]{40}$")
_MB = 1024 * 1024
_STREAM_CHUNK = 64 * 1024


class RepoTooLargeError(Exception):
    """The repository holds more text than one snapshot may read; nothing of it was kept."""

    def __init__(self, size: int, limit: int, *, at_least: bool) -> None:
        self.size = size
        self.limit = limit
        more = "at least " if at_least else ""
        super().__init__(
            f"too large to read: {more}{_size(size)} of text > limit {_size(limit)} "
            "(GODWIT_MAX_REPO_BYTES)"
        )


def _size(count: int) -> str:
    return f"{count / _MB:,.1f} MB" if count >= _MB else f"{count:,} bytes"


@dataclass(frozen=True)
class RepoSnapshot:
    """The text files of a repository at ``commit_sha``, keyed by path.

    ``executables`` names the files git marks executable, so a commit that
    rewrites one keeps its mode; ``encodings`` the text files not in UTF-8;
    ``skipped`` the files that are not planned, with their raw bytes.
    """

    commit_sha: str
    files: dict[str, str]
    executables: frozenset[str] = frozenset()
    encodings: dict[str, str] = field(default_factory=dict)
    skipped: tuple[SkippedFile, ...] = ()

    @property
    def contents(self) -> Snapshot:
        """What the engine plans: the text, its encodings and the skipped files."""
        return Snapshot(self.files, self.encodings, self.skipped)


@dataclass(frozen=True)
class Archive:
    """What a tarball holds: its files as a snapshot, which are executable, and its commit."""

    commit_sha: str | None
    contents: Snapshot
    executables: frozenset[str]

    @property
    def files(self) -> dict[str, str]:
        return dict(self.contents.files)

    def snapshot(self, commit_sha: str) -> RepoSnapshot:
        contents = self.contents
        return RepoSnapshot(
            commit_sha, self.files, self.executables, dict(contents.encodings), contents.skipped
        )


def _everything(path: str) -> bool:
    return True


def resolve_commit(gh: AnyGitHub, owner: str, repo: str, ref: str | None) -> str:
    """The commit sha of a branch name, a full sha, or (None) the default branch."""
    if ref is not None and _SHA.match(ref):
        return ref
    if ref is None:
        ref = gh.rest.repos.get(owner, repo).parsed_data.default_branch
    return gh.rest.git.get_ref(owner, repo, f"heads/{ref}").parsed_data.object_.sha


class _ChunkStream(io.RawIOBase):
    """A readable file over an iterator of byte chunks, so ``tarfile`` can stream a response."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def read_tarball(
    archive: bytes | IO[bytes],
    wanted: Callable[[str], bool],
    max_file_bytes: int,
    max_total_bytes: int = MAX_REPO_BYTES,
) -> Archive:
    """The files of a GitHub tarball (bytes or a stream) and the commit it names.

    ``git archive`` of a commit names it in a global pax header; without one the
    commit is None. Every path sits under one ``owner-repo-sha/`` folder. A member
    over ``max_file_bytes`` is still read (its raw bytes are what the prefilter
    scans), so every member counts towards ``max_total_bytes``; past it this
    raises ``RepoTooLargeError``.
    """
    stream = io.BytesIO(archive) if isinstance(archive, bytes) else archive
    snapshot = SnapshotBuilder(max_file_bytes)
    executables: set[str] = set()
    total = 0
    with tarfile.open(fileobj=stream, mode="r|gz") as tar:
        for member in tar:
            _, _, path = member.name.partition("/")
            if not wanted(path):
                continue
            if member.issym():
                snapshot.add_symlink(path, member.linkname.encode("utf-8", "surrogateescape"))
                continue
            if not member.isfile():
                continue
            total += member.size
            if total > max_total_bytes:
                raise RepoTooLargeError(total, max_total_bytes, at_least=True)
            extracted = tar.extractfile(member)
            planned = extracted is not None and snapshot.add(path, extracted.read())
            if planned and member.mode & 0o111:
                executables.add(path)
        commit = tar.pax_headers.get("comment", "")
    return Archive(commit if _SHA.match(commit) else None, snapshot.build(), frozenset(executables))


@contextmanager
def _one_client(gh: AnyGitHub) -> Iterator[None]:
    """Keep one HTTP client open across the calls, as a streamed response needs.

    githubkit otherwise closes its client when a call returns, which would cut
    a streamed body off; a caller already inside ``with gh:`` keeps its own.
    """
    try:
        gh.__enter__()  # type: ignore[no-untyped-call]  # githubkit leaves it untyped
    except RuntimeError:  # already entered by the caller, whose client stays open
        yield
        return
    try:
        yield
    finally:
        gh.__exit__(None, None, None)


def download_tarball(
    gh: AnyGitHub,
    owner: str,
    repo: str,
    ref: str,
    wanted: Callable[[str], bool],
    max_file_bytes: int,
    max_total_bytes: int,
) -> Archive:
    """Stream the tarball of ``ref`` through ``read_tarball``, never holding it whole."""
    with _one_client(gh):
        response = gh.rest.repos.download_tarball_archive(owner, repo, ref, stream=True)
        raw = response.raw_response
        try:
            reader = io.BufferedReader(_ChunkStream(raw.iter_bytes(_STREAM_CHUNK)), _STREAM_CHUNK)
            return read_tarball(reader, wanted, max_file_bytes, max_total_bytes)
        finally:
            raw.close()


def _files_from_blobs(
    gh: AnyGitHub,
    owner: str,
    repo: str,
    blobs: Iterable[tuple[str, str, str]],
    max_file_bytes: int,
) -> Snapshot:
    """Each (path, sha, mode) blob classified, a symlink's blob being its target."""
    snapshot = SnapshotBuilder(max_file_bytes)
    for path, sha, mode in blobs:
        raw = base64.b64decode(gh.rest.git.get_blob(owner, repo, sha).parsed_data.content)
        if mode == SYMLINK_MODE:
            snapshot.add_symlink(path, raw)
        else:
            snapshot.add(path, raw)
    return snapshot.build()


def read_snapshot(
    gh: AnyGitHub,
    owner: str,
    repo: str,
    ref: str | None = None,
    *,
    size_kb: int | None = None,
    wanted: Callable[[str], bool] = _everything,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_total_bytes: int = MAX_REPO_BYTES,
    blob_request_limit: int = BLOB_REQUEST_LIMIT,
) -> RepoSnapshot:
    """Snapshot the files ``wanted`` accepts at ``ref`` (branch, sha, or default branch).

    ``size_kb`` is the repository's size when the caller knows it (repository
    listings carry it): a moderate one is read as one tarball of ``ref``. The
    tree path adds up the listed sizes before any download; a truncated tree
    (GitHub cuts very large ones) falls back to the tarball. More than
    ``max_total_bytes`` of wanted files raises ``RepoTooLargeError``.
    """
    limits = (max_file_bytes, max_total_bytes)
    if ref is not None and size_kb is not None and size_kb <= ARCHIVE_FIRST_MAX_KB:
        contents = download_tarball(gh, owner, repo, ref, wanted, *limits)
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
        if entry.type == "blob" and isinstance(entry.size, int) and wanted(entry.path)
    ]
    listed = sum(entry.size or 0 for entry in blobs)
    if listed > max_total_bytes:
        raise RepoTooLargeError(listed, max_total_bytes, at_least=bool(tree.truncated))
    if tree.truncated or len(blobs) > blob_request_limit:
        return download_tarball(gh, owner, repo, commit_sha, wanted, *limits).snapshot(commit_sha)
    wanted_blobs = ((entry.path, entry.sha, entry.mode) for entry in blobs)
    read = _files_from_blobs(gh, owner, repo, wanted_blobs, max_file_bytes)
    executables = frozenset(
        e.path for e in blobs if e.mode == EXECUTABLE_MODE and e.path in read.files
    )
    return Archive(None, read, executables).snapshot(commit_sha)


class RepoFileError(Exception):
    """One file asked for by name is not there, is not a file, or is too large to read."""


def read_repo_file(
    gh: AnyGitHub, owner: str, repo: str, path: str, ref: str | None, max_bytes: int
) -> str:
    """The text of one file named by a person (an export a campaign links), bounded.

    The file's folder is listed first: the listing gives the file's size and blob
    without its content, so a file over ``max_bytes`` is refused before a byte
    of it is downloaded, and the blob API reads files the contents API would
    only describe (over 1 MB). ``GitHubException`` passes through (404 when the
    repository or folder is missing or the installation cannot see it).
    """
    folder, _, name = path.rpartition("/")
    listed = (
        gh.rest.repos.get_content(owner, repo, folder)
        if ref is None
        else gh.rest.repos.get_content(owner, repo, folder, ref=ref)
    )
    listing = listed.parsed_data
    entries = listing if isinstance(listing, list) else []
    entry = next((e for e in entries if e.name == name), None)
    if entry is None:
        raise RepoFileError(f"{path} does not exist in {owner}/{repo}")
    if entry.type != "file":
        raise RepoFileError(f"{path} in {owner}/{repo} is a {entry.type}, not a file")
    if entry.size > max_bytes:
        raise RepoFileError(
            f"{path} in {owner}/{repo} is {_size(entry.size)}, "
            f"more than the limit {_size(max_bytes)}"
        )
    blob = gh.rest.git.get_blob(owner, repo, entry.sha).parsed_data
    data = base64.b64decode(blob.content)
    if len(data) > max_bytes:  # the listing was wrong: still never keep more than the limit
        raise RepoFileError(f"{path} in {owner}/{repo} is more than the limit {_size(max_bytes)}")
    decoded = decode(data)
    if decoded is None:
        raise RepoFileError(f"{path} in {owner}/{repo} is not text")
    return decoded.text
