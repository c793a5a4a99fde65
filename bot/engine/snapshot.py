"""What a repository snapshot holds: readable text, its encodings, and files skipped.

The CLI (files on disk) and the App (trees and tarballs read through the API)
both turn raw bytes into a snapshot with ``classify``, so one file-size limit and
one list of skip reasons hold for both. A file the engine cannot plan is never
dropped: it is carried as a :class:`SkippedFile` with its raw bytes, so the
prefilter still looks at it and a skipped file that names an old table is
reported (a *skipped reference*) instead of leaving "nothing to migrate".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

MAX_FILE_BYTES = 2 * 1024 * 1024
"""Larger files are not planned (parsing them is slow and rarely what a person wants)."""

UTF8 = "utf-8"
TEXT_ENCODINGS = (UTF8, "cp1252", "latin-1")
"""Tried in order; the first that decodes the file is the one it is written back in."""

# Control characters other than tab, newline, vertical tab, form feed and carriage return:
# a file holding them in a single-byte decode is binary data, not text.
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MB = 1024 * 1024


class SkipReason(StrEnum):
    """Every reason a file of a snapshot is not planned (one list for CLI and App)."""

    TOO_LARGE = "too-large"
    NUL_BYTES = "nul-bytes"
    NOT_TEXT = "not-text"
    SYMLINK = "symlink"
    UNWRITABLE = "unwritable"  # a planned edit cannot be encoded in the file's own encoding


def _megabytes(count: int) -> str:
    return f"{count / _MB:.1f} MB" if count % _MB else f"{count // _MB} MB"


def _unread(scanned: int) -> str:
    if not scanned:
        return ", not scanned"
    shown = _megabytes(scanned) if scanned >= _MB else f"{scanned:,} bytes"
    return f", only the first {shown} scanned"


@dataclass(frozen=True)
class SkippedFile:
    """A file left out of planning, with the raw bytes the prefilter scans.

    ``raw`` is the file's bytes (a symlink's: its target); ``size`` the file's
    full size, which ``raw`` may fall short of only when the reader could not
    hold more (then ``complete`` is False and a miss proves nothing).
    """

    path: str
    reason: SkipReason
    raw: bytes = field(repr=False)
    size: int
    complete: bool = True
    detail: str = ""  # UNWRITABLE: the encoding the edit could not be written in
    limit: int = MAX_FILE_BYTES  # the file-size limit the reader applied

    def describe(self) -> str:
        """The reason in words, as the plan, the PR body and the dashboard show it."""
        unread = "" if self.complete else _unread(len(self.raw))
        if self.reason is SkipReason.TOO_LARGE:
            return f"too large ({_megabytes(self.size)} > {_megabytes(self.limit)} limit{unread})"
        if self.reason is SkipReason.NUL_BYTES:
            return f"contains NUL bytes{unread}"
        if self.reason is SkipReason.NOT_TEXT:
            return f"not text in UTF-8/cp1252/Latin-1{unread}"
        if self.reason is SkipReason.SYMLINK:
            return f"symlink{unread}"
        return f"the rewrite cannot be written in the file's encoding ({self.detail})"


@dataclass(frozen=True)
class DecodedFile:
    text: str
    encoding: str


def decode(raw: bytes) -> DecodedFile | None:
    """The text of ``raw`` in the first of ``TEXT_ENCODINGS`` that reads it, or None.

    Each encoding round-trips the bytes exactly, so writing the text back in the
    same encoding changes nothing outside the edits.
    """
    if b"\0" in raw:
        return None
    for encoding in TEXT_ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding != UTF8 and _BINARY_CONTROLS.search(text):
            return None
        return DecodedFile(text, encoding)
    return None


class UnwritableChangeError(ValueError):
    """A new text holds a character its file's own encoding cannot."""

    def __init__(self, path: str, encoding: str) -> None:
        super().__init__(f"{path} cannot hold the change in its encoding ({encoding})")
        self.path = path
        self.encoding = encoding


