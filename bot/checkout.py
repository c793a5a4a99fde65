"""Read a repository checkout into a snapshot and write changed files back.

This is the CLI's I/O edge around the pure engine. Files are read and written
as bytes decoded as UTF-8 without newline translation, so CRLF files and
everything else outside the edited spans survive byte for byte.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from bot.engine.discovery import IGNORED_DIRECTORIES

MAX_FILE_BYTES = 2_000_000


class CheckoutError(Exception):
    """A checkout that cannot be read: reported to the user, nothing is written."""


def read_checkout(root: Path) -> dict[str, str]:
    """Every UTF-8 text file under ``root`` (binary, huge and build files are left out)."""
    if not root.exists():
        raise CheckoutError(f"{root}: no such directory")
    if not root.is_dir():
        raise CheckoutError(f"{root}: not a directory")
    snapshot: dict[str, str] = {}

    def fail(error: OSError) -> None:
        raise CheckoutError(f"{error.filename}: cannot be read ({error.strerror})")

    for folder, subfolders, filenames in os.walk(root, onerror=fail):
        subfolders[:] = sorted(d for d in subfolders if d not in IGNORED_DIRECTORIES)
        for filename in filenames:
            path = Path(folder, filename)
            if path.is_symlink() or not path.is_file():
                continue
            try:
                data = path.read_bytes()
            except OSError as error:
                raise CheckoutError(f"{path}: cannot be read ({error.strerror})") from error
            if len(data) > MAX_FILE_BYTES or b"\0" in data:
                continue
            try:
                snapshot[path.relative_to(root).as_posix()] = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
    return snapshot


def write_changes(root: Path, changes: Mapping[str, str]) -> None:
    """Replace each changed file atomically, keeping its permission bits."""
    for relative, text in changes.items():
        target = root / relative
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o644
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(text.encode("utf-8"))
            os.chmod(temporary, mode)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
