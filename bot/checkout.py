"""Read a repository checkout into a snapshot and write changed files back.

This is the CLI's I/O edge around the pure engine. Files are read and written
as bytes, decoded (UTF-8, else cp1252, else Latin-1: ``bot.engine.snapshot``)
without newline translation and written back in the same encoding, so CRLF
files and everything else outside the edited spans survive byte for byte.
Files the engine cannot plan are kept as skipped, with their raw bytes, so the
plan can say which of them name an old table.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from bot.engine.discovery import IGNORED_DIRECTORIES
from bot.engine.snapshot import MAX_FILE_BYTES, Snapshot, SnapshotBuilder

MAX_SCANNED_BYTES = 64 * 1024 * 1024
"""Of a file over the limit at most this much is read for the prefilter; past it, unsure."""
MAX_SKIPPED_BYTES = 4 * MAX_SCANNED_BYTES
"""Raw bytes of skipped files held for the prefilter, for the whole checkout."""


class CheckoutError(Exception):
    """A checkout that cannot be read: reported to the user, nothing is written."""


def read_checkout(root: Path) -> Snapshot:
    """Every text file under ``root``; binary, huge and symlinked files as skipped."""
    if not root.exists():
        raise CheckoutError(f"{root}: no such directory")
    if not root.is_dir():
        raise CheckoutError(f"{root}: not a directory")
    snapshot = SnapshotBuilder(max_skipped_bytes=MAX_SKIPPED_BYTES)

    def fail(error: OSError) -> None:
        raise CheckoutError(f"{error.filename}: cannot be read ({error.strerror})")

    for folder, subfolders, filenames in os.walk(root, onerror=fail):
        subfolders[:] = sorted(d for d in subfolders if d not in IGNORED_DIRECTORIES)
        linked = [d for d in subfolders if Path(folder, d).is_symlink()]
        for filename in filenames + linked:
            path = Path(folder, filename)
            relative = path.relative_to(root).as_posix()
            try:
                if path.is_symlink():
                    snapshot.add_symlink(relative, os.fsencode(os.readlink(path)))
                elif path.is_file():
                    data, size = _read_bounded(path)
                    snapshot.add(relative, data, size=size)
            except OSError as error:
                raise CheckoutError(f"{path}: cannot be read ({error.strerror})") from error
    return snapshot.build()


def _read_bounded(path: Path) -> tuple[bytes, int]:
    """The file's bytes (at most ``MAX_SCANNED_BYTES``) and its full size."""
    size = path.stat().st_size
    if size <= MAX_FILE_BYTES:
        data = path.read_bytes()
        return data, len(data)
    with path.open("rb") as handle:
        data = handle.read(MAX_SCANNED_BYTES)
    return data, max(size, len(data))


def write_changes(root: Path, changes: Mapping[str, str | bytes]) -> None:
    """Replace each changed file atomically, keeping its permission bits.

    Bytes are written as given (``RepoPlan.written_changes``: a file not in UTF-8,
    in its own encoding); text as UTF-8.
    """
    for relative, text in changes.items():
        target = root / relative
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o644
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(text if isinstance(text, bytes) else text.encode("utf-8"))
            os.chmod(temporary, mode)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
