"""One file's change as a git-style patch, in the form ``git apply`` takes.

Paths are relative to the repository's root (``a/PATH``, ``b/PATH``), as
``git diff`` writes them, so the output of ``godwit diff`` applies from inside
the checkout; a last line without a newline carries git's marker, without which
``git apply`` calls the patch corrupt.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

NO_NEWLINE_MARKER = "\\ No newline at end of file\n"


def file_patch(path: str, old: str, new: str) -> str:
    """The patch turning ``old`` into ``new`` at ``path`` (POSIX, repository-relative)."""
    if old == new:
        return ""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    return f"diff --git a/{path} b/{path}\n" + "".join(_marked(lines))


def _marked(lines: Iterator[str]) -> Iterator[str]:
    for line in lines:
        if line.endswith("\n"):
            yield line
        else:
            yield line + "\n"
            yield NO_NEWLINE_MARKER