def encode_changes(
    changes: Mapping[str, str], encodings: Mapping[str, str]
) -> dict[str, str | bytes]:
    """The changes as a commit writes them: UTF-8 files as text, the others in their encoding.

    A file read as cp1252 or Latin-1 is never re-encoded as UTF-8, which would
    change every non-ASCII byte outside the edit; a text its encoding cannot hold
    raises ``UnwritableChangeError`` rather than being written some other way.
    """
    written: dict[str, str | bytes] = {}
    for path, text in changes.items():
        encoding = encodings.get(path, UTF8)
        if encoding == UTF8:
            written[path] = text
            continue
        try:
            written[path] = text.encode(encoding)
        except UnicodeEncodeError:
            raise UnwritableChangeError(path, encoding) from None
    return written


def classify(
    path: str, raw: bytes, *, size: int | None = None, limit: int = MAX_FILE_BYTES
) -> DecodedFile | SkippedFile:
    """Decide whether ``raw`` (the file at ``path``) is planned as text or skipped, and why.

    ``size`` is the file's full size when ``raw`` holds only part of it.
    """
    full = len(raw) if size is None else size
    complete = full == len(raw)
    if full > limit:
        return SkippedFile(path, SkipReason.TOO_LARGE, raw, full, complete, limit=limit)
    if b"\0" in raw:
        return SkippedFile(path, SkipReason.NUL_BYTES, raw, full, complete, limit=limit)
    decoded = decode(raw)
    if decoded is None:
        return SkippedFile(path, SkipReason.NOT_TEXT, raw, full, complete, limit=limit)
    return decoded


def symlink(path: str, target: bytes) -> SkippedFile:
    """A symlink is never followed: its target text is what the prefilter scans."""
    return SkippedFile(path, SkipReason.SYMLINK, target, len(target))


@dataclass(frozen=True, eq=False)
class Snapshot(Mapping[str, str]):
    """A repository's readable text by path, plus how to write it back and what was skipped.

    It reads as the plain ``path -> text`` mapping the engine has always taken;
    ``encodings`` names only the files not in UTF-8.
    """

    files: Mapping[str, str]
    encodings: Mapping[str, str] = field(default_factory=dict)
    skipped: tuple[SkippedFile, ...] = ()

    def __getitem__(self, path: str) -> str:
        return self.files[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)

    def encoding_of(self, path: str) -> str:
        return self.encodings.get(path, UTF8)


class SnapshotBuilder:
    """Collects classified files into a :class:`Snapshot` (both readers use it).

    ``max_skipped_bytes`` bounds the raw bytes kept of skipped files; past it a
    skipped file keeps none and counts as not scanned whole (so it is reported).
    """

    def __init__(self, limit: int = MAX_FILE_BYTES, max_skipped_bytes: int | None = None) -> None:
        self.limit = limit
        self.files: dict[str, str] = {}
        self.encodings: dict[str, str] = {}
        self.skipped: list[SkippedFile] = []
        self._skipped_room = max_skipped_bytes

    def add(self, path: str, raw: bytes, *, size: int | None = None) -> bool:
        """Add the file; True when it is planned as text."""
        outcome = classify(path, raw, size=size, limit=self.limit)
        if isinstance(outcome, SkippedFile):
            self.skipped.append(self._kept(outcome))
            return False
        self.files[path] = outcome.text
        if outcome.encoding != UTF8:
            self.encodings[path] = outcome.encoding
        return True

    def add_symlink(self, path: str, target: bytes) -> None:
        self.skipped.append(self._kept(symlink(path, target)))

    def _kept(self, skipped: SkippedFile) -> SkippedFile:
        if self._skipped_room is None:
            return skipped
        if len(skipped.raw) > self._skipped_room:
            return replace(skipped, raw=b"", complete=False)
        self._skipped_room -= len(skipped.raw)
        return skipped

    def build(self) -> Snapshot:
        skipped = tuple(sorted(self.skipped, key=lambda s: s.path))
        return Snapshot(self.files, self.encodings, skipped)
